#ifndef CUSTOMER_FAKE_STATE_CUSTOMER_STORE_H_
#define CUSTOMER_FAKE_STATE_CUSTOMER_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "fake/model/customer.h"

namespace customerfake::state {

// Customers of one namespace in creation order, copy-on-write over a shared
// immutable base, so that a new namespace costs the same over a baseline of
// ten or a million customers. Not thread-safe: Namespace locks around it.
//
// Every customer has a key, increasing in creation order: base customers
// 1..N, later ones N+1, N+2, ... Pages are keyset ranges over these keys, so
// a page deep in the list costs what the first one does.
class CustomerStore {
 public:
  // The immutable customers a store starts from; shared by all namespaces
  // created from the same baseline.
  class Base {
   public:
    explicit Base(std::vector<model::CustomerRecord> records);
    // The index refers to records_ by address.
    Base(const Base&) = delete;
    Base& operator=(const Base&) = delete;
    const std::vector<model::CustomerRecord>& records() const {
      return records_;
    }
    // Index into records(), or -1.
    int64_t Find(absl::string_view id) const;

   private:
    // Hashes and compares positions in records_ by their ids, and ids
    // themselves, so the index holds 4 bytes per customer rather than a
    // string_view and a position (24).
    struct IdHash {
      using is_transparent = void;
      const std::vector<model::CustomerRecord>* records;
      size_t operator()(absl::string_view id) const;
      size_t operator()(uint32_t i) const { return (*this)((*records)[i].id); }
    };
    struct IdEq {
      using is_transparent = void;
      const std::vector<model::CustomerRecord>* records;
      absl::string_view Id(uint32_t i) const { return (*records)[i].id; }
      absl::string_view Id(absl::string_view id) const { return id; }
      template <typename A, typename B>
      bool operator()(const A& a, const B& b) const {
        return Id(a) == Id(b);
      }
    };

    std::vector<model::CustomerRecord> records_;
    absl::flat_hash_set<uint32_t, IdHash, IdEq> index_;
  };

  explicit CustomerStore(std::shared_ptr<const Base> base);

  size_t size() const { return size_; }
  const model::CustomerRecord* Find(absl::string_view id) const;
  // A writable copy of the customer (copied out of the base on first write).
  model::CustomerRecord* FindMutable(absl::string_view id);
  // Appends a customer whose id is not in the store.
  void Add(model::CustomerRecord record);
  bool Erase(absl::string_view id);

  // Up to `limit` customers with key > after_key, in key order. `last_key` is
  // the key of the last one returned; `more` tells whether any follow.
  struct Page {
    std::vector<const model::CustomerRecord*> records;
    uint64_t last_key = 0;
    bool more = false;
  };
  // At most `limit` records, and fewer when their encoded size would pass
  // `max_bytes` (never none while any is left).
  Page List(uint64_t after_key, size_t limit,
            size_t max_bytes = SIZE_MAX) const;

 private:
  // The record at base index i, nullptr when deleted.
  const model::CustomerRecord* BaseAt(size_t i) const;

  std::shared_ptr<const Base> base_;
  // Changes to base customers by index; nullopt marks a deleted one.
  absl::flat_hash_map<uint32_t, std::optional<model::CustomerRecord>>
      base_changes_;
  // Customers created after the base, by key.
  std::map<uint64_t, model::CustomerRecord> added_;
  absl::flat_hash_map<std::string, uint64_t> added_keys_;
  uint64_t next_key_;
  size_t size_;
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_CUSTOMER_STORE_H_
