#include "fake/journal/journal.h"

#include <functional>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "fake/model/methods.h"

namespace customerfake::journal {

namespace {

// What an entry costs, roughly: the strings it holds.
size_t EntryBytes(const model::CallRecord& record) {
  size_t bytes = sizeof(model::CallRecord) + record.method.size() +
                 record.request_bytes.size() + record.reason.size() +
                 record.message.size() + record.fault_rule.size();
  for (const auto& [key, value] : record.metadata) {
    bytes += key.size() + value.size();
  }
  return bytes;
}

}  // namespace

// The method's hash, two independent 64-bit hashes of the request and its
// size: 32 bytes, no allocation per call.
Journal::AttemptKey Journal::KeyOf(absl::string_view method,
                                   absl::string_view request_bytes) {
  return {absl::Hash<absl::string_view>{}(method),
          absl::Hash<absl::string_view>{}(request_bytes),
          std::hash<std::string_view>{}(
              std::string_view(request_bytes.data(), request_bytes.size())),
          request_bytes.size()};
}

Journal::Journal(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {}

Journal::Attempt Journal::Arrive(absl::string_view method,
                                 absl::string_view request_bytes,
                                 absl::Time now) {
  const AttemptKey key = KeyOf(method, request_bytes);
  absl::flat_hash_map<AttemptKey, Seen> full;  // freed after the lock
  absl::MutexLock lock(&seen_mu_);
  if (seen_.size() >= max_entries_ && !seen_.contains(key)) full.swap(seen_);
  Seen& seen = seen_[key];
  Attempt attempt;
  attempt.number = ++seen.count;
  if (seen.count > 1) attempt.since_previous = now - seen.last;
  seen.last = now;
  return attempt;
}

void Journal::Record(model::CallRecord record) {
  const size_t bytes = EntryBytes(record);
  // Usually the one oldest entry, freed after the lock.
  absl::InlinedVector<model::CallRecord, 1> dropped;
  absl::MutexLock lock(&mu_);
  record.sequence = next_sequence_++;
  bytes_ += bytes;
  entries_.push_back({std::move(record), bytes});
  while (entries_.size() > max_entries_ ||
         (bytes_ > max_bytes_ && entries_.size() > 1)) {
    bytes_ -= entries_.front().bytes;
    dropped.push_back(std::move(entries_.front().call));
    entries_.pop_front();
  }
}

Journal::Page Journal::List(absl::string_view method, uint64_t after_sequence,
                            size_t limit, bool applied_only) const {
  Page page;
  absl::MutexLock lock(&mu_);
  // Sequences are contiguous, so the first entry after the cursor is found
  // by arithmetic, not by a scan.
  size_t start = 0;
  if (!entries_.empty() && after_sequence >= entries_.front().call.sequence) {
    start = after_sequence - entries_.front().call.sequence + 1;
  }
  for (size_t i = start; i < entries_.size(); ++i) {
    const model::CallRecord& call = entries_[i].call;
    if (!method.empty() && call.method != method &&
        model::ShortMethodName(call.method) != method) {
      continue;
    }
    if (applied_only && !call.applied) continue;
    if (page.calls.size() == limit) {
      page.more = true;
      break;
    }
    page.calls.push_back(call);
  }
  return page;
}

void Journal::Clear() {
  {
    absl::MutexLock lock(&mu_);
    entries_.clear();
    bytes_ = 0;
  }
  absl::MutexLock lock(&seen_mu_);
  seen_.clear();
}

size_t Journal::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

std::optional<absl::Time> Journal::last_arrival() const {
  absl::MutexLock lock(&mu_);
  if (entries_.empty()) return std::nullopt;
  return entries_.back().call.arrival;
}

}  // namespace customerfake::journal
