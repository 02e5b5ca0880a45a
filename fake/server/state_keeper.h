#ifndef CUSTOMER_FAKE_SERVER_STATE_KEEPER_H_
#define CUSTOMER_FAKE_SERVER_STATE_KEEPER_H_

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace customerfake::core {
class Core;
}  // namespace customerfake::core

namespace customerfake {

// Keeps a fake's namespaces in a state file across restarts: reads it at
// start, writes it while the state changes and once more at shutdown. Each
// write goes to a temporary file renamed over the old one, so the file is
// always a whole state, the last one or the one before. The OAuth token
// endpoint's tokens are kept too, until they expire.
//
// Ids: a write while the fake runs records each id sequence kIdReserve ids
// ahead of where it is, so a fake restarted on that file after a crash never
// hands out again an id it answered after the write (an id a client may have
// kept); the final write at shutdown records where each sequence is, so a
// clean restart continues it exactly. A restart marks the file it restored
// `resumed` before the first call, in place (a few bytes, not the whole
// state again); a restore of a file so marked, after a crash that left no
// later write, resumes each sequence kIdReserve ahead.
class StateKeeper {
 public:
  StateKeeper(core::Core& core, std::string path, absl::Duration interval);
  ~StateKeeper();  // stops the periodic writes, without a final one

  // Restores the namespaces the file holds; `restored` tells whether there
  // was a file. A file that cannot be read or used is an error (the server
  // must not start empty in its place): FAILED_PRECONDITION when unreadable,
  // INVALID_ARGUMENT naming every problem when corrupt, or the first limit
  // it is over. ReserveIds comes next.
  absl::Status Restore(bool* restored);
  // Before the first call: marks the restored file resumed, or writes the
  // state with its ids reserved ahead when it cannot (no file restored, an
  // older file without the mark, one already marked, or the folder or file
  // cannot be written, which then is the error). A path that cannot be
  // written fails here, not at the first change.
  absl::Status ReserveIds();
  // Writes the file while the state changes, so that each change is on
  // disk within `interval` of when it was made (it checks every half
  // interval; a write that takes longer than that is logged once).
  void Start();
  // Stops the periodic writes and writes the final state.
  absl::Status Stop();
  // Writes the state now if it changed since the last write (or the last
  // write reserved ids ahead and this is the one after Stop).
  absl::Status Save();
  // Save, logging a failure once until the next success (a full disk is
  // not logged at every write), and the success that ends it. Every write
  // reports to the core's ServerStatus, for GetServerStatus and `health`.
  void SaveAndLog();

  // How far ahead of each id sequence a write while running records it:
  // more customers than a namespace creates between two writes.
  static constexpr uint64_t kIdReserve = 65536;

 private:
  // What has changed: the registry's, the issued tokens' and each
  // namespace's revision.
  struct Revisions {
    uint64_t registry = 0;
    uint64_t tokens = 0;
    std::vector<uint64_t> namespaces;
    bool operator==(const Revisions& other) const {
      return registry == other.registry && tokens == other.tokens &&
             namespaces == other.namespaces;
    }
  };
  Revisions CurrentRevisions() const;
  // Overwrites the restored file's `resumed: false` in place; false when it
  // cannot.
  bool MarkResumed();
  void Run();
  absl::Status Write(bool log);

  core::Core& core_;
  const std::string path_;
  const absl::Duration interval_;
  absl::Mutex save_mu_;  // one write at a time
  Revisions saved_ ABSL_GUARDED_BY(save_mu_);
  bool saved_once_ ABSL_GUARDED_BY(save_mu_) = false;
  // Whether the last write recorded the sequences kIdReserve ahead.
  bool saved_reserved_ ABSL_GUARDED_BY(save_mu_) = false;
  // A failure was logged and no write has succeeded since.
  bool failure_logged_ ABSL_GUARDED_BY(save_mu_) = false;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // A write took more than half the interval; said once.
  bool slow_logged_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
  // Set by Restore for ReserveIds, both before Start: the file read, and
  // where its `resumed: false` is (npos: none to mark).
  struct stat restored_file_ = {};
  size_t resumed_offset_ = std::string::npos;
};

}  // namespace customerfake

#endif  // CUSTOMER_FAKE_SERVER_STATE_KEEPER_H_
