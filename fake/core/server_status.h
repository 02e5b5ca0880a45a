#ifndef CUSTOMER_FAKE_CORE_SERVER_STATUS_H_
#define CUSTOMER_FAKE_CORE_SERVER_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace customerfake::core {

// A write of the state file that failed.
struct StateFileFailure {
  // What failed: "create" (the temporary file), "write", "sync" (fsync or
  // close of the temporary file) or "rename" (over the state file).
  std::string operation;
  // The file it failed on: the temporary file beside the state file, or the
  // state file itself for "rename".
  std::string file;
  // The system's text for the error, e.g. "No space left on device".
  std::string error;
  // The whole sentence: "cannot write FILE: ERROR".
  std::string message;
};

// How the state file's writes go.
struct StateFileStatus {
  std::string path;
  // The last write that succeeded in this run; nullopt before the first.
  std::optional<absl::Time> last_written;
  // While writes fail: the latest failure. Cleared by a write that succeeds.
  std::optional<StateFileFailure> failure;
  // The first failed write since the last one that succeeded.
  absl::Time failing_since;
  // The writes that failed since then.
  uint64_t failed_writes = 0;
};

// What the server reports about itself beside serving, for the control
// service's GetServerStatus (and `customer-fake health`): the state file's
// writes. The layer that writes the file reports here.
class ServerStatus {
 public:
  void SetStateFile(std::string path) {
    absl::MutexLock lock(&mu_);
    state_file_.emplace();
    state_file_->path = std::move(path);
  }
  void StateFileWritten(absl::Time at) {
    absl::MutexLock lock(&mu_);
    if (!state_file_) return;
    state_file_->last_written = at;
    state_file_->failure.reset();
    state_file_->failed_writes = 0;
  }
  void StateFileFailed(StateFileFailure failure, absl::Time at) {
    absl::MutexLock lock(&mu_);
    if (!state_file_) return;
    if (!state_file_->failure) state_file_->failing_since = at;
    state_file_->failure = std::move(failure);
    ++state_file_->failed_writes;
  }
  // nullopt without a state file.
  std::optional<StateFileStatus> state_file() const {
    absl::MutexLock lock(&mu_);
    return state_file_;
  }

 private:
  mutable absl::Mutex mu_;
  std::optional<StateFileStatus> state_file_ ABSL_GUARDED_BY(mu_);
};

}  // namespace customerfake::core

#endif  // CUSTOMER_FAKE_CORE_SERVER_STATUS_H_
