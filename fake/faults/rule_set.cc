#include "fake/faults/rule_set.h"

#include <cmath>
#include <map>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fake/errors/errors.h"
#include "fake/model/methods.h"
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

std::string CallView::RequestField(absl::string_view path) const {
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
  return id;
}

bool RuleSet::Remove(absl::string_view id) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->rule.id == id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

void RuleSet::Clear() { rules_.clear(); }

void RuleSet::Reset(std::optional<uint64_t> seed) {
  rules_.clear();
  next_id_ = 1;
  random_.seed(seed ? *seed : RandomSeed());
}

std::vector<model::RuleStatus> RuleSet::List() const { return rules_; }

bool RuleSet::Matches(const model::FaultRule& rule,
                      const CallView& call) const {
  if (rule.method != "*") {
    bool full = absl::StartsWith(rule.method, "/");
    if (full ? call.full_method() != rule.method
             : model::ShortMethodName(call.full_method()) != rule.method) {
      return false;
    }
  }
  for (const auto& [key, value] : rule.match_metadata) {
    const std::string* actual = call.Header(key);
    if (actual == nullptr || *actual != value) return false;
  }
  for (const auto& [path, value] : rule.match_request) {
    if (call.RequestField(path) != value) return false;
  }
  return true;
}

std::optional<Decision> RuleSet::Decide(const CallView& call) {
  for (model::RuleStatus& status : rules_) {
    const model::FaultRule& rule = status.rule;
    if (!Matches(rule, call)) continue;
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
