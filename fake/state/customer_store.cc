#include "fake/state/customer_store.h"

#include <utility>

#include "absl/hash/hash.h"

namespace customerfake::state {

size_t CustomerStore::Base::IdHash::operator()(absl::string_view id) const {
  return absl::Hash<absl::string_view>()(id);
}

CustomerStore::Base::Base(std::vector<model::CustomerRecord> records)
    : records_(std::move(records)),
      index_(records_.size(), IdHash{&records_}, IdEq{&records_}) {
  for (uint32_t i = 0; i < records_.size(); ++i) index_.insert(i);
}

int64_t CustomerStore::Base::Find(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : static_cast<int64_t>(*it);
}

CustomerStore::CustomerStore(std::shared_ptr<const Base> base)
    : base_(std::move(base)),
      next_key_(base_->records().size() + 1),
      size_(base_->records().size()) {}

const model::CustomerRecord* CustomerStore::BaseAt(size_t i) const {
  auto change = base_changes_.find(static_cast<uint32_t>(i));
  if (change == base_changes_.end()) return &base_->records()[i];
  return change->second ? &*change->second : nullptr;
}

const model::CustomerRecord* CustomerStore::Find(absl::string_view id) const {
  int64_t i = base_->Find(id);
  if (i >= 0) return BaseAt(i);
  auto key = added_keys_.find(id);
  return key == added_keys_.end() ? nullptr : &added_.at(key->second);
}

model::CustomerRecord* CustomerStore::FindMutable(absl::string_view id) {
  int64_t i = base_->Find(id);
  if (i >= 0) {
    auto [change, inserted] =
        base_changes_.try_emplace(static_cast<uint32_t>(i));
    if (inserted) change->second = base_->records()[i];
    return change->second ? &*change->second : nullptr;
  }
  auto key = added_keys_.find(id);
  return key == added_keys_.end() ? nullptr : &added_.at(key->second);
}

void CustomerStore::Add(model::CustomerRecord record) {
  uint64_t key = next_key_++;
  added_keys_.emplace(record.id, key);
  added_.emplace(key, std::move(record));
  ++size_;
}

bool CustomerStore::Erase(absl::string_view id) {
  int64_t i = base_->Find(id);
  if (i >= 0) {
    auto [change, inserted] =
        base_changes_.try_emplace(static_cast<uint32_t>(i));
    if (!inserted && !change->second) return false;
    change->second.reset();
  } else {
    auto key = added_keys_.find(id);
    if (key == added_keys_.end()) return false;
    added_.erase(key->second);
    added_keys_.erase(key);
  }
  --size_;
  return true;
}

namespace {

// A record's size in a ListCustomersResponse, near enough: its strings and
// a few bytes of tags and lengths for each.
size_t EncodedBytes(const model::CustomerRecord& record) {
  const model::CustomerFields& f = record.fields;
  return record.id.size() + f.given_name.size() + f.family_name.size() +
         f.email_address.size() + f.language_code.size() +
         f.phone_number.size() + 24;
}

}  // namespace

CustomerStore::Page CustomerStore::List(uint64_t after_key, size_t limit,
                                        size_t max_bytes) const {
  Page page;
  page.last_key = after_key;
  size_t bytes = 0;
  // True when `record` still fits the page.
  auto fits = [&](const model::CustomerRecord& record) {
    if (page.records.size() == limit) return false;
    bytes += EncodedBytes(record);
    return page.records.empty() || bytes <= max_bytes;
  };
  const size_t base_size = base_->records().size();
  // Base customers have keys 1..base_size.
  for (uint64_t key = after_key + 1; key <= base_size; ++key) {
    const model::CustomerRecord* record = BaseAt(key - 1);
    if (record == nullptr) continue;
    if (!fits(*record)) {
      page.more = true;
      return page;
    }
    page.records.push_back(record);
    page.last_key = key;
  }
  for (auto it = added_.upper_bound(after_key); it != added_.end(); ++it) {
    if (!fits(it->second)) {
      page.more = true;
      return page;
    }
    page.records.push_back(&it->second);
    page.last_key = it->first;
  }
  return page;
}

}  // namespace customerfake::state
