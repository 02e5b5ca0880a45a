#include "fake/core/access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::core {
namespace {

google::protobuf::Value Text(absl::string_view text) {
  google::protobuf::Value value;
  value.set_string_value(std::string(text));
  return value;
}

// A JSON log line with its time, level and message.
google::protobuf::Struct JsonLine(absl::string_view level,
                                  absl::string_view message) {
  google::protobuf::Struct line;
  auto& fields = *line.mutable_fields();
  fields["time"] = Text(
      absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone()));
  fields["level"] = Text(level);
  fields["msg"] = Text(message);
  return line;
}

std::string ToJson(const google::protobuf::Struct& line) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(line, &json);
  return json;
}

}  // namespace

AccessLog::AccessLog(model::LogFormat format, model::LogLevel level,
                     std::ostream* out)
    : format_(format), level_(level), out_(out) {}

void AccessLog::Call(const Entry& entry) {
  model::LogLevel level =
      entry.failed ? model::LogLevel::kWarn : model::LogLevel::kInfo;
  if (level < level_) return;
  absl::string_view level_name = entry.failed ? "warn" : "info";
  std::string duration =
      absl::FormatDuration(absl::Trunc(entry.duration, absl::Microseconds(1)));
  if (format_ == model::LogFormat::kText) {
    Write(level_name,
          absl::StrCat(
              "call ", entry.method, " ns=", entry.ns, " code=", entry.code,
              entry.reason.empty() ? "" : " reason=", entry.reason,
              entry.fault_rule.empty() ? "" : " fault_rule=", entry.fault_rule,
              " duration=", duration));
    return;
  }
  google::protobuf::Struct line = JsonLine(level_name, "call");
  auto& fields = *line.mutable_fields();
  fields["method"] = Text(entry.method);
  fields["namespace"] = Text(entry.ns);
  fields["code"] = Text(entry.code);
  if (!entry.reason.empty()) fields["reason"] = Text(entry.reason);
  if (!entry.fault_rule.empty()) fields["fault_rule"] = Text(entry.fault_rule);
  fields["duration_ms"].set_number_value(
      absl::ToDoubleMilliseconds(entry.duration));
  WriteLine(ToJson(line));
}

void AccessLog::Info(absl::string_view message) {
  Message(model::LogLevel::kInfo, "info", message);
}

void AccessLog::Error(absl::string_view message) {
  Message(model::LogLevel::kError, "error", message);
}

void AccessLog::Message(model::LogLevel level, absl::string_view name,
                        absl::string_view message) {
  if (level < level_) return;
  if (format_ == model::LogFormat::kText) {
    Write(name, std::string(message));
    return;
  }
  WriteLine(ToJson(JsonLine(name, message)));
}

void AccessLog::Write(absl::string_view level, std::string line) {
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                      absl::UTCTimeZone());
  WriteLine(absl::StrCat(time, " ", level, " ", line));
}

void AccessLog::WriteLine(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  *out_ << line << "\n" << std::flush;
}

}  // namespace customerfake::core
