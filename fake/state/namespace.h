#ifndef CUSTOMER_FAKE_STATE_NAMESPACE_H_
#define CUSTOMER_FAKE_STATE_NAMESPACE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "fake/faults/rule_set.h"
#include "fake/journal/journal.h"
#include "fake/model/customer.h"
#include "fake/model/limits.h"
#include "fake/model/scenario.h"
#include "fake/state/baseline.h"
#include "fake/state/customer_store.h"
#include "fake/state/id_generator.h"

namespace customerfake::state {

// All state of one namespace: customers and flags, the id sequence, fault
// rules and the call journal. Each operation takes the lock once and copies
// its results out, so no caller ever holds it.
class Namespace {
 public:
  Namespace(std::string name, std::shared_ptr<const Baseline> baseline,
            model::NamespaceLimits limits);

  const std::string& name() const { return name_; }
  // The baseline in force; its settings apply to every call.
  std::shared_ptr<const Baseline> baseline() const;
  // Bumped by Reset and Load: page tokens of another generation are stale.
  uint64_t generation() const;

  // CustomerService operations; fields and flags are validated by the
  // caller, the rest (existence, limits, read-only flags) here.
  absl::StatusOr<model::CustomerRecord> Get(absl::string_view id) const;
  absl::StatusOr<model::CustomerRecord> Create(model::CustomerFields fields);
  absl::StatusOr<model::CustomerRecord> Update(absl::string_view id,
                                               model::CustomerFields fields);
  absl::Status Delete(absl::string_view id);
  absl::Status AddFlag(absl::string_view id, absl::string_view flag);
  absl::Status RemoveFlag(absl::string_view id, absl::string_view flag);

  struct CustomerPage {
    std::vector<model::CustomerRecord> customers;
    uint64_t last_key = 0;
    bool more = false;
  };
  size_t customer_count() const;
  // Fails with INVALID_PAGE_TOKEN when `generation` is no longer current.
  // A page stops early rather than pass `max_bytes` (see CustomerStore).
  absl::StatusOr<CustomerPage> List(uint64_t after_key, size_t limit,
                                    uint64_t generation,
                                    size_t max_bytes = SIZE_MAX) const;
  struct FlagPage {
    std::vector<std::string> flags;
    bool more = false;
  };
  absl::StatusOr<FlagPage> ListFlags(absl::string_view id,
                                     absl::string_view after_flag, size_t limit,
                                     uint64_t generation) const;

  // Control operations.
  void Reset(bool empty);
  // Makes `baseline` this namespace's baseline and state.
  absl::Status Load(std::shared_ptr<const Baseline> baseline);
  model::Scenario Export() const;

  // Everything a restart needs to carry on: the state, the id sequence and
  // the baseline in force. `revision` grows with every change.
  struct Snapshot {
    model::Scenario state;  // empty when state_is_baseline
    uint64_t id_seed = 0;
    uint64_t ids_drawn = 0;
    std::shared_ptr<const Baseline> baseline;
    uint64_t revision = 0;
    // Nothing changed since the state was the baseline's (a load, a reset,
    // a restore of such a state): its customers are not copied out.
    bool state_is_baseline = false;
  };
  Snapshot TakeSnapshot() const;
  uint64_t revision() const;
  // Makes `baseline` the baseline in force and `current` (its customers,
  // rules and id sequence) the state: the inverse of TakeSnapshot. The state
  // is the baseline's when `current` shares the baseline's customers.
  void Restore(std::shared_ptr<const Baseline> baseline,
               std::shared_ptr<const Baseline> current);

  absl::StatusOr<std::string> AddFaultRule(model::FaultRule rule);
  bool RemoveFaultRule(absl::string_view id);
  void ClearFaultRules();
  std::vector<model::RuleStatus> ListFaultRules() const;
  // The fault outcome for a call; nullopt when no rule takes it.
  std::optional<faults::Decision> DecideFault(const faults::CallView& call);
  bool HasFaultRules() const;

  journal::Journal& journal() { return journal_; }

 private:
  // Replaces the whole state with `baseline`'s (or an empty one).
  void StartFrom(std::shared_ptr<const Baseline> baseline, bool empty)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  model::Scenario ExportLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string name_;
  const model::NamespaceLimits limits_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Baseline> baseline_ ABSL_GUARDED_BY(mu_);
  CustomerStore store_ ABSL_GUARDED_BY(mu_);
  IdGenerator ids_ ABSL_GUARDED_BY(mu_);
  faults::RuleSet rules_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  // The revision at which the state was its baseline's; 0 when it has not
  // been since the last empty reset.
  uint64_t baseline_revision_ ABSL_GUARDED_BY(mu_) = 0;
  journal::Journal journal_;
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_NAMESPACE_H_
