#include "fake/cli/client_commands.h"

#include <grpc/support/log.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/cli/flags.h"
#include "fake/errors/error_info.h"
#include "fake/model/json_string.h"
#include "fake/model/methods.h"
#include "fake/scenario/yaml_reader.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace customerfake::cli {
namespace {

namespace cv1 = ::customerfake::control::v1;

constexpr absl::string_view kCommands[] = {"reset",     "load",  "export",
                                           "fault",     "calls", "namespaces",
                                           "namespace", "health"};

// The fake decides how big an answer may be (--max-message-bytes); the
// client takes whatever it sends, so `export` works with a raised limit.
grpc::ChannelArguments ChannelArguments(const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  if (!options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  return args;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(
    const ClientOptions& options) {
  if (!options.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls_ca_pem;
  return grpc::SslCredentials(ssl);
}

// Text for a proto3 string field must be UTF-8; the fake would see only a
// request that does not parse. Names the first bad byte's position.
bool IsUtf8Text(const std::string& source, const std::string& text) {
  std::optional<scenario::Problem> invalid = scenario::FirstInvalidUtf8(text);
  if (!invalid) return true;
  std::cerr << "customer-fake: " << scenario::FormatProblems(source, {*invalid})
            << "\n";
  return false;
}

using google::protobuf::util::TimeUtil;

// "state file PATH not written since TIME (N failed writes): cannot write
// FILE: ERROR; serving from memory".
std::string StateFileLine(const cv1::StateFileStatus& state) {
  const cv1::StateFileFailure& failure = state.failure();
  return absl::StrCat(
      "state file ", state.path(), " not written since ",
      TimeUtil::ToString(failure.since()), " (", failure.failed_writes(),
      failure.failed_writes() == 1 ? " failed write" : " failed writes",
      "): ", failure.message(),
      "; serving from memory, the file keeps its last whole write",
      state.has_last_written()
          ? absl::StrCat(" (", TimeUtil::ToString(state.last_written()), ")")
          : "");
}

// {"status": ..., "state_file": {...}}: the state file only when the fake
// keeps one; every key of it always there, null when unset.
std::string HealthJson(const std::string& status,
                       const cv1::GetServerStatusResponse& server) {
  std::string out = absl::StrCat("{\"status\": ", model::JsonString(status));
  if (server.has_state_file()) {
    const cv1::StateFileStatus& state = server.state_file();
    auto time = [](const google::protobuf::Timestamp& at) {
      return model::JsonString(TimeUtil::ToString(at));
    };
    absl::StrAppend(
        &out, ", \"state_file\": {\"path\": ", model::JsonString(state.path()),
        ", \"last_written\": ",
        state.has_last_written() ? time(state.last_written()) : "null",
        ", \"failure\": ");
    if (state.has_failure()) {
      const cv1::StateFileFailure& failure = state.failure();
      absl::StrAppend(
          &out, "{\"operation\": ", model::JsonString(failure.operation()),
          ", \"file\": ", model::JsonString(failure.file()),
          ", \"error\": ", model::JsonString(failure.error()),
          ", \"message\": ", model::JsonString(failure.message()),
          ", \"since\": ", time(failure.since()),
          ", \"failed_writes\": ", failure.failed_writes(), "}");
    } else {
      absl::StrAppend(&out, "null");
    }
    absl::StrAppend(&out, "}");
  }
  return absl::StrCat(out, "}");
}

class Client {
 public:
  explicit Client(const ClientOptions& options)
      : options_(options),
        channel_(grpc::CreateCustomChannel(
            options.address, Credentials(options), ChannelArguments(options))),
        stub_(cv1::ControlService::NewStub(channel_)) {}

  using Rpc = std::function<grpc::Status(grpc::ClientContext*,
                                         cv1::ControlService::Stub&)>;

  // Runs one control call and reports a failure; the exit code.
  int Invoke(const Rpc& rpc) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    context.AddMetadata("x-fake-namespace", options_.ns);
    if (!options_.control_token.empty()) {
      context.AddMetadata("x-fake-control-token", options_.control_token);
    }
    grpc::Status status = rpc(&context, *stub_);
    return status.ok() ? kExitOk : Report(status);
  }

  // Invoke, then prints the response: as JSON with --json, else `print`.
  int Call(const Rpc& rpc, const google::protobuf::Message& response,
           const std::function<void()>& print) {
    if (int code = Invoke(rpc); code != kExitOk) return code;
    if (options_.json) {
      google::protobuf::util::JsonPrintOptions json;
      json.preserve_proto_field_names = true;
      json.add_whitespace = true;
      std::string text;
      (void)google::protobuf::util::MessageToJsonString(response, &text, json);
      std::cout << text;
    } else {
      print();
    }
    return kExitOk;
  }

  // Health, then the state file's writes (GetServerStatus): a failing
  // write is shown, but the fake still serves, so it does not change the
  // exit code. A fake without that RPC on --addr (a separate control
  // listener, an older fake) shows the status alone.
  int Health() {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(&context, request, &response);
    if (!status.ok()) return Report(status);
    std::string name =
        grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
            response.status());
    const bool serving =
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    cv1::GetServerStatusResponse server;
    grpc::ClientContext status_context;
    status_context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.timeout));
    grpc::Status read = stub_->GetServerStatus(&status_context, {}, &server);
    if (!read.ok() && read.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
      std::cerr << "customer-fake: cannot read the server's status from "
                << options_.address << ": " << read.error_message() << "\n";
    }
    if (!read.ok()) server.Clear();
    if (options_.json) {
      std::cout << HealthJson(name, server) << "\n";
    } else {
      std::cout << name << "\n";
      if (server.state_file().has_failure()) {
        std::cout << StateFileLine(server.state_file()) << "\n";
      }
    }
    return serving ? kExitOk : kExitRefused;
  }

 private:
  int Report(const grpc::Status& status) {
    const bool unreachable =
        status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    std::string reason = errors::ErrorInfoOf(status).reason();
    std::string hint = unreachable ? TlsHint(status.error_message()) : "";
    std::cerr << "customer-fake: "
              << (unreachable
                      ? absl::StrCat("no answer from ", options_.address, ": ")
                      : "")
              << status.error_message()
              << (reason.empty() ? "" : absl::StrCat(" (", reason, ")"))
              << (hint.empty() ? "" : absl::StrCat("; ", hint)) << "\n";
    return unreachable ? kExitUnreachable : kExitRefused;
  }

  // What a TLS mismatch between the command and the fake looks like in
  // gRPC's message, and what to do about it; empty for anything else.
  std::string TlsHint(const std::string& message) const {
    if (!options_.tls) {
      // The fake's TLS port closes a connection that does not start with
      // a TLS handshake.
      if (absl::StrContains(message, "Socket closed") ||
          absl::StrContains(message, "Connection reset")) {
        return "is the fake serving TLS? Then pass --tls-ca FILE with the CA "
               "that signed its certificate";
      }
      return "";
    }
    if (absl::StrContains(message, "wrong version number")) {
      return absl::StrCat(
          "the fake does not answer TLS: is it serving plaintext? Then "
          "connect without ",
          options_.tls_ca_flag);
    }
    if (absl::StrContains(message, "certificate verify failed")) {
      return absl::StrCat("the fake's certificate is not signed by the CA in ",
                          options_.tls_ca_file, " (", options_.tls_ca_flag,
                          "), or has expired");
    }
    if (absl::StrContains(message, "not in peer certificate")) {
      return "the fake's certificate does not cover the name connected to: "
             "pass --tls-server-name with a name it covers (or start a "
             "self-signed fake with --tls-host NAME)";
    }
    return "";
  }

  const ClientOptions& options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cv1::ControlService::Stub> stub_;
};

// The text of FILE, or `arg` itself when no such file exists (inline YAML).
bool ReadFileOrText(const std::string& arg, bool must_be_file,
                    std::string* out) {
  std::ifstream file(arg, std::ios::binary);
  if (!file) {
    if (must_be_file) return false;
    *out = arg;
    return true;
  }
  std::stringstream text;
  text << file.rdbuf();
  *out = text.str();
  return true;
}

int Usage(const std::string& message) {
  std::cerr << "customer-fake: " << message << " (see --help)\n";
  return kExitBadUsage;
}

std::string RuleLine(const cv1::FaultRuleStatus& status) {
  const cv1::FaultRule& rule = status.rule();
  std::string what =
      rule.sequence_size() > 0
          ? absl::StrCat("sequence of ", Count(rule.sequence_size(), "action"))
          : rule.action().code();
  return absl::StrCat(rule.id(), "  ", rule.method(), "  ", what,
                      "  matched=", status.matched(),
                      " acted=", status.acted());
}

int Fault(Client& client, const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub == "add" && args.size() == 2) {
    cv1::AddFaultRuleRequest request;
    ReadFileOrText(args[1], false, request.mutable_yaml());
    if (!IsUtf8Text(args[1], request.yaml())) return kExitRefused;
    cv1::AddFaultRuleResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.AddFaultRule(c, request, &response);
        },
        response, [&] { std::cout << response.id() << "\n"; });
  }
  if (sub == "list" && args.size() == 1) {
    cv1::ListFaultRulesResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.ListFaultRules(c, cv1::ListFaultRulesRequest(),
                                     &response);
        },
        response,
        [&] {
          for (const auto& rule : response.rules()) {
            std::cout << RuleLine(rule) << "\n";
          }
        });
  }
  if (sub == "remove" && args.size() == 2) {
    cv1::RemoveFaultRuleRequest request;
    request.set_id(args[1]);
    cv1::RemoveFaultRuleResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.RemoveFaultRule(c, request, &response);
        },
        response, [&] { std::cout << "removed " << args[1] << "\n"; });
  }
  if (sub == "clear" && args.size() == 1) {
    cv1::ClearFaultRulesResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.ClearFaultRules(c, cv1::ClearFaultRulesRequest(),
                                      &response);
        },
        response, [&] { std::cout << "cleared\n"; });
  }
  return Usage(absl::StrCat(
      "use: fault add FILE-or-YAML | fault list | fault remove ID | "
      "fault clear",
      sub.empty() ? ""
                  : DidYouMean(sub, std::vector<std::string>{
                                        "add", "list", "remove", "clear"})));
}

// The v1 methods' short names: what --method and fault rules take.
std::vector<std::string> MethodNames() {
  std::vector<std::string> names;
  for (const model::MethodInfo& method : model::CustomerServiceMethods()) {
    if (std::find(names.begin(), names.end(), method.short_name) ==
        names.end()) {
      names.push_back(method.short_name);
    }
  }
  return names;
}

// "GetCustomer" for v1's methods; the older service's keep its version:
// "GetCustomer (v1beta1)".
std::string ShortMethod(const std::string& full_method) {
  absl::string_view short_name = model::ShortMethodName(full_method);
  const model::MethodInfo* v1 = model::FindMethod(short_name);
  if (v1 != nullptr && v1->full_name == full_method) {
    return std::string(short_name);
  }
  // "/moia.ridepooling.customer.v1beta1.CustomerService/GetCustomer"
  std::vector<absl::string_view> parts =
      absl::StrSplit(full_method, absl::ByAnyChar("./"));
  return parts.size() >= 3
             ? absl::StrCat(short_name, " (", parts[parts.size() - 3], ")")
             : full_method;
}

// "+1.52s", or "+12ms" under a tenth of a second.
std::string Gap(const google::protobuf::Duration& gap) {
  absl::Duration duration =
      absl::Seconds(gap.seconds()) + absl::Nanoseconds(gap.nanos());
  if (duration < absl::Milliseconds(100)) {
    return absl::StrCat("+", absl::ToInt64Milliseconds(duration), "ms");
  }
  return absl::StrFormat("+%.2fs", absl::ToDoubleSeconds(duration));
}

// Rows of cells as columns two spaces apart, each as wide as its widest
// cell; no trailing blanks.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      // Columns count characters, not UTF-8 bytes.
      size_t width = 0;
      for (char c : row[i]) width += (c & 0xC0) != 0x80;
      widths[i] = std::max(widths[i], width);
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      size_t width = 0;
      for (char c : row[i]) width += (c & 0xC0) != 0x80;
      if (i + 1 < row.size()) line.append(widths[i] - width + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    std::cout << line << "\n";
  }
}

void PrintCallsTable(const std::vector<cv1::Call>& calls) {
  std::vector<std::vector<std::string>> rows = {
      {"#", "TIME (UTC)", "METHOD", "ATTEMPT", "GAP", "CODE", "REASON", "RULE",
       "OUTCOME", "APPLIED", "MESSAGE"}};
  for (const cv1::Call& call : calls) {
    absl::Time arrival = absl::FromUnixSeconds(call.arrival_time().seconds()) +
                         absl::Nanoseconds(call.arrival_time().nanos());
    rows.push_back({
        absl::StrCat(call.sequence()),
        absl::FormatTime("%H:%M:%E3S", arrival, absl::UTCTimeZone()),
        ShortMethod(call.method()),
        absl::StrCat(call.attempt()),
        call.has_since_previous_attempt() ? Gap(call.since_previous_attempt())
                                          : "",
        call.code(),
        // No reason of its own: not the code again.
        call.reason() == call.code() ? "" : call.reason(),
        call.fault_rule(),
        call.outcome() == "answered" ? "" : call.outcome(),
        call.applied() ? "yes" : "",
        call.message(),
    });
  }
  PrintTable(rows);
}

// The journal for machines: every key always there, in the proto's field
// order, with one type each (`sequence` a number like `attempt`; times and
// durations as in proto JSON, null when unset).
void PrintCallsJson(const std::vector<cv1::Call>& calls) {
  if (calls.empty()) {
    std::cout << "{\"calls\": []}\n";
    return;
  }
  std::string out = "{\n  \"calls\": [";
  for (size_t i = 0; i < calls.size(); ++i) {
    const cv1::Call& call = calls[i];
    std::vector<std::pair<std::string, std::string>> metadata(
        call.metadata().begin(), call.metadata().end());
    std::sort(metadata.begin(), metadata.end());
    std::string metadata_json;
    for (const auto& entry : metadata) {
      absl::StrAppend(&metadata_json, metadata_json.empty() ? "" : ", ",
                      model::JsonString(entry.first), ": ",
                      model::JsonString(entry.second));
    }
    absl::StrAppend(
        &out, i == 0 ? "\n" : ",\n", "    {\n",                              //
        "      \"sequence\": ", call.sequence(), ",\n",                      //
        "      \"method\": ", model::JsonString(call.method()), ",\n",       //
        "      \"request_json\": ", model::JsonString(call.request_json()),  //
        ",\n",                                                               //
        "      \"metadata\": {", metadata_json, "},\n",                      //
        "      \"code\": ", model::JsonString(call.code()), ",\n",           //
        "      \"reason\": ", model::JsonString(call.reason()), ",\n",       //
        "      \"message\": ", model::JsonString(call.message()), ",\n",     //
        "      \"fault_rule\": ", model::JsonString(call.fault_rule()), ",\n",
        "      \"arrival_time\": ",
        model::JsonString(TimeUtil::ToString(call.arrival_time())), ",\n",
        "      \"deadline\": ",
        call.has_deadline()
            ? model::JsonString(TimeUtil::ToString(call.deadline()))
            : "null",
        ",\n", "      \"duration\": ",
        model::JsonString(TimeUtil::ToString(call.duration())), ",\n",
        "      \"attempt\": ", call.attempt(), ",\n",
        "      \"since_previous_attempt\": ",
        call.has_since_previous_attempt()
            ? model::JsonString(
                  TimeUtil::ToString(call.since_previous_attempt()))
            : "null",
        ",\n", "      \"applied\": ", call.applied() ? "true" : "false", ",\n",
        "      \"outcome\": ", model::JsonString(call.outcome()), "\n",
        "    }");
  }
  out += "\n  ]\n}\n";
  std::cout << out;
}

int Calls(Client& client, const std::vector<std::string>& args,
          const ClientOptions& options) {
  if (!args.empty() && args[0] == "clear") {
    if (args.size() > 1) return Usage("calls clear takes no arguments");
    cv1::ClearCallsResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.ClearCalls(c, cv1::ClearCallsRequest(), &response);
        },
        response,
        [&] { std::cout << "cleared the journal of " << options.ns << "\n"; });
  }
  if (!args.empty()) {
    return Usage(absl::StrCat(
        "calls takes no arguments but clear, got \"", args[0], "\"",
        DidYouMean(args[0], std::vector<std::string>{"clear"}),
        "; use --method to filter"));
  }
  // A method the fake does not have would list nothing, as if the client
  // had not called: refused, as fault rules refuse it.
  if (!options.method.empty() && options.method != "*" &&
      model::FindMethod(options.method) == nullptr) {
    std::vector<std::string> names = MethodNames();
    return Usage(absl::StrCat(
        "unknown method \"", options.method, "\" for --method",
        DidYouMean(options.method, names), ": use one of ",
        absl::StrJoin(names, ", "),
        ", a full name like /moia.trip.customer.v1.CustomerService/"
        "GetCustomer, or * for all"));
  }
  cv1::ListCallsRequest request;
  request.set_method(options.method == "*" ? "" : options.method);
  request.set_applied(options.applied);
  request.set_page_size(1000);
  // Every page: the journal keeps up to --journal-entries calls.
  std::vector<cv1::Call> calls;
  do {
    cv1::ListCallsResponse response;
    int code = client.Invoke([&](auto* c, auto& stub) {
      return stub.ListCalls(c, request, &response);
    });
    if (code != kExitOk) return code;
    for (cv1::Call& call : *response.mutable_calls()) {
      calls.push_back(std::move(call));
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (options.json) {
    PrintCallsJson(calls);
  } else if (calls.empty()) {
    // Nothing on stdout, for scripts; a word for a person.
    std::cerr << "customer-fake: no calls in namespace " << options.ns
              << (options.method.empty() || options.method == "*"
                      ? ""
                      : absl::StrCat(" for ", options.method))
              << "\n";
  } else {
    PrintCallsTable(calls);
  }
  return kExitOk;
}

}  // namespace

bool IsClientCommand(const std::string& command) {
  for (absl::string_view known : kCommands) {
    if (command == known) return true;
  }
  return false;
}

int RunClientCommand(const std::string& command,
                     const std::vector<std::string>& args,
                     const ClientOptions& options) {
  // gRPC logs a failed TLS handshake on stderr; the command's own message
  // says it in one line. GRPC_VERBOSITY (e.g. debug) keeps gRPC's lines.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) {
    gpr_set_log_function([](gpr_log_func_args*) {});
  }
  Client client(options);
  if (command == "health") {
    if (!args.empty()) return Usage("health takes no arguments");
    return client.Health();
  }
  if (command == "reset") {
    if (args.size() > 1 ||
        (args.size() == 1 && args[0] != "--empty" && args[0] != "empty")) {
      return Usage("use: reset [empty] | reset --to-start");
    }
    if (!args.empty() && options.to_start) {
      return Usage(
          "reset empty and --to-start exclude each other: reset to nothing "
          "or to the scenario the server started with");
    }
    cv1::ResetRequest request;
    request.set_empty(!args.empty());
    request.set_to_start(options.to_start);
    cv1::ResetResponse response;
    return client.Call(
        [&](auto* c, auto& stub) { return stub.Reset(c, request, &response); },
        response,
        [&] {
          std::cout << "reset " << options.ns
                    << (options.to_start
                            ? " to the scenario the server started with"
                            : "")
                    << "\n";
        });
  }
  if (command == "load") {
    if (args.size() != 1) return Usage("use: load FILE");
    cv1::LoadScenarioRequest request;
    if (!ReadFileOrText(args[0], true, request.mutable_yaml())) {
      std::cerr << "customer-fake: " << args[0] << ": cannot open the file\n";
      return kExitBadUsage;
    }
    if (!IsUtf8Text(args[0], request.yaml())) return kExitRefused;
    request.set_source_name(args[0]);
    cv1::LoadScenarioResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.LoadScenario(c, request, &response);
        },
        response,
        [&] {
          std::cout << "loaded " << Count(response.customers(), "customer")
                    << ", " << Count(response.fault_rules(), "fault rule")
                    << " into " << options.ns << "\n";
        });
  }
  if (command == "export") {
    if (!args.empty()) return Usage("export takes no arguments");
    cv1::ExportStateResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.ExportState(c, cv1::ExportStateRequest(), &response);
        },
        response, [&] { std::cout << response.yaml(); });
  }
  if (command == "fault") return Fault(client, args);
  if (command == "calls") return Calls(client, args, options);
  if (command == "namespace" && !args.empty() && args[0] == "delete") {
    if (args.size() != 2) return Usage("use: namespace delete NAME");
    // DeleteNamespace acts on the namespace the call names.
    ClientOptions target = options;
    target.ns = args[1];
    Client deleter(target);
    cv1::DeleteNamespaceResponse response;
    return deleter.Call(
        [&](auto* c, auto& stub) {
          return stub.DeleteNamespace(c, cv1::DeleteNamespaceRequest(),
                                      &response);
        },
        response, [&] { std::cout << "deleted " << args[1] << "\n"; });
  }
  if (command == "namespace" &&
      (args.empty() || args[0] != "list" || args.size() > 1)) {
    return Usage(absl::StrCat(
        "use: namespace list | namespace delete NAME",
        args.empty()
            ? ""
            : DidYouMean(args[0], std::vector<std::string>{"list", "delete"})));
  }
  if (command == "namespaces" || command == "namespace") {
    if (command == "namespaces" && !args.empty()) {
      return Usage("namespaces takes no arguments");
    }
    cv1::ListNamespacesResponse response;
    return client.Call(
        [&](auto* c, auto& stub) {
          return stub.ListNamespaces(c, cv1::ListNamespacesRequest(),
                                     &response);
        },
        response,
        [&] {
          std::cout << absl::StrJoin(response.namespaces(), "\n") << "\n";
        });
  }
  return Usage(absl::StrCat("unknown command \"", command, "\""));
}

}  // namespace customerfake::cli
