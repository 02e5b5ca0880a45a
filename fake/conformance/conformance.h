// `customer-fake conformance`: checks an endpoint that speaks the
// CustomerService API against the documented behaviour, through the public
// API only, and prints a table (or JSON) of every check.
#ifndef CUSTOMER_FAKE_CONFORMANCE_CONFORMANCE_H_
#define CUSTOMER_FAKE_CONFORMANCE_CONFORMANCE_H_

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "fake/conformance/api_client.h"

namespace customerfake::conformance {

struct Options {
  Endpoint endpoint;
  // OAuth client credentials flow instead of a fixed token: the token URL
  // (http:// or https://, trusting endpoint.tls_ca) and ID:SECRET.
  std::string token_url;
  std::string client;
  // Only checks whose id starts with this (or matches it as a glob with *).
  std::string only;
  // Flags the endpoint accepts (integrators have their own).
  std::vector<std::string> flags = {"AUTONOMOUS_TRIPS_ALLOWED",
                                    "WHEELCHAIR_ACCESS_NEEDED"};
  bool json = false;
};

// Runs the checks and writes the report to `out` (problems to `err`); set
// `interrupted` to stop between checks (Ctrl-C): the customers made so far
// are still deleted. Exit code: 0 when nothing differs, 1 when a check
// differs or customers could not be deleted, 2 for bad options, 3 when the
// endpoint cannot be reached, 130 when interrupted.
int Run(const Options& options, std::ostream& out, std::ostream& err,
        const std::atomic<bool>& interrupted);

}  // namespace customerfake::conformance

#endif  // CUSTOMER_FAKE_CONFORMANCE_CONFORMANCE_H_
