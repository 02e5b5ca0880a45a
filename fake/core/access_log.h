#ifndef CUSTOMER_FAKE_CORE_ACCESS_LOG_H_
#define CUSTOMER_FAKE_CORE_ACCESS_LOG_H_

#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fake/model/logging.h"

namespace customerfake::core {

// The access log: one line per answered call (level info; failed calls at
// warn): method, namespace, code, reason, the fault rule that acted and the
// duration.
//
// Written at once by the thread that logs, or, batched, by one writer
// thread: a call then only queues what its line needs, and the writer
// formats and writes the queue every kBatchInterval, so the lines are out
// within about that and a busy server makes one write per batch instead of
// one per call. Flush() and the destructor write what is queued.
class AccessLog {
 public:
  enum class Mode { kImmediate, kBatched };
  static constexpr absl::Duration kBatchInterval = absl::Milliseconds(50);

  AccessLog(model::LogFormat format, model::LogLevel level, std::ostream* out,
            Mode mode = Mode::kImmediate);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

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
  // A line about the server itself (start, stop), at info. Written before
  // it returns, in batched mode too, after the lines queued before it.
  void Info(absl::string_view message);
  // A line about a failure of the server itself (a state file not saved),
  // written at once like Info.
  void Error(absl::string_view message);
  // Writes the lines queued so far (batched mode); returns when they are
  // out.
  void Flush();

 private:
  // One line to write, with copies of what it names, so that it can wait
  // in the queue.
  struct Line {
    absl::Time time;
    absl::string_view level;  // a literal
    bool call = false;        // a call's line, else a message
    std::string method;       // a call's method, or the message
    std::string ns;
    std::string code;
    std::string reason;
    std::string fault_rule;
    absl::Duration duration;
  };

  void Message(model::LogLevel level, absl::string_view name,
               absl::string_view message);
  void Add(Line line);
  // Appends `line` as text or JSON, with its newline.
  void Format(const Line& line, std::string& out) const;
  // Formats and writes the queue; the caller holds write_mu_.
  void WriteQueued() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void WriterLoop();

  const model::LogFormat format_;
  const model::LogLevel level_;
  const Mode mode_;
  // Held while a batch is taken and written, so batches go out in order.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::ostream* out_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex mu_;
  std::vector<Line> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace customerfake::core

#endif  // CUSTOMER_FAKE_CORE_ACCESS_LOG_H_
