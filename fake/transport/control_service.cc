#include "fake/transport/control_service.h"

#include <grpcpp/server_context.h>

#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "fake/core/core.h"
#include "fake/errors/errors.h"
#include "fake/errors/grpc_status.h"
#include "fake/model/names.h"
#include "fake/model/version.h"
#include "fake/transport/auth.h"
#include "fake/transport/control_proto.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::transport {
namespace {

constexpr absl::string_view kControlDomain = "customer-fake.control";
constexpr absl::string_view kNamespaceHeader = "x-fake-namespace";
constexpr absl::string_view kTokenHeader = "x-fake-control-token";

// The header's value; nullopt when the call does not carry it.
std::optional<std::string> Header(const grpc::CallbackServerContext& context,
                                  absl::string_view key) {
  auto it =
      context.client_metadata().find(grpc::string_ref(key.data(), key.size()));
  if (it == context.client_metadata().end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

// As for the API: no header means "default"; an empty one is invalid.
std::string NamespaceOf(const grpc::CallbackServerContext& context) {
  return Header(context, kNamespaceHeader)
      .value_or(std::string(model::kDefaultNamespace));
}

}  // namespace

ControlService::ControlService(control::Control& control, std::string token)
    : control_(control), token_(std::move(token)) {}

grpc::ServerUnaryReactor* ControlService::Answer(
    grpc::CallbackServerContext* context,
    const std::function<absl::Status(const std::string& ns)>& body) {
  absl::Status status;
  if (!token_.empty() &&
      !SecretMatches(Header(*context, kTokenHeader).value_or(""), token_)) {
    status = errors::PermissionDenied(
        "control calls need the right x-fake-control-token metadata");
  } else {
    status = body(NamespaceOf(*context));
    // Reads change nothing, and the state file skips an unchanged state.
    if (status.ok()) control_.core().Changed();
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(errors::ToGrpcStatus(status, kControlDomain));
  return reactor;
}

grpc::ServerUnaryReactor* ControlService::Reset(
    grpc::CallbackServerContext* context, const cv1::ResetRequest* request,
    cv1::ResetResponse* /*response*/) {
  return Answer(context, [&](const std::string& ns) {
    return control_.Reset(ns, request->empty(), request->to_start());
  });
}

grpc::ServerUnaryReactor* ControlService::LoadScenario(
    grpc::CallbackServerContext* context,
    const cv1::LoadScenarioRequest* request,
    cv1::LoadScenarioResponse* response) {
  return Answer(context, [&](const std::string& ns) -> absl::Status {
    auto loaded = control_.LoadScenario(
        ns, request->yaml(),
        request->source_name().empty() ? "request" : request->source_name());
    if (!loaded.ok()) return loaded.status();
    response->set_customers(loaded->customers);
    response->set_fault_rules(loaded->fault_rules);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::ExportState(
    grpc::CallbackServerContext* context,
    const cv1::ExportStateRequest* /*request*/,
    cv1::ExportStateResponse* response) {
  return Answer(context, [&](const std::string& ns) -> absl::Status {
    auto yaml = control_.ExportState(ns);
    if (!yaml.ok()) return yaml.status();
    response->set_yaml(*std::move(yaml));
    response->set_fake_version(std::string(model::FakeVersion()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::AddFaultRule(
    grpc::CallbackServerContext* context,
    const cv1::AddFaultRuleRequest* request,
    cv1::AddFaultRuleResponse* response) {
  return Answer(context, [&](const std::string& ns) -> absl::Status {
    std::string yaml = request->yaml();
    if (request->has_rule()) {
      if (!yaml.empty()) {
        return errors::InvalidFaultRule("set either rule or yaml, not both");
      }
      // The structured rule's JSON form is YAML that the scenario reader
      // parses, so both forms share one set of checks.
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      (void)google::protobuf::util::MessageToJsonString(request->rule(), &yaml,
                                                        options);
    }
    auto id = control_.AddFaultRuleYaml(ns, yaml);
    if (!id.ok()) return id.status();
    response->set_id(*std::move(id));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::ListFaultRules(
    grpc::CallbackServerContext* context,
    const cv1::ListFaultRulesRequest* /*request*/,
    cv1::ListFaultRulesResponse* response) {
  return Answer(context, [&](const std::string& ns) -> absl::Status {
    auto rules = control_.ListFaultRules(ns);
    if (!rules.ok()) return rules.status();
    for (const model::RuleStatus& rule : *rules) {
      cv1::FaultRuleStatus* out = response->add_rules();
      ToProto(rule.rule, out->mutable_rule());
      out->set_matched(rule.matched);
      out->set_acted(rule.acted);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::RemoveFaultRule(
    grpc::CallbackServerContext* context,
    const cv1::RemoveFaultRuleRequest* request,
    cv1::RemoveFaultRuleResponse* /*response*/) {
  return Answer(context, [&](const std::string& ns) {
    return control_.RemoveFaultRule(ns, request->id());
  });
}

grpc::ServerUnaryReactor* ControlService::ClearFaultRules(
    grpc::CallbackServerContext* context,
    const cv1::ClearFaultRulesRequest* /*request*/,
    cv1::ClearFaultRulesResponse* /*response*/) {
  return Answer(context, [&](const std::string& ns) {
    return control_.ClearFaultRules(ns);
  });
}

grpc::ServerUnaryReactor* ControlService::ListCalls(
    grpc::CallbackServerContext* context, const cv1::ListCallsRequest* request,
    cv1::ListCallsResponse* response) {
  return Answer(context, [&](const std::string& ns) -> absl::Status {
    auto page = control_.ListCalls(ns, request->method(), request->page_size(),
                                   request->page_token(), request->applied());
    if (!page.ok()) return page.status();
    for (const model::CallRecord& call : page->calls) {
      ToProto(call, response->add_calls());
    }
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::ClearCalls(
    grpc::CallbackServerContext* context,
    const cv1::ClearCallsRequest* /*request*/,
    cv1::ClearCallsResponse* /*response*/) {
  return Answer(context,
                [&](const std::string& ns) { return control_.ClearCalls(ns); });
}

grpc::ServerUnaryReactor* ControlService::DeleteNamespace(
    grpc::CallbackServerContext* context,
    const cv1::DeleteNamespaceRequest* /*request*/,
    cv1::DeleteNamespaceResponse* /*response*/) {
  return Answer(context, [&](const std::string& ns) {
    return control_.DeleteNamespace(ns);
  });
}

grpc::ServerUnaryReactor* ControlService::ListNamespaces(
    grpc::CallbackServerContext* context,
    const cv1::ListNamespacesRequest* /*request*/,
    cv1::ListNamespacesResponse* response) {
  // Not about one namespace: the caller's is ignored.
  return Answer(context, [&](const std::string& /*ns*/) -> absl::Status {
    for (std::string& name : control_.ListNamespaces()) {
      response->add_namespaces(std::move(name));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ControlService::GetServerStatus(
    grpc::CallbackServerContext* context,
    const cv1::GetServerStatusRequest* /*request*/,
    cv1::GetServerStatusResponse* response) {
  // No token and no namespace, as health: a probe reads it. Not through
  // Answer, so reading it writes no state file.
  if (std::optional<core::StateFileStatus> state =
          control_.core().status().state_file()) {
    cv1::StateFileStatus* out = response->mutable_state_file();
    out->set_path(state->path);
    if (state->last_written) {
      *out->mutable_last_written() = ToProto(*state->last_written);
    }
    if (state->failure) {
      cv1::StateFileFailure* failure = out->mutable_failure();
      failure->set_operation(state->failure->operation);
      failure->set_file(state->failure->file);
      failure->set_error(state->failure->error);
      failure->set_message(state->failure->message);
      *failure->mutable_since() = ToProto(state->failing_since);
      failure->set_failed_writes(static_cast<int64_t>(state->failed_writes));
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace customerfake::transport
