#include "fake/core/access_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "fake/model/json_string.h"

namespace customerfake::core {

AccessLog::AccessLog(model::LogFormat format, model::LogLevel level,
                     std::ostream* out, Mode mode)
    : format_(format), level_(level), mode_(mode), out_(out) {
  // Nothing is ever written at level off: no writer either.
  if (mode_ == Mode::kBatched && level_ <= model::LogLevel::kError) {
    writer_ = std::thread([this] { WriterLoop(); });
  }
}

AccessLog::~AccessLog() {
  if (writer_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    writer_.join();
  }
  Flush();
}

void AccessLog::Call(const Entry& entry) {
  model::LogLevel level =
      entry.failed ? model::LogLevel::kWarn : model::LogLevel::kInfo;
  if (level < level_) return;
  Line line;
  line.time = absl::Now();
  line.level = entry.failed ? "warn" : "info";
  line.call = true;
  line.method = std::string(entry.method);
  line.ns = std::string(entry.ns);
  line.code = std::string(entry.code);
  line.reason = std::string(entry.reason);
  line.fault_rule = std::string(entry.fault_rule);
  line.duration = entry.duration;
  Add(std::move(line));
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
  Line line;
  line.time = absl::Now();
  line.level = name;
  line.method = std::string(message);
  Add(std::move(line));
  // A line about the server itself is rare and read at once (a start-up
  // message, a failing state file): out now, after the calls before it.
  if (mode_ == Mode::kBatched) Flush();
}

void AccessLog::Add(Line line) {
  if (writer_.joinable()) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(line));
    return;
  }
  std::string text;
  Format(line, text);
  absl::MutexLock lock(&write_mu_);
  *out_ << text << std::flush;
}

void AccessLog::Format(const Line& line, std::string& out) const {
  if (format_ == model::LogFormat::kText) {
    // Time, level, message.
    absl::StrAppend(&out,
                    absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", line.time,
                                     absl::UTCTimeZone()),
                    " ", line.level, " ");
    if (!line.call) {
      absl::StrAppend(&out, line.method, "\n");
      return;
    }
    absl::StrAppend(
        &out, "call ", line.method, " ns=", line.ns, " code=", line.code,
        line.reason.empty() ? "" : " reason=", line.reason,
        line.fault_rule.empty() ? "" : " fault_rule=", line.fault_rule,
        " duration=",
        absl::FormatDuration(absl::Trunc(line.duration, absl::Microseconds(1))),
        "\n");
    return;
  }
  // Keys in a fixed order: time, level, msg, then the call's.
  absl::StrAppend(&out, "{\"time\":",
                  model::JsonString(absl::FormatTime(
                      absl::RFC3339_full, line.time, absl::UTCTimeZone())),
                  ",\"level\":", model::JsonString(line.level), ",\"msg\":",
                  model::JsonString(line.call ? "call" : line.method));
  if (line.call) {
    absl::StrAppend(&out, ",\"method\":", model::JsonString(line.method),
                    ",\"namespace\":", model::JsonString(line.ns),
                    ",\"code\":", model::JsonString(line.code));
    if (!line.reason.empty()) {
      absl::StrAppend(&out, ",\"reason\":", model::JsonString(line.reason));
    }
    if (!line.fault_rule.empty()) {
      absl::StrAppend(&out,
                      ",\"fault_rule\":", model::JsonString(line.fault_rule));
    }
    absl::StrAppend(
        &out, ",\"duration_ms\":",
        absl::StrFormat("%.6f", absl::ToDoubleMilliseconds(line.duration)));
  }
  out += "}\n";
}

void AccessLog::Flush() {
  absl::MutexLock lock(&write_mu_);
  WriteQueued();
}

void AccessLog::WriteQueued() {
  std::vector<Line> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  std::string text;
  for (const Line& line : batch) Format(line, text);
  *out_ << text << std::flush;
}

void AccessLog::WriterLoop() {
  bool stop = false;
  while (!stop) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), kBatchInterval);
      stop = stopping_;
    }
    Flush();
  }
}

}  // namespace customerfake::core
