#include "fake/state/registry.h"

#include <algorithm>
#include <utility>

#include "fake/errors/errors.h"
#include "fake/model/names.h"

namespace customerfake::state {

NamespaceRegistry::NamespaceRegistry(std::shared_ptr<const Baseline> baseline,
                                     size_t max_namespaces,
                                     model::NamespaceLimits limits)
    : baseline_(std::move(baseline)),
      max_namespaces_(max_namespaces),
      limits_(limits) {}

absl::StatusOr<std::shared_ptr<Namespace>> NamespaceRegistry::GetOrCreate(
    absl::string_view name) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = namespaces_.find(name);
    if (it != namespaces_.end()) return it->second;
  }
  if (!model::IsValidNamespaceName(name)) return errors::InvalidNamespace(name);
  // Built outside the lock; cheap, since it shares the baseline.
  auto created =
      std::make_shared<Namespace>(std::string(name), baseline_, limits_);
  absl::MutexLock lock(&mu_);
  auto it = namespaces_.find(name);
  if (it != namespaces_.end()) return it->second;  // lost a creation race
  if (namespaces_.size() >= max_namespaces_) {
    return errors::NamespaceLimitReached(max_namespaces_);
  }
  namespaces_.emplace(std::string(name), created);
  ++revision_;
  return created;
}

absl::StatusOr<std::shared_ptr<const Baseline>> NamespaceRegistry::BaselineOf(
    absl::string_view name) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = namespaces_.find(name);
    if (it != namespaces_.end()) return it->second->baseline();
  }
  if (!model::IsValidNamespaceName(name)) return errors::InvalidNamespace(name);
  return baseline_;
}

bool NamespaceRegistry::Delete(absl::string_view name) {
  std::shared_ptr<Namespace> dropped;  // destroyed outside the lock
  absl::MutexLock lock(&mu_);
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return false;
  dropped = std::move(it->second);
  namespaces_.erase(it);
  ++revision_;
  return true;
}

std::vector<std::string> NamespaceRegistry::Names() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, ns] : namespaces_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::shared_ptr<Namespace>> NamespaceRegistry::All() const {
  std::vector<std::shared_ptr<Namespace>> all;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, ns] : namespaces_) all.push_back(ns);
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  return all;
}

uint64_t NamespaceRegistry::revision() const {
  absl::ReaderMutexLock lock(&mu_);
  return revision_;
}

}  // namespace customerfake::state
