#ifndef CUSTOMER_FAKE_STATE_REGISTRY_H_
#define CUSTOMER_FAKE_STATE_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "fake/state/baseline.h"
#include "fake/state/namespace.h"

namespace customerfake::state {

// The namespaces of one fake. A namespace is created on first use as a copy
// of the server's baseline; the copy shares the baseline's customers until it
// writes, so creating one costs the same whatever the baseline's size.
class NamespaceRegistry {
 public:
  NamespaceRegistry(std::shared_ptr<const Baseline> baseline,
                    size_t max_namespaces, model::NamespaceLimits limits);

  // INVALID_ARGUMENT for a bad name; RESOURCE_EXHAUSTED when full.
  absl::StatusOr<std::shared_ptr<Namespace>> GetOrCreate(
      absl::string_view name);
  // The baseline a namespace of that name has, or would start from, without
  // creating it. INVALID_ARGUMENT for a bad name.
  absl::StatusOr<std::shared_ptr<const Baseline>> BaselineOf(
      absl::string_view name) const;
  // Drops the namespace; false when there was none.
  bool Delete(absl::string_view name);
  std::vector<std::string> Names() const;
  // Every namespace, by name.
  std::vector<std::shared_ptr<Namespace>> All() const;
  // Grows whenever a namespace is created or dropped.
  uint64_t revision() const;
  std::shared_ptr<const Baseline> baseline() const { return baseline_; }
  size_t max_namespaces() const { return max_namespaces_; }
  const model::NamespaceLimits& limits() const { return limits_; }

 private:
  const std::shared_ptr<const Baseline> baseline_;
  const size_t max_namespaces_;
  const model::NamespaceLimits limits_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Namespace>> namespaces_
      ABSL_GUARDED_BY(mu_);
  uint64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_REGISTRY_H_
