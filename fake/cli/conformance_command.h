// `customer-fake conformance`: the conformance kit (fake/conformance/) from
// the command line.
#ifndef CUSTOMER_FAKE_CLI_CONFORMANCE_COMMAND_H_
#define CUSTOMER_FAKE_CLI_CONFORMANCE_COMMAND_H_

#include <string>
#include <vector>

namespace customerfake::cli {

// Runs the checks against --addr with the flags already parsed; `args` are
// the positional arguments after the command (none are taken). Ctrl-C
// (SIGINT) or SIGTERM stops between checks; the customers made so far are
// still deleted. Exit codes as conformance::Run's.
int RunConformance(const std::vector<std::string>& args);

}  // namespace customerfake::cli

#endif  // CUSTOMER_FAKE_CLI_CONFORMANCE_COMMAND_H_
