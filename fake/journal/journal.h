#ifndef CUSTOMER_FAKE_JOURNAL_JOURNAL_H_
#define CUSTOMER_FAKE_JOURNAL_JOURNAL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fake/model/call_record.h"

namespace customerfake::journal {

// The bounded call journal of one namespace: the oldest entries are dropped
// first, beyond `max_entries` or `max_bytes` (requests, metadata and
// messages; the newest entry is kept whatever its size). Also counts
// attempts: how often an equal request (same method, same serialized
// request) arrived before, and when the previous one did.
class Journal {
 public:
  Journal(size_t max_entries, size_t max_bytes);

  struct Attempt {
    int number = 1;
    std::optional<absl::Duration> since_previous;
  };
  // Called when a call arrives.
  Attempt Arrive(absl::string_view method, absl::string_view request_bytes,
                 absl::Time now);
  // Called when the call is answered; assigns its sequence number.
  void Record(model::CallRecord record);

  // Entries with sequence > after_sequence whose method matches (full name,
  // short name or empty for all), only applied ones with `applied_only`, at
  // most `limit`.
  struct Page {
    std::vector<model::CallRecord> calls;
    bool more = false;
  };
  Page List(absl::string_view method, uint64_t after_sequence, size_t limit,
            bool applied_only = false) const;
  void Clear();
  size_t size() const;
  // The arrival of the newest entry; nullopt when the journal is empty.
  std::optional<absl::Time> last_arrival() const;

 private:
  // Every call of a namespace passes through both locks, so they are held
  // briefly and apart: entries dropped from the front and a full map of
  // attempts are freed after the lock is released.
  struct Entry {
    model::CallRecord call;
    size_t bytes;  // what it counts against max_bytes
  };
  const size_t max_entries_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;  // the entries
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;  // of entries_
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
  struct Seen {
    int count = 0;
    absl::Time last;
  };
  // A call's method and request, hashed, so a big request is not kept
  // twice.
  struct AttemptKey {
    uint64_t method;
    uint64_t request_a;
    uint64_t request_b;
    uint64_t size;
    bool operator==(const AttemptKey& other) const {
      return method == other.method && request_a == other.request_a &&
             request_b == other.request_b && size == other.size;
    }
    template <typename H>
    friend H AbslHashValue(H h, const AttemptKey& key) {
      return H::combine(std::move(h), key.method, key.request_a, key.request_b,
                        key.size);
    }
  };
  static AttemptKey KeyOf(absl::string_view method,
                          absl::string_view request_bytes);
  // Bounded like the entries: when it grows past max_entries it is emptied,
  // and attempt numbers start again at 1.
  absl::Mutex seen_mu_;
  absl::flat_hash_map<AttemptKey, Seen> seen_ ABSL_GUARDED_BY(seen_mu_);
};

}  // namespace customerfake::journal

#endif  // CUSTOMER_FAKE_JOURNAL_JOURNAL_H_
