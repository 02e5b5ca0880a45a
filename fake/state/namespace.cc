#include "fake/state/namespace.h"

#include <algorithm>
#include <utility>

#include "fake/errors/errors.h"

namespace customerfake::state {
namespace {

std::shared_ptr<const CustomerStore::Base> EmptyBase() {
  static const auto* const base =
      new std::shared_ptr<const CustomerStore::Base>(
          std::make_shared<const CustomerStore::Base>(
              std::vector<model::CustomerRecord>{}));
  return *base;
}

}  // namespace

Namespace::Namespace(std::string name, std::shared_ptr<const Baseline> baseline,
                     model::NamespaceLimits limits)
    : name_(std::move(name)),
      limits_(limits),
      store_(EmptyBase()),
      ids_(0),
      rules_(0, limits.max_fault_rules),
      journal_(limits.max_journal_entries, limits.max_journal_bytes) {
  absl::MutexLock lock(&mu_);
  baseline_ = std::move(baseline);
  StartFrom(baseline_, /*empty=*/false);
}

void Namespace::StartFrom(std::shared_ptr<const Baseline> baseline,
                          bool empty) {
  const model::Settings& settings = baseline->settings;
  store_ = CustomerStore(empty ? EmptyBase() : baseline->customers);
  // Seeded ids repeat after every reset; unseeded ones are fresh for every
  // namespace and reset, so an id from elsewhere never names a customer here.
  ids_ = !settings.id_seed ? IdGenerator(std::nullopt)
         : empty           ? IdGenerator(settings.id_seed)
                           : baseline->ids;
  rules_.Reset(settings.EffectiveFaultSeed());
  if (!empty) {
    // Scenario rules were validated and counted against the limit on load.
    for (const model::FaultRule& rule : baseline->faults) {
      (void)rules_.Add(rule);
    }
  }
  ++generation_;
  ++revision_;
  baseline_revision_ = empty ? 0 : revision_;
  journal_.Clear();
}

std::shared_ptr<const Baseline> Namespace::baseline() const {
  absl::MutexLock lock(&mu_);
  return baseline_;
}

uint64_t Namespace::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

absl::StatusOr<model::CustomerRecord> Namespace::Get(
    absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  const model::CustomerRecord* record = store_.Find(id);
  if (record == nullptr) return errors::CustomerNotFound(id);
  return *record;
}

absl::StatusOr<model::CustomerRecord> Namespace::Create(
    model::CustomerFields fields) {
  absl::MutexLock lock(&mu_);
  const int64_t limit = baseline_->settings.max_customers;
  if (static_cast<int64_t>(store_.size()) >= limit) {
    return errors::CustomerLimitReached(limit);
  }
  model::CustomerRecord record;
  do {
    record.id = ids_.Next();
  } while (store_.Find(record.id) != nullptr);
  record.fields = std::move(fields);
  store_.Add(record);
  ++revision_;
  return record;
}

absl::StatusOr<model::CustomerRecord> Namespace::Update(
    absl::string_view id, model::CustomerFields fields) {
  absl::MutexLock lock(&mu_);
  model::CustomerRecord* record = store_.FindMutable(id);
  if (record == nullptr) return errors::CustomerNotFound(id);
  record->fields = std::move(fields);
  ++revision_;
  return *record;
}

absl::Status Namespace::Delete(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  if (!store_.Erase(id)) return errors::CustomerNotFound(id);
  ++revision_;
  return absl::OkStatus();
}

absl::Status Namespace::AddFlag(absl::string_view id, absl::string_view flag) {
  absl::MutexLock lock(&mu_);
  const model::CustomerRecord* found = store_.Find(id);
  if (found == nullptr) return errors::CustomerNotFound(id);
  if (std::binary_search(found->flags.begin(), found->flags.end(), flag)) {
    return absl::OkStatus();  // already set: adding is idempotent
  }
  if (found->flags.size() >= limits_.max_customer_flags) {
    return errors::FlagLimitReached(limits_.max_customer_flags);
  }
  std::vector<std::string>& flags = store_.FindMutable(id)->flags;
  flags.insert(std::lower_bound(flags.begin(), flags.end(), flag),
               std::string(flag));
  ++revision_;
  return absl::OkStatus();
}

absl::Status Namespace::RemoveFlag(absl::string_view id,
                                   absl::string_view flag) {
  absl::MutexLock lock(&mu_);
  const model::CustomerRecord* found = store_.Find(id);
  if (found == nullptr) return errors::CustomerNotFound(id);
  if (!std::binary_search(found->flags.begin(), found->flags.end(), flag)) {
    return absl::OkStatus();  // not set: removing is idempotent
  }
  std::vector<std::string>& flags = store_.FindMutable(id)->flags;
  flags.erase(std::lower_bound(flags.begin(), flags.end(), flag));
  ++revision_;
  return absl::OkStatus();
}

size_t Namespace::customer_count() const {
  absl::MutexLock lock(&mu_);
  return store_.size();
}

absl::StatusOr<Namespace::CustomerPage> Namespace::List(
    uint64_t after_key, size_t limit, uint64_t generation,
    size_t max_bytes) const {
  absl::MutexLock lock(&mu_);
  if (generation != generation_) {
    return errors::InvalidPageToken(
        "the namespace was reset or reloaded since it was issued");
  }
  CustomerStore::Page page = store_.List(after_key, limit, max_bytes);
  CustomerPage out;
  out.customers.reserve(page.records.size());
  for (const model::CustomerRecord* record : page.records) {
    out.customers.push_back(*record);
  }
  out.last_key = page.last_key;
  out.more = page.more;
  return out;
}

absl::StatusOr<Namespace::FlagPage> Namespace::ListFlags(
    absl::string_view id, absl::string_view after_flag, size_t limit,
    uint64_t generation) const {
  absl::MutexLock lock(&mu_);
  const model::CustomerRecord* record = store_.Find(id);
  if (record == nullptr) return errors::CustomerNotFound(id);
  if (generation != generation_) {
    return errors::InvalidPageToken(
        "the namespace was reset or reloaded since it was issued");
  }
  FlagPage page;
  auto it = after_flag.empty()
                ? record->flags.begin()
                : std::upper_bound(record->flags.begin(), record->flags.end(),
                                   after_flag);
  for (; it != record->flags.end(); ++it) {
    if (page.flags.size() == limit) {
      page.more = true;
      break;
    }
    page.flags.push_back(*it);
  }
  return page;
}

void Namespace::Reset(bool empty) {
  absl::MutexLock lock(&mu_);
  StartFrom(baseline_, empty);
}

absl::Status Namespace::Load(std::shared_ptr<const Baseline> baseline) {
  if (baseline->faults.size() > limits_.max_fault_rules) {
    return errors::FaultRuleLimitReached(limits_.max_fault_rules);
  }
  absl::MutexLock lock(&mu_);
  baseline_ = std::move(baseline);
  StartFrom(baseline_, /*empty=*/false);
  return absl::OkStatus();
}

model::Scenario Namespace::Export() const {
  absl::MutexLock lock(&mu_);
  return ExportLocked();
}

Namespace::Snapshot Namespace::TakeSnapshot() const {
  absl::MutexLock lock(&mu_);
  const bool state_is_baseline = baseline_revision_ == revision_;
  return {state_is_baseline ? model::Scenario() : ExportLocked(),
          ids_.seed(),
          ids_.drawn(),
          baseline_,
          revision_,
          state_is_baseline};
}

uint64_t Namespace::revision() const {
  absl::MutexLock lock(&mu_);
  return revision_;
}

void Namespace::Restore(std::shared_ptr<const Baseline> baseline,
                        std::shared_ptr<const Baseline> current) {
  absl::MutexLock lock(&mu_);
  baseline_ = std::move(baseline);
  StartFrom(current, /*empty=*/false);
  if (current->customers != baseline_->customers) baseline_revision_ = 0;
  ids_ = current->ids;
}

model::Scenario Namespace::ExportLocked() const {
  model::Scenario scenario;
  scenario.settings = baseline_->settings;
  CustomerStore::Page page = store_.List(0, store_.size());
  scenario.customers.reserve(page.records.size());
  for (const model::CustomerRecord* record : page.records) {
    scenario.customers.push_back(*record);
  }
  for (const model::RuleStatus& status : rules_.List()) {
    scenario.faults.push_back(status.rule);
  }
  return scenario;
}

absl::StatusOr<std::string> Namespace::AddFaultRule(model::FaultRule rule) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::string> id = rules_.Add(std::move(rule));
  if (id.ok()) ++revision_;
  return id;
}

bool Namespace::RemoveFaultRule(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  if (!rules_.Remove(id)) return false;
  ++revision_;
  return true;
}

void Namespace::ClearFaultRules() {
  absl::MutexLock lock(&mu_);
  rules_.Clear();
  ++revision_;
}

std::vector<model::RuleStatus> Namespace::ListFaultRules() const {
  absl::MutexLock lock(&mu_);
  return rules_.List();
}

std::optional<faults::Decision> Namespace::DecideFault(
    const faults::CallView& call) {
  absl::MutexLock lock(&mu_);
  return rules_.Decide(call);
}

bool Namespace::HasFaultRules() const {
  absl::MutexLock lock(&mu_);
  return rules_.size() != 0;
}

}  // namespace customerfake::state
