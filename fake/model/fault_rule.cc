#include "fake/model/fault_rule.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "fake/model/methods.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::model {
namespace {

void ValidateAction(const FaultAction& action, const MethodInfo* method,
                    const std::string& key,
                    std::vector<RuleProblem>& problems) {
  auto at = [&](absl::string_view field) {
    return key.empty() ? std::string(field) : absl::StrCat(key, ".", field);
  };
  if (action.delay < absl::ZeroDuration()) {
    problems.push_back({at("delay"), "must not be negative"});
  }
  if (action.retry_delay && *action.retry_delay < absl::ZeroDuration()) {
    problems.push_back({at("retry_delay"), "must not be negative"});
  }
  if (action.hang && action.response_json) {
    problems.push_back({at("hang"), "cannot be combined with response"});
  }
  if (action.reset_stream && action.close_connection) {
    problems.push_back(
        {at("close_connection"),
         "cannot be combined with reset_stream: a call ends one way"});
  }
  // What the client sees instead of an answer leaves nothing to answer with.
  for (const auto& [set, name] :
       {std::make_pair(action.reset_stream, "reset_stream"),
        std::make_pair(action.close_connection, "close_connection")}) {
    if (!set) continue;
    if (action.code != absl::StatusCode::kOk) {
      problems.push_back({at(name),
                          "cannot be combined with a code: the client gets no "
                          "answer, only the reset or the closed connection"});
    }
    if (action.hang) {
      problems.push_back({at(name), "cannot be combined with hang"});
    }
    if (action.response_json) {
      problems.push_back({at(name), "cannot be combined with response"});
    }
  }
  if (action.serve_first && action.hang) {
    problems.push_back(
        {at("serve_first"),
         "cannot be combined with hang: a call that never ends is never "
         "served (use delay to hold the answer back after the write)"});
  }
  if (action.serve_first && action.response_json) {
    problems.push_back(
        {at("serve_first"),
         "cannot be combined with response: a canned answer leaves the "
         "state untouched"});
  }
  if (!action.response_json) return;
  if (action.code != absl::StatusCode::kOk) {
    problems.push_back({at("response"), "needs code OK"});
  } else if (method == nullptr) {
    problems.push_back(
        {at("response"), "needs a single method, not \"*\", to know its type"});
  } else {
    std::unique_ptr<google::protobuf::Message> response(
        method->response_prototype->New());
    auto parsed = google::protobuf::util::JsonStringToMessage(
        *action.response_json, response.get());
    if (!parsed.ok()) {
      problems.push_back(
          {at("response"), absl::StrCat("is not a valid ",
                                        response->GetDescriptor()->full_name(),
                                        ": ", std::string(parsed.message()))});
    }
  }
}

}  // namespace

std::vector<RuleProblem> ValidateRule(const FaultRule& rule) {
  std::vector<RuleProblem> problems;
  const MethodInfo* method = nullptr;
  if (rule.method != "*") {
    method = FindMethod(rule.method);
    if (method == nullptr) {
      problems.push_back(
          {"method", absl::StrCat("\"", rule.method,
                                  "\" is not a CustomerService method (use a "
                                  "name like CreateCustomer, its full name, "
                                  "or \"*\")")});
    }
  }
  for (const auto& [path, value] : rule.match_request) {
    bool known = false;
    if (method != nullptr) {
      known = HasFieldPath(method->request_prototype->GetDescriptor(), path);
    } else {
      for (const MethodInfo& m : CustomerServiceMethods()) {
        known |= HasFieldPath(m.request_prototype->GetDescriptor(), path);
      }
    }
    if (!known && (method != nullptr || rule.method == "*")) {
      problems.push_back(
          {absl::StrCat("match_request.", path),
           method != nullptr
               ? absl::StrCat(
                     method->request_prototype->GetDescriptor()->full_name(),
                     " has no field \"", path, "\"")
               : absl::StrCat("no CustomerService request has a field \"", path,
                              "\"")});
    }
  }
  if (!(rule.probability >= 0.0 && rule.probability <= 1.0)) {
    problems.push_back(
        {"probability",
         absl::StrCat("must be between 0 and 1, got ", rule.probability)});
  }
  if (rule.action.has_value() == !rule.sequence.empty()) {
    problems.push_back({rule.action ? "sequence" : "action",
                        "a rule needs exactly one of action and sequence"});
  }
  if (rule.action) ValidateAction(*rule.action, method, "action", problems);
  for (size_t i = 0; i < rule.sequence.size(); ++i) {
    ValidateAction(rule.sequence[i], method, absl::StrCat("sequence[", i, "]"),
                   problems);
  }
  return problems;
}

}  // namespace customerfake::model
