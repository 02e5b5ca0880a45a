#include "fake/core/access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "fake/model/json_string.h"

namespace customerfake::core {
namespace {

// The start of a JSON log line, keys in a fixed order: time, level, msg;
// the caller appends ",\"key\":value" pairs and the closing brace.
std::string JsonLine(absl::string_view level, absl::string_view message) {
  return absl::StrCat(
      "{\"time\":",
      model::JsonString(absl::FormatTime(absl::RFC3339_full, absl::Now(),
                                         absl::UTCTimeZone())),
      ",\"level\":", model::JsonString(level),
      ",\"msg\":", model::JsonString(message));
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
  std::string line = JsonLine(level_name, "call");
  absl::StrAppend(&line, ",\"method\":", model::JsonString(entry.method),
                  ",\"namespace\":", model::JsonString(entry.ns),
                  ",\"code\":", model::JsonString(entry.code));
  if (!entry.reason.empty()) {
    absl::StrAppend(&line, ",\"reason\":", model::JsonString(entry.reason));
  }
  if (!entry.fault_rule.empty()) {
    absl::StrAppend(&line,
                    ",\"fault_rule\":", model::JsonString(entry.fault_rule));
  }
  absl::StrAppend(
      &line, ",\"duration_ms\":",
      absl::StrFormat("%.6f", absl::ToDoubleMilliseconds(entry.duration)), "}");
  WriteLine(line);
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
  WriteLine(absl::StrCat(JsonLine(name, message), "}"));
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
