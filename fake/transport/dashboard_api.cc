#include "fake/transport/dashboard_api.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "customerfake/control/v1/control.pb.h"
#include "fake/core/core.h"
#include "fake/errors/errors.h"
#include "fake/errors/grpc_status.h"
#include "fake/model/json_string.h"
#include "fake/transport/control_proto.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::transport {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
// A namespace in a path; Control checks the name itself.
constexpr char kNs[] = "/api/v1/namespaces/([^/]+)";

using Handler = std::function<void(const httplib::Request&, httplib::Response&,
                                   const std::string& ns)>;

// The HTTP status of a gRPC code, as grpc-gateway maps them.
int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string Json(absl::string_view text) {
  return model::JsonString(errors::Printable(text, SIZE_MAX));
}

void SendMessage(httplib::Response& response,
                 const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  response.set_content(json, kJson);
}

// The body as the JSON form of `message`; an empty body leaves it empty.
absl::Status ParseBody(const httplib::Request& request,
                       google::protobuf::Message* message) {
  if (absl::StripAsciiWhitespace(request.body).empty()) {
    return absl::OkStatus();
  }
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(request.body,
                                                            message, options);
  if (parsed.ok()) return absl::OkStatus();
  return errors::Error(
      absl::StatusCode::kInvalidArgument, "INVALID_JSON",
      absl::StrCat("the body is not a JSON ", message->GetDescriptor()->name(),
                   ": ", std::string(parsed.message())));
}

// A non-negative integer query parameter; `fallback` when absent.
absl::StatusOr<uint64_t> Number(const httplib::Request& request,
                                const std::string& name, uint64_t fallback) {
  if (!request.has_param(name)) return fallback;
  uint64_t value;
  if (!absl::SimpleAtoi(request.get_param_value(name), &value)) {
    return errors::Error(
        absl::StatusCode::kInvalidArgument, "INVALID_PARAMETER",
        absl::StrCat("query parameter ", name, "=\"",
                     errors::Printable(request.get_param_value(name), 64),
                     "\" is not a non-negative integer"));
  }
  return value;
}

std::string TimeJson(absl::Time time) {
  return Json(absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone()));
}

void NamespacesJson(control::Control& control, httplib::Response& response) {
  std::string json = "{\"namespaces\":[";
  bool first = true;
  for (const control::Control::NamespaceSummary& space :
       control.SummarizeNamespaces()) {
    absl::StrAppend(&json, first ? "" : ",", "{\"name\":", Json(space.name),
                    ",\"customers\":", space.customers,
                    ",\"fault_rules\":", space.fault_rules,
                    ",\"calls\":", space.calls, ",\"last_activity\":",
                    space.last_activity ? TimeJson(*space.last_activity)
                                        : std::string("null"),
                    "}");
    first = false;
  }
  json += "]}";
  response.set_content(json, kJson);
}

absl::Status CustomersJson(control::Control& control,
                           const httplib::Request& request,
                           httplib::Response& response, const std::string& ns) {
  auto offset = Number(request, "offset", 0);
  if (!offset.ok()) return offset.status();
  auto limit = Number(request, "page_size", 0);
  if (!limit.ok()) return limit.status();
  auto page =
      control.ListCustomers(ns, request.get_param_value("q"), *offset, *limit);
  if (!page.ok()) return page.status();
  std::string json = "{\"customers\":[";
  bool first = true;
  for (const model::CustomerRecord& customer : page->customers) {
    absl::StrAppend(&json, first ? "" : ",", "{\"id\":", Json(customer.id),
                    ",\"given_name\":", Json(customer.fields.given_name),
                    ",\"family_name\":", Json(customer.fields.family_name),
                    ",\"email_address\":", Json(customer.fields.email_address),
                    ",\"language_code\":", Json(customer.fields.language_code),
                    ",\"phone_number\":", Json(customer.fields.phone_number),
                    ",\"flags\":[");
    for (size_t i = 0; i < customer.flags.size(); ++i) {
      absl::StrAppend(&json, i == 0 ? "" : ",", Json(customer.flags[i]));
    }
    json += "]}";
    first = false;
  }
  absl::StrAppend(&json, "],\"total\":", page->total, ",\"offset\":", *offset,
                  "}");
  response.set_content(json, kJson);
  return absl::OkStatus();
}

// Whether the call passes the code filter (a code name, empty for all) and
// the text filter (in the method, reason, message, rule or request).
bool Passes(const cv1::Call& call, absl::string_view code,
            absl::string_view text) {
  if (!code.empty() && !absl::EqualsIgnoreCase(call.code(), code)) {
    return false;
  }
  if (text.empty()) return true;
  const std::string lower = absl::AsciiStrToLower(text);
  for (const std::string* field :
       {&call.method(), &call.reason(), &call.message(), &call.fault_rule(),
        &call.request_json()}) {
    if (absl::StrContains(absl::AsciiStrToLower(*field), lower)) return true;
  }
  return false;
}

absl::Status CallsJson(control::Control& control,
                       const httplib::Request& request,
                       httplib::Response& response, const std::string& ns) {
  auto after = Number(request, "after", 0);
  if (!after.ok()) return after.status();
  auto page_size = Number(request, "page_size", 0);
  if (!page_size.ok()) return page_size.status();
  const std::string code = request.get_param_value("code");
  if (absl::StatusCode parsed;
      !code.empty() && !errors::ParseCodeName(code, &parsed)) {
    return errors::Error(
        absl::StatusCode::kInvalidArgument, "INVALID_PARAMETER",
        absl::StrCat("query parameter code=\"", errors::Printable(code, 64),
                     "\" is not a gRPC code name such as UNAVAILABLE"));
  }
  auto page = control.ListCalls(
      ns, request.get_param_value("method"),
      static_cast<int32_t>(std::min<uint64_t>(*page_size, 1000)),
      request.get_param_value("page_token"), request.has_param("applied"),
      *after);
  if (!page.ok()) return page.status();
  cv1::ListCallsResponse out;
  const std::string text = request.get_param_value("q");
  uint64_t last = *after;
  for (const model::CallRecord& record : page->calls) {
    last = record.sequence;
    cv1::Call call;
    ToProto(record, &call);
    if (Passes(call, code, text)) *out.add_calls() = std::move(call);
  }
  out.set_next_page_token(page->next_page_token);
  // What the filters passed over is not shown, but a live view asks for
  // what came after it.
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(out, &json, options);
  json.pop_back();  // the closing brace
  absl::StrAppend(&json, ",\"last_sequence\":\"", last, "\"}");
  response.set_content(json, kJson);
  return absl::OkStatus();
}

// Registers `handler` for `method` on the namespace path + `suffix`,
// answering its error as JSON; a change tells the core (the state file).
void Route(control::Control& control, httplib::Server& server,
           absl::string_view method, absl::string_view suffix,
           std::function<absl::Status(const httplib::Request&,
                                      httplib::Response&, const std::string&)>
               body) {
  const std::string pattern = absl::StrCat(kNs, suffix);
  const bool changes = method != "GET";
  auto handler = [&control, changes, body = std::move(body)](
                     const httplib::Request& request,
                     httplib::Response& response) {
    absl::Status status = body(request, response, request.matches[1].str());
    if (!status.ok()) {
      SendError(response, status);
      return;
    }
    if (changes) control.core().Changed();
    if (response.body.empty()) response.set_content("{}", kJson);
  };
  if (method == "GET") {
    server.Get(pattern, handler);
  } else if (method == "POST") {
    server.Post(pattern, handler);
  } else {
    server.Delete(pattern, handler);
  }
}

}  // namespace

void SendError(httplib::Response& response, int http_status,
               absl::string_view code, absl::string_view reason,
               absl::string_view message) {
  response.status = http_status;
  response.set_content(absl::StrCat("{\"error\":{\"code\":", Json(code),
                                    ",\"reason\":", Json(reason),
                                    ",\"message\":", Json(message), "}}"),
                       kJson);
}

void SendError(httplib::Response& response, const absl::Status& status) {
  SendError(response, HttpStatus(status.code()),
            errors::CodeName(status.code()), errors::ReasonOf(status),
            status.message());
}

void AddDashboardApi(control::Control& control, httplib::Server& server) {
  server.Get("/api/v1/namespaces",
             [&control](const httplib::Request&, httplib::Response& response) {
               NamespacesJson(control, response);
             });
  Route(control, server, "DELETE", "",
        [&control](const httplib::Request&, httplib::Response&,
                   const std::string& ns) {
          return control.DeleteNamespace(ns);
        });
  Route(control, server, "GET", "/customers",
        [&control](const httplib::Request& request, httplib::Response& response,
                   const std::string& ns) {
          return CustomersJson(control, request, response, ns);
        });
  Route(control, server, "GET", "/rules",
        [&control](const httplib::Request&, httplib::Response& response,
                   const std::string& ns) -> absl::Status {
          auto rules = control.ListFaultRules(ns);
          if (!rules.ok()) return rules.status();
          cv1::ListFaultRulesResponse out;
          for (const model::RuleStatus& rule : *rules) {
            cv1::FaultRuleStatus* status = out.add_rules();
            ToProto(rule.rule, status->mutable_rule());
            status->set_matched(rule.matched);
            status->set_acted(rule.acted);
          }
          SendMessage(response, out);
          return absl::OkStatus();
        });
  Route(control, server, "POST", "/rules",
        [&control](const httplib::Request& request, httplib::Response& response,
                   const std::string& ns) -> absl::Status {
          cv1::AddFaultRuleRequest in;
          if (absl::Status parsed = ParseBody(request, &in); !parsed.ok()) {
            return parsed;
          }
          if (in.has_rule()) {
            return errors::InvalidFaultRule(
                "the dashboard takes a rule as yaml, not as rule");
          }
          auto id = control.AddFaultRuleYaml(ns, in.yaml());
          if (!id.ok()) return id.status();
          cv1::AddFaultRuleResponse out;
          out.set_id(*std::move(id));
          SendMessage(response, out);
          return absl::OkStatus();
        });
  Route(control, server, "DELETE", "/rules",
        [&control](const httplib::Request&, httplib::Response&,
                   const std::string& ns) {
          return control.ClearFaultRules(ns);
        });
  // Any id: httplib decodes the path first, so an id's %2F is a "/" here.
  Route(control, server, "DELETE", "/rules/(.+)",
        [&control](const httplib::Request& request, httplib::Response&,
                   const std::string& ns) {
          return control.RemoveFaultRule(ns, request.matches[2].str());
        });
  Route(control, server, "POST", "/reset",
        [&control](const httplib::Request& request, httplib::Response&,
                   const std::string& ns) -> absl::Status {
          cv1::ResetRequest in;
          if (absl::Status parsed = ParseBody(request, &in); !parsed.ok()) {
            return parsed;
          }
          return control.Reset(ns, in.empty(), in.to_start());
        });
  Route(control, server, "POST", "/scenario",
        [&control](const httplib::Request& request, httplib::Response& response,
                   const std::string& ns) -> absl::Status {
          cv1::LoadScenarioRequest in;
          if (absl::Status parsed = ParseBody(request, &in); !parsed.ok()) {
            return parsed;
          }
          auto loaded = control.LoadScenario(
              ns, in.yaml(),
              in.source_name().empty() ? "request" : in.source_name());
          if (!loaded.ok()) return loaded.status();
          cv1::LoadScenarioResponse out;
          out.set_customers(loaded->customers);
          out.set_fault_rules(loaded->fault_rules);
          SendMessage(response, out);
          return absl::OkStatus();
        });
  Route(control, server, "GET", "/export",
        [&control](const httplib::Request&, httplib::Response& response,
                   const std::string& ns) -> absl::Status {
          auto yaml = control.ExportState(ns);
          if (!yaml.ok()) return yaml.status();
          response.set_header(
              "Content-Disposition",
              absl::StrCat("attachment; filename=\"", ns, ".yaml\""));
          response.set_content(*yaml, "application/yaml; charset=utf-8");
          return absl::OkStatus();
        });
  Route(control, server, "GET", "/calls",
        [&control](const httplib::Request& request, httplib::Response& response,
                   const std::string& ns) {
          return CallsJson(control, request, response, ns);
        });
  Route(control, server, "DELETE", "/calls",
        [&control](const httplib::Request&, httplib::Response&,
                   const std::string& ns) { return control.ClearCalls(ns); });
}

}  // namespace customerfake::transport
