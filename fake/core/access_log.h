#ifndef CUSTOMER_FAKE_CORE_ACCESS_LOG_H_
#define CUSTOMER_FAKE_CORE_ACCESS_LOG_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fake/model/logging.h"

namespace customerfake::core {

// The access log: one line per answered call (level info; failed calls at
// warn): method, namespace, code, reason, the fault rule that acted and the
// duration.
class AccessLog {
 public:
  AccessLog(model::LogFormat format, model::LogLevel level, std::ostream* out);

  struct Entry {
    absl::string_view method;
    absl::string_view ns;
    absl::string_view code;
    absl::string_view reason;
    absl::string_view fault_rule;
    absl::Duration duration;
    bool failed = false;
  };
  bool enabled() const { return level_ <= model::LogLevel::kWarn; }
  void Call(const Entry& entry);
  // A line about the server itself (start, stop), at info.
  void Info(absl::string_view message);
  // A line about a failure of the server itself (a state file not saved).
  void Error(absl::string_view message);

 private:
  void Message(model::LogLevel level, absl::string_view name,
               absl::string_view message);
  // A text line: time, level, message.
  void Write(absl::string_view level, std::string line);
  void WriteLine(absl::string_view line);

  const model::LogFormat format_;
  const model::LogLevel level_;
  absl::Mutex mu_;
  std::ostream* out_ ABSL_GUARDED_BY(mu_);
};

}  // namespace customerfake::core

#endif  // CUSTOMER_FAKE_CORE_ACCESS_LOG_H_
