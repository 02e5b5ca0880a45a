#ifndef CUSTOMER_FAKE_SERVER_CLI_FLAGS_H_
#define CUSTOMER_FAKE_SERVER_CLI_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace customerfake::cli {

// Sets the absl flags named in `args` ("--name=value", "--name value",
// "--bool", "--nobool"); a flag of type std::vector<std::string> given more
// than once collects all values. Returns the positional arguments, or an
// error naming the first bad flag. Unlike absl::ParseCommandLine it never
// exits, so the caller decides the exit code.
absl::StatusOr<std::vector<std::string>> ParseFlags(
    absl::Span<char* const> args);

// "  --name  help (default: value)" lines for the given flags.
std::string FlagHelp(absl::Span<const absl::string_view> names);

}  // namespace customerfake::cli

#endif  // CUSTOMER_FAKE_SERVER_CLI_FLAGS_H_
