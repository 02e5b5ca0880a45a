// customer-fake: the command line of the CustomerService fake.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "fake/cli/client_commands.h"
#include "fake/cli/conformance_command.h"
#include "fake/cli/flags.h"
#include "fake/model/version.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/server/fake.h"
#include "fake/tls/certificates.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to serve on, HOST:PORT; port 0 picks a free one");
ABSL_FLAG(std::string, scenario, "",
          "scenario YAML file: the baseline every namespace starts from");
ABSL_FLAG(std::string, protos, "",
          "folder with MOIA's official moia/trip/customer/v1/customer.proto "
          "(and optionally the v1beta1 one): serve their wire format, "
          "matched by field name; default: the bundled reconstruction "
          "(conformance: speak their wire format)");
ABSL_FLAG(std::string, control_listen, "",
          "serve the control service on this HOST:PORT only (the API port "
          "then refuses control calls), in plaintext also with TLS on; "
          "default: on the API port");
ABSL_FLAG(std::string, control_token, "",
          "serve: require this value in x-fake-control-token on control "
          "calls; client commands: send it there");
ABSL_FLAG(std::string, seed, "",
          "id seed: the same seed gives the same ids after every reset");
ABSL_FLAG(std::string, auth, "",
          "auth mode: any_bearer (any bearer token), tokens (only --token "
          "values), none, oauth (only unexpired tokens from the token "
          "endpoint); overrides the scenario");
ABSL_FLAG(std::vector<std::string>, token, {},
          "serve: a bearer token accepted in auth mode tokens, repeat for "
          "more; conformance: the bearer token every call sends");
ABSL_FLAG(std::string, oauth_listen, "",
          "serve MOIA's OAuth token endpoint (POST /auth/oauth/token) over "
          "HTTP on this HOST:PORT");
ABSL_FLAG(std::string, ui_listen, "",
          "serve the web dashboard and its JSON API (/api/v1/) on this "
          "HOST:PORT, guarded by --control-token; HTTPS with TLS on");
ABSL_FLAG(std::vector<std::string>, oauth_client, {},
          "ID:SECRET of a client the token endpoint accepts; repeat for more "
          "(default: the scenario's clients; with none, any)");
ABSL_FLAG(std::string, oauth_token_ttl, "",
          "lifetime of issued tokens, e.g. 3600s (default: the scenario's, "
          "else 1h)");
ABSL_FLAG(std::string, tls_cert, "",
          "serve TLS with this certificate (PEM, its chain may follow): the "
          "API port, the control service when it shares the port, and the "
          "token endpoint (HTTPS); needs --tls-key");
ABSL_FLAG(std::string, tls_key, "",
          "the private key of --tls-cert (PEM, unencrypted)");
ABSL_FLAG(std::string, tls_self_signed, "",
          "serve TLS with a local CA and a server certificate for localhost, "
          "127.0.0.1 and ::1 kept in this folder, made at the first start "
          "and reused while valid; clients trust DIR/ca.pem (client "
          "commands do too, without --tls-ca)");
ABSL_FLAG(std::vector<std::string>, tls_host, {},
          "another name the --tls-self-signed certificate covers (a DNS name "
          "or an IP address); repeat for more");
ABSL_FLAG(std::string, state_file, "",
          "keep the sandbox's state in this file across restarts: read at "
          "start when it exists (instead of the scenario), written while the "
          "state changes and on shutdown");
ABSL_FLAG(std::string, state_interval, "1s",
          "the longest a change waits to be written to the state file (it "
          "is checked every half interval)");
ABSL_FLAG(std::string, state_sync, "periodic",
          "periodic (every --state-interval) or always: also after every "
          "change, before its call is answered, so a crash loses nothing "
          "acknowledged (each write holds the whole state)");
ABSL_FLAG(std::string, shutdown_grace, "5s",
          "after SIGTERM or SIGINT, how long calls in flight may finish; "
          "those still running then end with UNAVAILABLE");
ABSL_FLAG(int64_t, max_namespaces, 1000, "most namespaces held at once");
ABSL_FLAG(int64_t, journal_entries, 10000,
          "call journal entries kept per namespace, oldest dropped first");
ABSL_FLAG(int64_t, max_fault_rules, 1000, "fault rules per namespace");
// Limits against bad or hostile input (docs/bad-inputs.md); also read by
// `validate`.
ABSL_FLAG(int64_t, max_message_bytes, 4 << 20,
          "largest request or answer in bytes (gRPC's message limit)");
ABSL_FLAG(int64_t, max_scenario_bytes, 64 << 20,
          "largest scenario in bytes, as a file or through LoadScenario");
ABSL_FLAG(int64_t, max_customers, 100000,
          "customers per namespace, where the scenario does not set "
          "settings.max_customers");
ABSL_FLAG(int64_t, max_customer_flags, 1000, "flags of one customer");
ABSL_FLAG(int64_t, max_concurrent_streams, INT32_MAX,
          "calls in flight on one client connection (HTTP/2 "
          "SETTINGS_MAX_CONCURRENT_STREAMS); a client holds the calls past "
          "it until one ends. The default is gRPC's own: no limit in "
          "practice");
ABSL_FLAG(int64_t, max_connections, 4096,
          "client connections to the API listener at a time; one past it is "
          "closed as it is accepted (its client sees UNAVAILABLE). 0: no "
          "limit");
ABSL_FLAG(int64_t, journal_bytes, 64 << 20,
          "call journal bytes kept per namespace, oldest dropped first");
ABSL_FLAG(std::string, log_format, "text", "call log lines: text or json");
ABSL_FLAG(std::string, log_level, "info",
          "debug, info (a line per call), warn (failed calls only), error "
          "or off");
ABSL_FLAG(std::string, addr, "127.0.0.1:50051",
          "client commands: the fake's control address; conformance: the "
          "API endpoint to check");
ABSL_FLAG(std::string, ns, "default",
          "client commands: the namespace to act on (also --ns)");
ABSL_FLAG(std::string, method, "", "calls: only calls of this method");
ABSL_FLAG(bool, applied, false,
          "calls: only calls that changed state (the write took effect)");
ABSL_FLAG(bool, to_start, false,
          "reset: back to the scenario the server started with, which "
          "becomes the baseline again (undoing load)");
ABSL_FLAG(bool, json, false, "client commands: print JSON for machines");
ABSL_FLAG(std::string, timeout, "5s", "client commands: how long to wait");
ABSL_FLAG(std::string, tls_ca, "",
          "client commands: connect over TLS, trusting this CA certificate "
          "(PEM)");
ABSL_FLAG(std::string, tls_server_name, "",
          "client commands: the name the fake's certificate must cover, when "
          "it is not --addr's host");
ABSL_FLAG(bool, help, false, "show this help");

namespace {

constexpr int kExitBadUsage = 2;

constexpr absl::string_view kUsage =
    R"(customer-fake: an in-memory fake of MOIA's Trip API CustomerService.

Usage:
  customer-fake serve [flags]        serve moia.trip.customer.v1.CustomerService
  customer-fake validate FILE...     check scenario files without serving:
                                     exit 0 when all are valid, 1 otherwise

Commands that steer a running fake (through its control service):
  customer-fake reset [empty]        back to the baseline (or to nothing)
  customer-fake reset --to-start     back to the scenario the server started
                                     with, undoing load
  customer-fake load FILE            a scenario becomes the namespace's state
  customer-fake export               the namespace's state as scenario YAML
  customer-fake fault add FILE|YAML  add a fault rule; prints its id
  customer-fake fault list           rules with matched/acted counts
  customer-fake fault remove ID
  customer-fake fault clear
  customer-fake calls [--method M] [--applied]
                                     the call journal, oldest first
  customer-fake calls clear          empty the journal
  customer-fake namespaces           the namespaces in use (or: namespace list)
  customer-fake namespace delete NAME
                                     drop a namespace and everything in it
  customer-fake health               exit 0 when SERVING (container probe)
  customer-fake COMMAND --help       a command's own help and flags (also -h,
                                     customer-fake help COMMAND)

Checking any CustomerService endpoint (the fake, MOIA's sandbox) against
the documented behaviour, through the public API only (docs/conformance.md):
  customer-fake conformance [flags]  exit 0 when nothing differs, 1 otherwise
  customer-fake --help               this text
  customer-fake --version            the version and commit (also: version)

Exit codes: 0 done; 1 the fake refused (or is not serving); 2 bad usage;
3 no answer from the fake.

serve prints "listening on HOST:PORT" as its first line, then serves until
SIGTERM or SIGINT, lets calls in flight finish and exits 0.

With --tls-cert and --tls-key, or --tls-self-signed DIR, serve speaks TLS on
the API port (the control service there too) and HTTPS on the token
endpoint; a separate --control-listen stays plaintext. Client commands then
connect with --tls-ca FILE (DIR/ca.pem).

Every flag can also be set through the environment, --foo-bar as
CUSTOMER_FAKE_FOO_BAR (e.g. CUSTOMER_FAKE_LISTEN=0.0.0.0:50051); a flag on
the command line wins over its variable. A flag on the command line that
does not apply to the command is refused (exit 2).
)";

using customerfake::cli::EnvVarName;
using customerfake::cli::FlagRef;
using customerfake::cli::FromEnv;

int Fail(const std::string& message, int code) {
  std::cerr << "customer-fake: " << message << "\n";
  return code;
}

using FlagList = std::vector<absl::string_view>;

// The flags of serve, by defined name.
const FlagList& ServerFlags() {
  static const auto* flags = new FlagList{"listen",
                                          "scenario",
                                          "protos",
                                          "control_listen",
                                          "control_token",
                                          "seed",
                                          "auth",
                                          "token",
                                          "oauth_listen",
                                          "oauth_client",
                                          "oauth_token_ttl",
                                          "ui_listen",
                                          "tls_cert",
                                          "tls_key",
                                          "tls_self_signed",
                                          "tls_host",
                                          "state_file",
                                          "state_interval",
                                          "state_sync",
                                          "shutdown_grace",
                                          "log_format",
                                          "log_level",
                                          "max_namespaces",
                                          "journal_entries",
                                          "max_fault_rules",
                                          "max_message_bytes",
                                          "max_scenario_bytes",
                                          "max_customers",
                                          "max_customer_flags",
                                          "journal_bytes",
                                          "max_concurrent_streams",
                                          "max_connections"};
  return *flags;
}

// How the client commands reach the fake.
const FlagList& ConnectionFlags() {
  static const auto* flags =
      new FlagList{"addr",   "control_token",   "timeout",        "json",
                   "tls_ca", "tls_server_name", "tls_self_signed"};
  return *flags;
}

FlagList Join(std::initializer_list<FlagList> lists) {
  FlagList out;
  for (const FlagList& list : lists) {
    for (absl::string_view flag : list) {
      if (std::find(out.begin(), out.end(), flag) == out.end()) {
        out.push_back(flag);
      }
    }
  }
  return out;
}

// One command: its usage lines, what it does and the flags it takes.
struct Command {
  std::string name;
  std::string usage;
  std::string about;
  FlagList flags;
  bool client = true;  // steers a running fake
  // The heading of its flags in its help; by default "Flags (client):" or
  // "Flags (server):".
  const char* flags_heading = nullptr;
};

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"serve", "customer-fake serve [flags]",
       "Serves moia.trip.customer.v1.CustomerService (and the control "
       "service) until SIGTERM or SIGINT. The first line on stdout is "
       "\"listening on HOST:PORT\".",
       ServerFlags(), false},
      {"validate",
       "customer-fake validate FILE... [flags]",
       "Checks scenario files without serving: exit 0 when all are valid, 1 "
       "otherwise, with every problem on stderr.",
       {"max_scenario_bytes", "max_customers", "max_customer_flags",
        "max_fault_rules"},
       false},
      {"reset",
       "customer-fake reset [empty] [flags]\n"
       "  customer-fake reset --to-start [flags]",
       "Back to the namespace's baseline (the last scenario loaded into it, "
       "else the server's): customers, flags, fault rules, journal, id "
       "sequence. empty: to nothing. --to-start: to the scenario the server "
       "started with, which becomes the baseline again.",
       Join({{"ns"}, ConnectionFlags(), {"to_start"}})},
      {"load", "customer-fake load FILE [flags]",
       "FILE (scenario YAML) becomes the namespace's state and baseline, all "
       "or nothing.",
       Join({{"ns"}, ConnectionFlags()})},
      {"export", "customer-fake export [flags]",
       "Prints the namespace's state as scenario YAML that load reads back.",
       Join({{"ns"}, ConnectionFlags()})},
      {"fault",
       "customer-fake fault add FILE|YAML [flags]\n"
       "  customer-fake fault list [flags]\n"
       "  customer-fake fault remove ID [flags]\n"
       "  customer-fake fault clear [flags]",
       "Adds a fault rule (a file, or the YAML itself; prints its id), lists "
       "the rules with their matched and acted counts, removes one, or all.",
       Join({{"ns"}, ConnectionFlags()})},
      {"calls",
       "customer-fake calls [--method METHOD] [--applied] [flags]\n"
       "  customer-fake calls clear [flags]",
       "Prints the namespace's call journal, oldest first, as a table (or "
       "JSON with --json); calls clear empties it.",
       Join({{"ns", "method", "applied"}, ConnectionFlags()})},
      {"namespaces", "customer-fake namespaces [flags]",
       "Lists the namespaces in use.", ConnectionFlags()},
      {"namespace",
       "customer-fake namespace list [flags]\n"
       "  customer-fake namespace delete NAME [flags]",
       "Lists the namespaces in use, or drops the namespace NAME and "
       "everything in it (the next call naming it starts it afresh).",
       ConnectionFlags()},
      {"health",
       "customer-fake health [flags]",
       "Asks the fake at --addr whether it serves: exit 0 when SERVING (the "
       "container's probe), 1 when it answers otherwise, 3 without an answer. "
       "A state file the fake cannot write (a full disk, a read-only folder) "
       "is shown on a second line, and with --json what failed and since "
       "when; the fake still serves, so the exit code stays 0.",
       {"addr", "timeout", "json", "tls_ca", "tls_server_name",
        "tls_self_signed"}},
      {"conformance",
       "customer-fake conformance --addr HOST:PORT [--token T | --token-url "
       "URL\n      --client ID:SECRET] [--tls-ca FILE | --plaintext] [flags]",
       "Checks an endpoint that speaks the CustomerService API (the fake, or "
       "MOIA's sandbox with a test account) against the documented "
       "behaviour, through the public API only, and prints one row per "
       "check: exit 0 when nothing differs, 1 when a check differs or a "
       "customer it made could not be deleted, 3 without an answer, 130 on "
       "Ctrl-C (what it made is still deleted). See docs/conformance.md.",
       {"addr", "token", "token_url", "client", "tls_ca", "plaintext", "ns",
        "only", "flag", "protos", "timeout", "json"},
       false,
       "Flags:\n"},
  };
  return *commands;
}

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

std::string Usage() {
  FlagList client;
  for (const Command& command : Commands()) {
    if (command.client) client = Join({client, command.flags});
  }
  return absl::StrCat(
      kUsage, "\nServer flags (serve; validate takes the limits):\n",
      customerfake::cli::FlagHelp(ServerFlags()),
      "\nClient flags (the commands that steer a running fake; each "
      "command's --help\nlists its own):\n",
      customerfake::cli::FlagHelp(client), "\nConformance flags:\n",
      customerfake::cli::FlagHelp(FindCommand("conformance")->flags));
}

// Words wrapped into lines of at most 78 columns, each ending in "\n".
std::string Wrap(absl::string_view text) {
  std::string out, line;
  for (absl::string_view word : absl::StrSplit(text, ' ')) {
    if (!line.empty() && line.size() + 1 + word.size() > 78) {
      absl::StrAppend(&out, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  return absl::StrCat(out, line, "\n");
}

std::string CommandUsage(const Command& command) {
  return absl::StrCat(
      "Usage:\n  ", command.usage, "\n\n", Wrap(command.about), "\n",
      command.flags_heading != nullptr ? command.flags_heading
      : command.client                 ? "Flags (client):\n"
                                       : "Flags (server):\n",
      customerfake::cli::FlagHelp(command.flags),
      "  -h, --help                  this text\n\n"
      "Each flag --foo-bar can also be set as CUSTOMER_FAKE_FOO_BAR; the "
      "command\nline wins. Exit codes and all commands: customer-fake "
      "--help.\n");
}

// The flag's name as written: "--max-namespaces", "--namespace".
std::string Spelled(absl::string_view flag) {
  return absl::StrCat(
      "--",
      absl::StrReplaceAll(flag == "ns" ? "namespace" : flag, {{"_", "-"}}));
}

// The flags that apply to `command` with its arguments (calls clear takes
// no filter).
FlagList FlagsOf(const Command& command, const std::vector<std::string>& args) {
  FlagList flags = command.flags;
  if (command.name == "calls" && args.size() > 1 && args[1] == "clear") {
    flags.erase(std::remove_if(flags.begin(), flags.end(),
                               [](absl::string_view flag) {
                                 return flag == "method" || flag == "applied";
                               }),
                flags.end());
  }
  flags.push_back("help");
  return flags;
}

// A flag given on the command line that the command does not take: the
// message, naming the commands that do; "" when every flag applies.
std::string FlagNotApplying(const Command& command,
                            const std::vector<std::string>& args,
                            const std::vector<std::string>& given) {
  const FlagList flags = FlagsOf(command, args);
  std::string name = command.name;
  if (command.name == "calls" && args.size() > 1) name += " " + args[1];
  for (const std::string& flag : given) {
    if (std::find(flags.begin(), flags.end(), flag) != flags.end()) continue;
    std::vector<std::string> takers;
    bool every_client = true;
    for (const Command& other : Commands()) {
      bool takes = std::find(other.flags.begin(), other.flags.end(), flag) !=
                   other.flags.end();
      if (takes) takers.push_back(other.name);
      if (other.client && !takes) every_client = false;
    }
    std::string whose =
        every_client && takers.size() > 1
            ? "the client commands"
            : (takers.size() == 1
                   ? takers[0]
                   : absl::StrCat(
                         absl::StrJoin(takers.begin(), takers.end() - 1, ", "),
                         " and ", takers.back()));
    // The two addresses people mix up.
    std::string instead;
    if (flag == "listen" && command.client) {
      instead = "; the fake to talk to is --addr";
    } else if (flag == "addr" && command.name == "serve") {
      instead = "; serve listens on --listen";
    }
    return absl::StrCat(
        Spelled(flag), " does not apply to ", name,
        takers.empty() ? "" : absl::StrCat(": it is a flag of ", whose),
        instead, " (see customer-fake ", command.name, " --help)");
  }
  return "";
}

// The limit flags against bad input, checked to lie in [min, max]. Names
// are the flags' own (underscores), so FlagRef names the variable when the
// value came from the environment.
absl::Status ReadLimitFlags(customerfake::FakeOptions& options) {
  struct Limit {
    const char* flag;
    int64_t value;
    int64_t min;
    int64_t max;
  };
  const Limit limits[] = {
      {"max_namespaces", absl::GetFlag(FLAGS_max_namespaces), 1, INT64_MAX},
      {"journal_entries", absl::GetFlag(FLAGS_journal_entries), 1, INT64_MAX},
      {"max_fault_rules", absl::GetFlag(FLAGS_max_fault_rules), 1, INT64_MAX},
      // gRPC takes an int; below 4 KiB not even an error fits.
      {"max_message_bytes", absl::GetFlag(FLAGS_max_message_bytes), 4096,
       INT32_MAX},
      {"max_scenario_bytes", absl::GetFlag(FLAGS_max_scenario_bytes), 1,
       INT64_MAX},
      {"max_customers", absl::GetFlag(FLAGS_max_customers), 1, INT32_MAX},
      {"max_customer_flags", absl::GetFlag(FLAGS_max_customer_flags), 1,
       INT32_MAX},
      {"journal_bytes", absl::GetFlag(FLAGS_journal_bytes), 1, INT64_MAX},
      // gRPC takes an int.
      {"max_concurrent_streams", absl::GetFlag(FLAGS_max_concurrent_streams), 1,
       INT32_MAX},
      {"max_connections", absl::GetFlag(FLAGS_max_connections), 0, INT32_MAX},
  };
  for (const Limit& limit : limits) {
    if (limit.value < limit.min || limit.value > limit.max) {
      return absl::InvalidArgumentError(absl::StrCat(
          FlagRef(limit.flag), " must be ",
          limit.max == INT64_MAX
              ? absl::StrCat("at least ", limit.min)
              : absl::StrCat("between ", limit.min, " and ", limit.max),
          ", got ", limit.value));
    }
  }
  options.max_message_bytes =
      static_cast<int>(absl::GetFlag(FLAGS_max_message_bytes));
  options.max_scenario_bytes = absl::GetFlag(FLAGS_max_scenario_bytes);
  options.max_customers = absl::GetFlag(FLAGS_max_customers);
  options.max_customer_flags = absl::GetFlag(FLAGS_max_customer_flags);
  options.journal_bytes = absl::GetFlag(FLAGS_journal_bytes);
  options.max_concurrent_streams =
      static_cast<int>(absl::GetFlag(FLAGS_max_concurrent_streams));
  options.max_connections =
      static_cast<size_t>(absl::GetFlag(FLAGS_max_connections));
  return absl::OkStatus();
}

// Builds the server options from the flags; a message on bad values.
absl::StatusOr<customerfake::FakeOptions> ServeOptions() {
  customerfake::FakeOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.scenario_file = absl::GetFlag(FLAGS_scenario);
  options.protos_dir = absl::GetFlag(FLAGS_protos);
  options.control_listen_address = absl::GetFlag(FLAGS_control_listen);
  options.control_token = absl::GetFlag(FLAGS_control_token);
  if (std::string seed = absl::GetFlag(FLAGS_seed); !seed.empty()) {
    uint64_t value;
    if (!absl::SimpleAtoi(seed, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", seed, "\" for ", FlagRef("seed"),
                       ": not a non-negative integer"));
    }
    options.seed = value;
  }
  if (std::string auth = absl::GetFlag(FLAGS_auth); !auth.empty()) {
    customerfake::model::AuthMode mode;
    if (!customerfake::model::ParseAuthMode(auth, &mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", auth, "\" for ", FlagRef("auth"),
                       ": use ", customerfake::model::kAuthModeNames));
    }
    options.auth_mode = mode;
  }
  options.tokens = absl::GetFlag(FLAGS_token);
  options.oauth_listen_address = absl::GetFlag(FLAGS_oauth_listen);
  options.ui_listen_address = absl::GetFlag(FLAGS_ui_listen);
  for (const std::string& client : absl::GetFlag(FLAGS_oauth_client)) {
    size_t colon = client.find(':');
    if (colon == 0 || colon == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad value \"", client, "\" for ", FlagRef("oauth_client"),
          ": use CLIENT_ID:CLIENT_SECRET"));
    }
    options.oauth_clients.push_back(
        {client.substr(0, colon), client.substr(colon + 1)});
  }
  if (std::string ttl = absl::GetFlag(FLAGS_oauth_token_ttl); !ttl.empty()) {
    absl::Duration duration;
    if (!absl::ParseDuration(ttl, &duration) || duration < absl::Seconds(1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad value \"", ttl, "\" for ", FlagRef("oauth_token_ttl"),
          ": use a duration of at least 1s, like 3600s or 2s"));
    }
    options.oauth_token_ttl = duration;
  }
  options.state_file = absl::GetFlag(FLAGS_state_file);
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_state_interval),
                           &options.state_interval) ||
      options.state_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value \"", absl::GetFlag(FLAGS_state_interval),
                     "\" for ", FlagRef("state_interval"),
                     ": use a positive duration like 1s or 500ms"));
  }
  if (const std::string sync = absl::GetFlag(FLAGS_state_sync);
      sync == "always" || sync == "periodic") {
    options.state_sync_always = sync == "always";
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value \"", sync, "\" for ", FlagRef("state_sync"),
                     ": use periodic or always"));
  }
  if (!customerfake::model::ParseLogFormat(absl::GetFlag(FLAGS_log_format),
                                           &options.log_format)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value \"", absl::GetFlag(FLAGS_log_format), "\" for ",
                     FlagRef("log_format"), ": use text or json"));
  }
  if (!customerfake::model::ParseLogLevel(absl::GetFlag(FLAGS_log_level),
                                          &options.log_level)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad value \"", absl::GetFlag(FLAGS_log_level), "\" for ",
        FlagRef("log_level"), ": use debug, info, warn, error or off"));
  }
  if (options.auth_mode == customerfake::model::AuthMode::kTokens &&
      options.tokens.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        FlagRef("auth"), FromEnv("auth") ? "=" : " ",
        "tokens needs at least one --token (or ", EnvVarName("token"), ")"));
  }
  if (absl::Status limits = ReadLimitFlags(options); !limits.ok()) {
    return limits;
  }
  options.max_namespaces = absl::GetFlag(FLAGS_max_namespaces);
  options.journal_entries = absl::GetFlag(FLAGS_journal_entries);
  options.max_fault_rules = absl::GetFlag(FLAGS_max_fault_rules);
  return options;
}

// The whole file a flag names; a message naming both when it cannot be read.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag,
                                         const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  std::string text;
  if (file != nullptr) {
    char buffer[8192];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
      text.append(buffer, n);
    }
  }
  if (file == nullptr || std::ferror(file.get())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read ", FlagRef(flag), " ", path, ": ", std::strerror(errno)));
  }
  return text;
}

// Sets options.tls from the TLS flags: a certificate of one's own, or the
// self-signed one, made or reused now (a line on stderr when made). Returns
// what clients trust, for the start line; empty without TLS.
absl::StatusOr<std::string> SetUpTls(customerfake::FakeOptions& options) {
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  const std::string dir = absl::GetFlag(FLAGS_tls_self_signed);
  const std::vector<std::string> hosts = absl::GetFlag(FLAGS_tls_host);
  if (!dir.empty() && (!cert.empty() || !key.empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        FlagRef("tls_self_signed"), " and ",
        FlagRef(cert.empty() ? "tls_key" : "tls_cert"),
        " exclude each other: serve a self-signed certificate or your own"));
  }
  if (!hosts.empty() && dir.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        FlagRef("tls_host"), " needs ", FlagRef("tls_self_signed"),
        " (a certificate of your own covers the names it was made for)"));
  }
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(FlagRef(cert.empty() ? "tls_key" : "tls_cert"), " needs ",
                     FlagRef(cert.empty() ? "tls_cert" : "tls_key")));
  }
  if (!cert.empty()) {
    absl::StatusOr<std::string> cert_pem = ReadFlagFile("tls_cert", cert);
    if (!cert_pem.ok()) return cert_pem.status();
    absl::StatusOr<std::string> key_pem = ReadFlagFile("tls_key", key);
    if (!key_pem.ok()) return key_pem.status();
    if (absl::Status usable =
            customerfake::tls::CheckKeyPair(*cert_pem, *key_pem);
        !usable.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(FlagRef("tls_cert"), " ", cert, " and ",
                       FlagRef("tls_key"), " ", key, ": ", usable.message()));
    }
    options.tls = {*std::move(cert_pem), *std::move(key_pem)};
    return absl::StrCat("certificate ", cert);
  }
  if (dir.empty()) return "";
  customerfake::tls::SelfSignedOptions self_signed;
  self_signed.dir = dir;
  self_signed.hosts = hosts;
  absl::StatusOr<customerfake::tls::SelfSigned> made =
      customerfake::tls::EnsureSelfSigned(self_signed);
  if (!made.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(made.status().code() == absl::StatusCode::kInvalidArgument
                         ? FlagRef("tls_host")
                         : absl::StrCat(FlagRef("tls_self_signed"), " ", dir),
                     ": ", made.status().message()));
  }
  using Made = customerfake::tls::SelfSigned::Made;
  if (made->made != Made::kNothing) {
    std::cerr << absl::StrCat("customer-fake: TLS: made a new ",
                              made->made == Made::kAll
                                  ? "CA and server certificate"
                                  : "server certificate, signed by the CA "
                                    "there,",
                              " in ", dir, " (", made->reason, ")\n")
              << std::flush;
  }
  options.tls = {std::move(made->cert_pem), std::move(made->key_pem)};
  return absl::StrCat("clients trust ", made->files.ca_cert);
}

// TLS for the client commands: --tls-ca, or DIR/ca.pem of a fake started
// with --tls-self-signed DIR (the same variables, in its container).
absl::Status ClientTls(customerfake::cli::ClientOptions& options) {
  std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const char* ca_flag = "tls_ca";
  if (ca.empty() && !absl::GetFlag(FLAGS_tls_self_signed).empty()) {
    ca = customerfake::tls::SelfSignedFiles::In(
             absl::GetFlag(FLAGS_tls_self_signed))
             .ca_cert;
    ca_flag = "tls_self_signed";
  }
  options.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  if (ca.empty()) {
    if (options.tls_server_name.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(FlagRef("tls_server_name"), " needs ", FlagRef("tls_ca")));
  }
  absl::StatusOr<std::string> pem = ReadFlagFile(ca_flag, ca);
  if (!pem.ok()) return pem.status();
  if (absl::Status usable = customerfake::tls::CheckCertificates(*pem);
      !usable.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(FlagRef(ca_flag), " ", ca, ": ", usable.message()));
  }
  options.tls = true;
  options.tls_ca_pem = *std::move(pem);
  options.tls_ca_file = ca;
  options.tls_ca_flag = FlagRef(ca_flag);
  return absl::OkStatus();
}

int Serve() {
  // Debian's abseil checks every absl::Mutex for lock-order cycles, a
  // quarter of a call's CPU time; the tests keep the check, the server
  // does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<customerfake::FakeOptions> options = ServeOptions();
  if (!options.ok()) {
    return Fail(std::string(options.status().message()), kExitBadUsage);
  }
  absl::StatusOr<std::string> tls_trust = SetUpTls(*options);
  if (!tls_trust.ok()) {
    return Fail(std::string(tls_trust.status().message()), kExitBadUsage);
  }
  absl::Duration grace;
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_shutdown_grace), &grace) ||
      grace < absl::ZeroDuration()) {
    return Fail(
        absl::StrCat("bad value \"", absl::GetFlag(FLAGS_shutdown_grace),
                     "\" for ", FlagRef("shutdown_grace"),
                     ": use a duration like 5s or 0s"),
        kExitBadUsage);
  }
  // Each client connection holds a descriptor: let --max-connections of
  // them be open, not the 1,024 a shell's soft limit often allows.
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 &&
      files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // Blocked before gRPC starts its threads, so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<customerfake::Fake>> fake =
      customerfake::Fake::Start(*std::move(options));
  if (!fake.ok()) {
    // A scenario that cannot be read, is invalid or too big is a usage
    // error; so is a state file that cannot be used.
    bool bad_scenario =
        fake.status().code() == absl::StatusCode::kNotFound ||
        fake.status().code() == absl::StatusCode::kInvalidArgument ||
        fake.status().code() == absl::StatusCode::kResourceExhausted ||
        fake.status().code() == absl::StatusCode::kFailedPrecondition;
    return Fail(std::string(fake.status().message()),
                bad_scenario ? kExitBadUsage : 1);
  }
  // Before "listening on": whoever waits for that line finds it on stderr.
  std::cerr << customerfake::model::VersionLine() << std::endl;
  std::cout << "listening on " << (*fake)->address() << std::endl;
  if ((*fake)->control_address() != (*fake)->address()) {
    std::cout << "control on " << (*fake)->control_address() << std::endl;
  }
  if (!(*fake)->oauth_address().empty()) {
    std::cout << "oauth on " << (*fake)->oauth_address() << std::endl;
  }
  if (!(*fake)->ui_address().empty()) {
    std::cout << "dashboard on " << (tls_trust->empty() ? "http" : "https")
              << "://" << (*fake)->ui_address() << "/" << std::endl;
  }
  if (!tls_trust->empty()) {
    std::cerr << absl::StrCat("customer-fake: TLS on the API port",
                              (*fake)->oauth_address().empty()
                                  ? ""
                                  : " and the token endpoint (https)",
                              (*fake)->control_address() == (*fake)->address()
                                  ? ""
                                  : absl::StrCat("; the control listener ",
                                                 (*fake)->control_address(),
                                                 " is plaintext"),
                              "; ", *tls_trust, "\n")
              << std::flush;
  }
  if ((*fake)->state_restored()) {
    std::cerr << "customer-fake: state restored from "
              << absl::GetFlag(FLAGS_state_file) << std::endl;
  }

  int signal = 0;
  sigwait(&signals, &signal);
  // The calls answered so far are logged before the signal is.
  (*fake)->FlushLog();
  std::cerr << "customer-fake: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ", finishing calls in flight (up to "
            << absl::FormatDuration(grace) << "; a second signal exits at once)"
            << std::endl;
  std::promise<int> stopped;
  std::thread stopper([&] {
    (*fake)->Shutdown(grace);
    (*fake)->Wait();
    // Shutdown logged a failed last write of the state file.
    stopped.set_value((*fake)->SaveState().ok() ? 0 : 1);
  });
  std::future<int> code = stopped.get_future();
  // Polled, since sigwait cannot also wait for the thread.
  const timespec poll = {0, 50 * 1000 * 1000};
  while (code.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (sigtimedwait(&signals, nullptr, &poll) > 0) {
      // The state file is replaced whole or not at all, so it is never left
      // half-written; what changed since its last write is lost.
      (*fake)->FlushLog();
      std::cerr << "customer-fake: second signal, exiting now" << std::endl;
      std::_Exit(1);
    }
  }
  stopper.join();
  return code.get();
}

}  // namespace

// Checks each file; prints every problem of the bad ones to stderr.
int Validate(const std::vector<std::string>& files) {
  if (files.empty()) {
    return Fail("validate needs at least one scenario file", kExitBadUsage);
  }
  absl::StatusOr<customerfake::FakeOptions> options = ServeOptions();
  if (!options.ok()) {
    return Fail(std::string(options.status().message()), kExitBadUsage);
  }
  const customerfake::model::ScenarioLimits limits =
      customerfake::ScenarioLimitsOf(*options);
  int bad = 0;
  for (const std::string& file : files) {
    std::vector<customerfake::scenario::Problem> problems;
    absl::StatusOr<customerfake::model::Scenario> scenario =
        customerfake::scenario::LoadScenarioFile(file, &problems, limits);
    if (scenario.ok()) {
      std::cout << file << ": ok ("
                << customerfake::cli::Count(scenario->customers.size(),
                                            "customer")
                << ", "
                << customerfake::cli::Count(scenario->faults.size(),
                                            "fault rule")
                << ")\n";
      continue;
    }
    ++bad;
    if (problems.empty()) {  // unreadable or too big
      std::cerr << scenario.status().message() << "\n";
      continue;
    }
    // Every problem kept (the error message holds only the first few).
    for (const customerfake::scenario::Problem& problem : problems) {
      std::cerr << (problem.line == 0
                        ? absl::StrCat(file, ": ", problem.message)
                        : customerfake::scenario::FormatProblems(file,
                                                                 {problem}))
                << "\n";
    }
  }
  return bad == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  // Before the flags, so that no CUSTOMER_FAKE_* variable gets in its way.
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--version") {
      std::cout << customerfake::model::VersionLine() << "\n";
      return 0;
    }
  }
  std::vector<std::string> warnings;
  std::vector<std::string> given;
  absl::StatusOr<std::vector<std::string>> args = customerfake::cli::ParseFlags(
      absl::MakeSpan(argv + 1, argc - 1), &warnings, &given);
  for (const std::string& warning : warnings) {
    std::cerr << "customer-fake: " << warning << "\n";
  }
  if (!args.ok())
    return Fail(std::string(args.status().message()), kExitBadUsage);
  // `help COMMAND` is `COMMAND --help`.
  const bool help =
      absl::GetFlag(FLAGS_help) || (!args->empty() && (*args)[0] == "help");
  if (!args->empty() && (*args)[0] == "help") args->erase(args->begin());
  if (args->empty()) {
    if (help) {
      std::cout << Usage();
      return 0;
    }
    return Fail("no command given; try `customer-fake serve` or --help",
                kExitBadUsage);
  }
  const std::string& name = (*args)[0];
  if (name == "version") {
    if (args->size() > 1) {
      return Fail("version takes no arguments", kExitBadUsage);
    }
    std::cout << customerfake::model::VersionLine() << "\n";
    return 0;
  }
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const Command& known : Commands()) names.push_back(known.name);
    names.push_back("help");
    names.push_back("version");
    return Fail(absl::StrCat("unknown command \"", name, "\"",
                             customerfake::cli::DidYouMean(name, names),
                             " (see --help)"),
                kExitBadUsage);
  }
  if (help) {
    std::cout << CommandUsage(*command);
    return 0;
  }
  if (std::string refused = FlagNotApplying(*command, *args, given);
      !refused.empty()) {
    return Fail(refused, kExitBadUsage);
  }
  if (name == "serve") {
    if (args->size() > 1) {
      return Fail(
          absl::StrCat("serve takes no arguments, got \"", (*args)[1], "\""),
          kExitBadUsage);
    }
    return Serve();
  }
  if (name == "conformance") {
    return customerfake::cli::RunConformance(
        std::vector<std::string>(args->begin() + 1, args->end()));
  }
  if (name == "validate") {
    return Validate(std::vector<std::string>(args->begin() + 1, args->end()));
  }
  customerfake::cli::ClientOptions options;
  options.address = absl::GetFlag(FLAGS_addr);
  options.ns = absl::GetFlag(FLAGS_ns);
  options.control_token = absl::GetFlag(FLAGS_control_token);
  options.method = absl::GetFlag(FLAGS_method);
  options.applied = absl::GetFlag(FLAGS_applied);
  options.to_start = absl::GetFlag(FLAGS_to_start);
  options.json = absl::GetFlag(FLAGS_json);
  if (absl::Status tls = ClientTls(options); !tls.ok()) {
    return Fail(std::string(tls.message()), kExitBadUsage);
  }
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_timeout), &options.timeout) ||
      options.timeout <= absl::ZeroDuration()) {
    return Fail(
        absl::StrCat("bad value \"", absl::GetFlag(FLAGS_timeout), "\" for ",
                     FlagRef("timeout"), ": use a duration like 5s"),
        kExitBadUsage);
  }
  return customerfake::cli::RunClientCommand(
      name, std::vector<std::string>(args->begin() + 1, args->end()), options);
}
