#include "fake/journal/journal.h"

#include <functional>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
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

// Method and a 128-bit hash of the request: two independent 64-bit hashes.
std::string AttemptKey(absl::string_view method,
                       absl::string_view request_bytes) {
  const uint64_t a = absl::Hash<absl::string_view>{}(request_bytes);
  const uint64_t b = std::hash<std::string_view>{}(
      std::string_view(request_bytes.data(), request_bytes.size()));
  return absl::StrCat(method, "\n", absl::Hex(a, absl::kZeroPad16),
                      absl::Hex(b, absl::kZeroPad16), ":",
                      request_bytes.size());
}

}  // namespace

Journal::Journal(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {}

Journal::Attempt Journal::Arrive(absl::string_view method,
                                 absl::string_view request_bytes,
                                 absl::Time now) {
  std::string key = AttemptKey(method, request_bytes);
  absl::MutexLock lock(&mu_);
  if (seen_.size() >= max_entries_ && !seen_.contains(key)) seen_.clear();
  Seen& seen = seen_[key];
  Attempt attempt;
  attempt.number = ++seen.count;
  if (seen.count > 1) attempt.since_previous = now - seen.last;
  seen.last = now;
  return attempt;
}

void Journal::Record(model::CallRecord record) {
  absl::MutexLock lock(&mu_);
  record.sequence = next_sequence_++;
  bytes_ += EntryBytes(record);
  entries_.push_back(std::move(record));
  while (entries_.size() > max_entries_ ||
         (bytes_ > max_bytes_ && entries_.size() > 1)) {
    bytes_ -= EntryBytes(entries_.front());
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
  if (!entries_.empty() && after_sequence >= entries_.front().sequence) {
    start = after_sequence - entries_.front().sequence + 1;
  }
  for (size_t i = start; i < entries_.size(); ++i) {
    const model::CallRecord& call = entries_[i];
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
  absl::MutexLock lock(&mu_);
  entries_.clear();
  bytes_ = 0;
  seen_.clear();
}

size_t Journal::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

std::optional<absl::Time> Journal::last_arrival() const {
  absl::MutexLock lock(&mu_);
  if (entries_.empty()) return std::nullopt;
  return entries_.back().arrival;
}

}  // namespace customerfake::journal
