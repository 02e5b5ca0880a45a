#include "fake/faults/rule_set.h"

#include <cmath>
#include <map>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fake/errors/errors.h"
#include "fake/model/methods.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::faults {
namespace {

uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

// `value` as JSON with every object's keys sorted: a Struct's map has no
// stable order, and the text of an equal request must be equal.
void AppendSortedJson(const google::protobuf::Value& value, std::string& out) {
  auto append_quoted = [&out](const std::string& text) {
    google::protobuf::Value string_value;
    string_value.set_string_value(text);
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(string_value, &json);
    out += json;
  };
  switch (value.kind_case()) {
    case google::protobuf::Value::kStructValue: {
      std::map<std::string, const google::protobuf::Value*> sorted;
      for (const auto& [key, field] : value.struct_value().fields()) {
        sorted[key] = &field;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, field] : sorted) {
        if (!first) out += ',';
        first = false;
        append_quoted(key);
        out += ':';
        AppendSortedJson(*field, out);
      }
      out += '}';
      return;
    }
    case google::protobuf::Value::kListValue: {
      out += '[';
      const auto& values = value.list_value().values();
      for (int i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        AppendSortedJson(values[i], out);
      }
      out += ']';
      return;
    }
    default: {
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(value, &json);
      out += json;
    }
  }
}

std::string ValueText(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue:
      return value.string_value();
    case google::protobuf::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case google::protobuf::Value::kNumberValue: {
      double number = value.number_value();
      if (number == std::floor(number) && std::fabs(number) < 1e15) {
        return absl::StrCat(static_cast<int64_t>(number));
      }
      return absl::StrCat(number);
    }
    case google::protobuf::Value::kNullValue:
      return "null";
    default: {
      std::string json;
      AppendSortedJson(value, json);
      return json;
    }
  }
}

}  // namespace

const std::string* CallView::Header(absl::string_view key) const {
  for (const auto& [name, value] : *metadata_) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::vector<const google::protobuf::FieldDescriptor*> ResolveField(
    const google::protobuf::Descriptor* type, absl::string_view path) {
  using google::protobuf::FieldDescriptor;
  std::vector<const FieldDescriptor*> fields;
  for (absl::string_view name : absl::StrSplit(path, '.')) {
    // A well-known type has a JSON form of its own (a timestamp's text).
    if (type == nullptr ||
        type->well_known_type() !=
            google::protobuf::Descriptor::WELLKNOWNTYPE_UNSPECIFIED) {
      return {};
    }
    const FieldDescriptor* field = type->FindFieldByName(std::string(name));
    if (field == nullptr || field->is_repeated() || field->is_extension()) {
      return {};
    }
    fields.push_back(field);
    type = field->message_type();  // null for a scalar: ends the path
  }
  if (fields.empty()) return {};
  const FieldDescriptor* last = fields.back();
  switch (last->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (last->type() == FieldDescriptor::TYPE_BYTES) return {};  // base64
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      // NullValue reads as null.
      if (last->enum_type()->full_name() == "google.protobuf.NullValue") {
        return {};
      }
      break;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_BOOL:
      break;
    default:  // a message, a float or a double
      return {};
  }
  return fields;
}

bool CallView::ReadField(
    const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
    std::string& scratch, absl::string_view& value) const {
  if (resolved.size() != 1) {
    return ReadFieldUncached(resolved, scratch, value);
  }
  // Rules on one field (a request's id) read it once per call.
  if (resolved.front() != read_field_) {
    read_field_ = resolved.front();
    read_ok_ = ReadFieldUncached(resolved, read_scratch_, read_value_);
  }
  value = read_value_;
  return read_ok_;
}

bool CallView::ReadFieldUncached(
    const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
    std::string& scratch, absl::string_view& value) const {
  using google::protobuf::FieldDescriptor;
  if (resolved.empty() ||
      resolved.front()->containing_type() != request_->GetDescriptor()) {
    return false;
  }
  const google::protobuf::Message* message = request_;
  const size_t last = resolved.size() - 1;
  for (size_t i = 0; i < last; ++i) {
    const google::protobuf::Reflection* reflection = message->GetReflection();
    // An unset message is absent from the JSON form: left to it.
    if (!reflection->HasField(*message, resolved[i])) return false;
    message = &reflection->GetMessage(*message, resolved[i]);
  }
  const FieldDescriptor* field = resolved[last];
  const google::protobuf::Reflection* reflection = message->GetReflection();
  // A field with presence that is unset, and a oneof's: left to the JSON
  // form.
  if ((field->has_presence() || field->containing_oneof() != nullptr) &&
      !reflection->HasField(*message, field)) {
    return false;
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string& text =
          reflection->GetStringReference(*message, field, &scratch);
      // Text that is not UTF-8 does not survive the JSON form as is.
      if (!google::protobuf::internal::IsStructurallyValidUTF8(
              text.data(), static_cast<int>(text.size()))) {
        return false;
      }
      value = text;
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      value = reflection->GetBool(*message, field) ? "true" : "false";
      return true;
    case FieldDescriptor::CPPTYPE_INT32:
      scratch = absl::StrCat(reflection->GetInt32(*message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:  // a string in JSON: the digits
      scratch = absl::StrCat(reflection->GetInt64(*message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      scratch = absl::StrCat(reflection->GetUInt32(*message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      scratch = absl::StrCat(reflection->GetUInt64(*message, field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      // A known value reads as its name, an unknown one as its number.
      const google::protobuf::EnumValueDescriptor* known =
          field->enum_type()->FindValueByNumber(
              reflection->GetEnumValue(*message, field));
      if (known == nullptr) return false;
      value = known->name();
      return true;
    }
    default:
      return false;
  }
  value = scratch;
  return true;
}

std::string CallView::RequestField(absl::string_view path) const {
  std::string scratch;
  absl::string_view value;
  if (ReadField(ResolveField(request_->GetDescriptor(), path), scratch,
                value)) {
    return std::string(value);
  }
  return JsonField(path);
}

bool CallView::RequestFieldIs(
    absl::string_view path,
    const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
    absl::string_view expected) const {
  std::string scratch;
  absl::string_view value;
  if (ReadField(resolved, scratch, value)) return value == expected;
  return JsonField(path) == expected;
}

std::string CallView::JsonField(absl::string_view path) const {
  if (!json_) {
    json_.emplace();
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    print.always_print_primitive_fields = true;
    std::string text;
    if (google::protobuf::util::MessageToJsonString(*request_, &text, print)
            .ok()) {
      (void)google::protobuf::util::JsonStringToMessage(text, &*json_);
    }
  }
  const google::protobuf::Struct* current = &*json_;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    auto it = current->fields().find(std::string(parts[i]));
    if (it == current->fields().end()) return "";
    if (i + 1 == parts.size()) return ValueText(it->second);
    if (!it->second.has_struct_value()) return "";
    current = &it->second.struct_value();
  }
  return "";
}

RuleSet::RuleSet(std::optional<uint64_t> seed, size_t max_rules)
    : max_rules_(max_rules), random_(seed ? *seed : RandomSeed()) {}

absl::StatusOr<std::string> RuleSet::Add(model::FaultRule rule) {
  if (rules_.size() >= max_rules_) {
    return errors::FaultRuleLimitReached(max_rules_);
  }
  auto taken = [&](absl::string_view id) {
    for (const model::RuleStatus& existing : rules_) {
      if (existing.rule.id == id) return true;
    }
    return false;
  };
  if (rule.id.empty()) {
    do {
      rule.id = absl::StrCat("rule-", next_id_++);
    } while (taken(rule.id));
  } else if (taken(rule.id)) {
    return errors::InvalidFaultRule(
        absl::StrCat("id: \"", rule.id, "\" is already used by another rule"));
  }
  std::string id = rule.id;
  rules_.push_back({std::move(rule), 0, 0});
  by_method_.clear();
  return id;
}

bool RuleSet::Remove(absl::string_view id) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->rule.id == id) {
      rules_.erase(it);
      by_method_.clear();
      return true;
    }
  }
  return false;
}

void RuleSet::Clear() {
  rules_.clear();
  by_method_.clear();
}

void RuleSet::Reset(std::optional<uint64_t> seed) {
  rules_.clear();
  by_method_.clear();
  next_id_ = 1;
  random_.seed(seed ? *seed : RandomSeed());
}

std::vector<model::RuleStatus> RuleSet::List() const { return rules_; }

const RuleSet::MethodRules& RuleSet::RulesFor(const CallView& call) {
  const google::protobuf::Descriptor* request_type =
      call.request()->GetDescriptor();
  auto it = by_method_.find(call.full_method());
  if (it != by_method_.end() && it->second.request_type == request_type) {
    return it->second;
  }
  MethodRules& entry = by_method_[std::string(call.full_method())];
  entry.request_type = request_type;
  entry.candidates.clear();
  const absl::string_view short_name =
      model::ShortMethodName(call.full_method());
  for (size_t i = 0; i < rules_.size(); ++i) {
    const model::FaultRule& rule = rules_[i].rule;
    if (rule.method != "*" &&
        (absl::StartsWith(rule.method, "/") ? call.full_method() != rule.method
                                            : short_name != rule.method)) {
      continue;
    }
    Candidate candidate{i, {}};
    for (const auto& [path, value] : rule.match_request) {
      candidate.fields.push_back(ResolveField(request_type, path));
    }
    entry.candidates.push_back(std::move(candidate));
  }
  return entry;
}

bool RuleSet::Matches(const model::FaultRule& rule, const Candidate& candidate,
                      const CallView& call) const {
  for (const auto& [key, value] : rule.match_metadata) {
    const std::string* actual = call.Header(key);
    if (actual == nullptr || *actual != value) return false;
  }
  size_t field = 0;
  for (const auto& [path, value] : rule.match_request) {
    if (!call.RequestFieldIs(path, candidate.fields[field++], value)) {
      return false;
    }
  }
  return true;
}

std::optional<Decision> RuleSet::Decide(const CallView& call) {
  if (rules_.empty()) return std::nullopt;
  for (const Candidate& candidate : RulesFor(call).candidates) {
    model::RuleStatus& status = rules_[candidate.rule];
    const model::FaultRule& rule = status.rule;
    if (!Matches(rule, candidate, call)) continue;
    uint64_t nth = ++status.matched;  // 1-based among matching calls
    if (nth <= rule.skip) continue;
    const size_t budget = rule.action ? rule.times : rule.sequence.size();
    if (budget != 0 && status.acted >= budget) continue;
    if (rule.probability < 1.0 && std::uniform_real_distribution<double>(
                                      0.0, 1.0)(random_) >= rule.probability) {
      continue;
    }
    const model::FaultAction& action =
        rule.action ? *rule.action : rule.sequence[status.acted];
    ++status.acted;
    return Decision{rule.id, action};
  }
  return std::nullopt;
}

}  // namespace customerfake::faults
