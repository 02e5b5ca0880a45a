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
#include "absl/strings/str_join.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/cli/flags.h"
#include "fake/errors/error_info.h"
#include "fake/model/methods.h"
#include "fake/scenario/yaml_reader.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace customerfake::cli {
namespace {

namespace cv1 = ::customerfake::control::v1;

constexpr absl::string_view kCommands[] = {
    "reset", "load", "export", "fault", "calls", "namespaces", "health"};

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

class Client {
 public:
  explicit Client(const ClientOptions& options)
      : options_(options),
        channel_(grpc::CreateCustomChannel(
            options.address, Credentials(options), ChannelArguments(options))),
        stub_(cv1::ControlService::NewStub(channel_)) {}

  // Runs one control call and reports a failure; the exit code.
  int Call(const std::function<grpc::Status(grpc::ClientContext*,
                                            cv1::ControlService::Stub&)>& rpc,
           const google::protobuf::Message& response,
           const std::function<void()>& print) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    context.AddMetadata("x-fake-namespace", options_.ns);
    if (!options_.control_token.empty()) {
      context.AddMetadata("x-fake-control-token", options_.control_token);
    }
    grpc::Status status = rpc(&context, *stub_);
    if (!status.ok()) return Report(status);
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
    std::cout << (options_.json ? absl::StrCat("{\"status\": \"", name, "\"}")
                                : name)
              << "\n";
    return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
               ? kExitOk
               : kExitRefused;
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
  return Usage(
      "use: fault add FILE-or-YAML | fault list | fault remove ID | "
      "fault clear");
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

int Calls(Client& client, const std::vector<std::string>& args,
          const ClientOptions& options) {
  if (!args.empty()) return Usage("calls takes no arguments; use --method");
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
  cv1::ListCallsResponse response;
  return client.Call(
      [&](auto* c, auto& stub) {
        return stub.ListCalls(c, request, &response);
      },
      response,
      [&] {
        for (const cv1::Call& call : response.calls()) {
          std::cout << call.sequence() << "  " << call.method() << "  "
                    << call.code()
                    << (call.reason().empty() ? "" : " " + call.reason())
                    << "  attempt " << call.attempt()
                    << (call.fault_rule().empty()
                            ? ""
                            : "  fault " + call.fault_rule())
                    << (call.outcome() == "answered" ? ""
                                                     : "  " + call.outcome())
                    << (call.applied() ? "  applied" : "") << "  "
                    << call.request_json() << "\n";
        }
      });
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
      return Usage("use: reset [empty]");
    }
    cv1::ResetRequest request;
    request.set_empty(!args.empty());
    cv1::ResetResponse response;
    return client.Call(
        [&](auto* c, auto& stub) { return stub.Reset(c, request, &response); },
        response, [&] { std::cout << "reset " << options.ns << "\n"; });
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
  if (command == "namespaces") {
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
