#include "fake/cli/conformance_command.h"

#include <signal.h>

#include <atomic>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "fake/cli/flags.h"
#include "fake/conformance/conformance.h"

// Shared with the other commands (fake/cli/main.cc).
ABSL_DECLARE_FLAG(std::string, addr);
ABSL_DECLARE_FLAG(std::vector<std::string>, token);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_server_name);
ABSL_DECLARE_FLAG(std::string, ns);
ABSL_DECLARE_FLAG(std::string, protos);
ABSL_DECLARE_FLAG(std::string, timeout);
ABSL_DECLARE_FLAG(bool, json);

ABSL_FLAG(std::string, token_url, "",
          "conformance: fetch the bearer token from this OAuth token URL "
          "(client credentials, with --client)");
ABSL_FLAG(std::string, client, "", "conformance: ID:SECRET for --token-url");
ABSL_FLAG(bool, plaintext, false,
          "conformance: no TLS, also for an address that is not local "
          "(default: plaintext to localhost, 127.0.0.1 and ::1, TLS with the "
          "system's roots elsewhere)");
ABSL_FLAG(std::string, only, "",
          "conformance: only checks whose id starts with this, or matches it "
          "with * as a wildcard (create.*, list.page_size.default)");
ABSL_FLAG(std::vector<std::string>, flag, {},
          "conformance: a customer flag the endpoint accepts (default: "
          "AUTONOMOUS_TRIPS_ALLOWED and WHEELCHAIR_ACCESS_NEEDED); repeat "
          "for more");

namespace customerfake::cli {

namespace {

constexpr int kExitBadUsage = 2;

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "set from a signal handler");

void OnSignal(int) { interrupted = true; }

// Whether HOST:PORT names this machine's loopback.
bool IsLoopback(absl::string_view address) {
  return absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "127.") ||
         absl::StartsWith(address, "[::1]:");
}

int Usage(const std::string& message) {
  std::cerr << "customer-fake: conformance: " << message << "\n";
  return kExitBadUsage;
}

}  // namespace

int RunConformance(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return Usage(absl::StrCat("takes no arguments, got \"", args[0],
                              "\" (the endpoint is --addr HOST:PORT)"));
  }
  conformance::Options options;
  conformance::Endpoint& endpoint = options.endpoint;
  endpoint.address = absl::GetFlag(FLAGS_addr);
  endpoint.protos_dir = absl::GetFlag(FLAGS_protos);
  // "default" is the fake's namespace without the header, and a real
  // endpoint does not know the header: sent only when another is asked for.
  if (absl::GetFlag(FLAGS_ns) != "default") {
    endpoint.ns = absl::GetFlag(FLAGS_ns);
  }
  const std::vector<std::string> tokens = absl::GetFlag(FLAGS_token);
  if (tokens.size() > 1) {
    return Usage(absl::StrCat(FlagRef("token"), " is given ", tokens.size(),
                              " times; conformance sends one"));
  }
  options.token_url = absl::GetFlag(FLAGS_token_url);
  options.client = absl::GetFlag(FLAGS_client);
  if (!tokens.empty() && !options.token_url.empty()) {
    return Usage(absl::StrCat(FlagRef("token"), " and ", FlagRef("token_url"),
                              " exclude each other"));
  }
  if (options.token_url.empty() != options.client.empty()) {
    return Usage(absl::StrCat(
        FlagRef(options.client.empty() ? "token_url" : "client"), " needs ",
        FlagRef(options.client.empty() ? "client" : "token_url")));
  }
  // The fake in its default auth mode takes any bearer token.
  endpoint.token = tokens.empty() ? "conformance" : tokens[0];
  endpoint.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  const bool plaintext = absl::GetFlag(FLAGS_plaintext);
  if (plaintext && !endpoint.tls_ca.empty()) {
    return Usage(absl::StrCat(FlagRef("plaintext"), " and ", FlagRef("tls_ca"),
                              " exclude each other"));
  }
  if (!absl::GetFlag(FLAGS_tls_server_name).empty()) {
    return Usage(absl::StrCat(FlagRef("tls_server_name"),
                              " is not supported by conformance; connect to "
                              "a name the certificate covers"));
  }
  endpoint.tls =
      !endpoint.tls_ca.empty() || (!plaintext && !IsLoopback(endpoint.address));
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_timeout), &endpoint.timeout) ||
      endpoint.timeout <= absl::ZeroDuration()) {
    return Usage(absl::StrCat("bad value \"", absl::GetFlag(FLAGS_timeout),
                              "\" for ", FlagRef("timeout"),
                              ": use a duration like 5s"));
  }
  options.only = absl::GetFlag(FLAGS_only);
  if (std::vector<std::string> flags = absl::GetFlag(FLAGS_flag);
      !flags.empty()) {
    options.flags = std::move(flags);
  }
  options.json = absl::GetFlag(FLAGS_json);

  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return conformance::Run(options, std::cout, std::cerr, interrupted);
}

}  // namespace customerfake::cli
