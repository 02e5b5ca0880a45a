// Request matching: a rule with `match_request` (and `match_metadata`)
// against a fuzzed call, through CallView and RuleSet::Decide as
// transport/call.cc uses them.
//
// The input (FuzzedDataProvider) picks a CustomerService method (v1 or
// v1beta1), how the rule names it, up to three match_request entries (a
// field path of the request type or any text; a value that is the request's
// own JSON form of that field or any text), a header to match, and then the
// request: its serialized bytes, parsed as the server parses them.
//
// Properties beyond "no crash, leak, UB or hang": RequestField answers the
// same twice, and the same for two calls with equal requests; a rule that
// always acts (skip 0, no limit, probability 1) takes the call exactly when its
// method, header and every field match.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/faults/rule_set.h"
#include "fake/model/methods.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace {

namespace faults = customerfake::faults;
namespace model = customerfake::model;

// Every field path of `type` ("customer", "customer.email_address"), to
// `depth` levels.
void FieldPaths(const google::protobuf::Descriptor* type,
                const std::string& prefix, int depth,
                std::vector<std::string>& out) {
  if (type == nullptr || depth == 0) return;
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    std::string path = prefix.empty()
                           ? field->name()
                           : absl::StrCat(prefix, ".", field->name());
    out.push_back(path);
    FieldPaths(field->message_type(), path, depth - 1, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const std::vector<model::MethodInfo>& methods =
      model::CustomerServiceMethods();
  const model::MethodInfo& method =
      methods[input.ConsumeIntegralInRange<size_t>(0, methods.size() - 1)];
  std::unique_ptr<google::protobuf::Message> request(
      method.request_prototype->New());
  std::vector<std::string> paths;
  FieldPaths(method.request_prototype->GetDescriptor(), "", 3, paths);

  model::FaultRule rule;
  switch (input.ConsumeIntegralInRange(0, 2)) {
    case 0:
      rule.method = "*";
      break;
    case 1:
      rule.method = method.short_name;
      break;
    default:
      rule.method = method.full_name;
  }
  rule.action.emplace().code = absl::StatusCode::kUnavailable;

  // Entries whose value is the request's own field are filled in once the
  // request is known.
  std::vector<std::string> own_value_paths;
  const int entries = input.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < entries; ++i) {
    std::string path =
        !paths.empty() && input.ConsumeBool()
            ? paths[input.ConsumeIntegralInRange<size_t>(0, paths.size() - 1)]
            : input.ConsumeRandomLengthString(64);
    if (input.ConsumeBool()) {
      own_value_paths.push_back(path);
      rule.match_request[path] = "";
    } else {
      rule.match_request[path] = input.ConsumeRandomLengthString(64);
    }
  }
  std::vector<std::pair<std::string, std::string>> metadata;
  if (input.ConsumeBool()) {
    std::string header = input.ConsumeRandomLengthString(16);
    rule.match_metadata[header] = input.ConsumeRandomLengthString(16);
    metadata.emplace_back(header, input.ConsumeBool()
                                      ? rule.match_metadata[header]
                                      : input.ConsumeRandomLengthString(16));
  }
  const std::string call_method = input.ConsumeBool()
                                      ? method.full_name
                                      : input.ConsumeRandomLengthString(80);
  const std::string bytes = input.ConsumeRemainingBytesAsString();
  if (!request->ParseFromString(bytes)) return 0;  // the server refuses it

  faults::CallView call(call_method, &metadata, request.get());
  for (const std::string& path : own_value_paths) {
    rule.match_request[path] = call.RequestField(path);
  }
  // The same request seen by another call (a retry) has the same fields.
  const faults::CallView retry(call_method, &metadata, request.get());
  bool fields_match = true;
  for (const auto& [path, value] : rule.match_request) {
    const std::string first = call.RequestField(path);
    FUZZ_CHECK(first == call.RequestField(path),
               "RequestField(%s) changed between two calls", path.c_str());
    const std::string again = retry.RequestField(path);
    FUZZ_CHECK(first == again,
               "RequestField(%s) of the same request: \"%s\", then \"%s\"",
               path.c_str(), first.c_str(), again.c_str());
    fields_match &= first == value;
  }
  if (!model::ValidateRule(rule).empty()) return 0;  // Add takes valid ones

  faults::RuleSet rules(/*seed=*/1, /*max_rules=*/4);
  FUZZ_CHECK(rules.Add(rule).ok(), "a valid rule was refused");
  // "*" takes every call, a full name that method only, a short name the
  // method of that name in every service version.
  const std::string call_short_name =
      call_method.substr(call_method.rfind('/') + 1);
  const bool method_matches =
      rule.method == "*" ||
      (rule.method == method.full_name && call_method == method.full_name) ||
      (rule.method == method.short_name &&
       call_short_name == method.short_name);
  bool headers_match = true;
  for (const auto& [key, value] : rule.match_metadata) {
    const std::string* actual = call.Header(key);
    headers_match &= actual != nullptr && *actual == value;
  }
  const bool expected = method_matches && headers_match && fields_match;
  for (int i = 0; i < 2; ++i) {
    std::optional<faults::Decision> decision = rules.Decide(call);
    FUZZ_CHECK(decision.has_value() == expected,
               "call %d: decided %d, expected %d (method %d, headers %d, "
               "fields %d)",
               i, decision.has_value(), expected, method_matches, headers_match,
               fields_match);
  }
  return 0;
}
