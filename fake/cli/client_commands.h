#ifndef CUSTOMER_FAKE_CLI_CLIENT_COMMANDS_H_
#define CUSTOMER_FAKE_CLI_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace customerfake::cli {

// Exit codes of the client commands, for scripts.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;      // the fake answered with an error
inline constexpr int kExitBadUsage = 2;     // wrong arguments
inline constexpr int kExitUnreachable = 3;  // no answer from the fake

struct ClientOptions {
  std::string address;
  std::string ns;
  std::string control_token;
  std::string method;     // `calls` filter
  bool applied = false;   // `calls`: only calls that changed state
  bool to_start = false;  // `reset`: to the server's start scenario
  bool json = false;
  absl::Duration timeout = absl::Seconds(5);
  // TLS, trusting the CA certificates of tls_ca_pem, read from
  // tls_ca_file; tls_ca_flag is how messages name what asked for it
  // ("--tls-ca", "CUSTOMER_FAKE_TLS_SELF_SIGNED", ...).
  bool tls = false;
  std::string tls_ca_pem;
  std::string tls_ca_file;
  std::string tls_ca_flag;
  // The name the server's certificate must cover, when not the address's.
  std::string tls_server_name;
};

// `customer-fake COMMAND ARGS...` for the commands that talk to a running
// fake: reset, load, export, fault, calls, namespaces, health. Prints the
// result to stdout (errors to stderr) and returns the exit code.
int RunClientCommand(const std::string& command,
                     const std::vector<std::string>& args,
                     const ClientOptions& options);

// True for the commands RunClientCommand knows.
bool IsClientCommand(const std::string& command);

}  // namespace customerfake::cli

#endif  // CUSTOMER_FAKE_CLI_CLIENT_COMMANDS_H_
