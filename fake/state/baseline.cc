#include "fake/state/baseline.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace customerfake::state {

std::shared_ptr<const Baseline> MakeBaseline(model::Scenario scenario) {
  IdGenerator ids(scenario.settings.id_seed);
  return MakeBaseline(std::move(scenario), std::move(ids));
}

std::shared_ptr<const Baseline> MakeBaseline(model::Scenario scenario,
                                             IdGenerator ids) {
  std::vector<model::CustomerRecord>& customers = scenario.customers;
  if (std::any_of(customers.begin(), customers.end(),
                  [](const auto& customer) { return customer.id.empty(); })) {
    // Views of the records' own ids: the vector does not grow here.
    absl::flat_hash_set<absl::string_view> used;
    used.reserve(customers.size());
    for (const model::CustomerRecord& customer : customers) {
      if (!customer.id.empty()) used.insert(customer.id);
    }
    for (model::CustomerRecord& customer : customers) {
      if (!customer.id.empty()) continue;
      do {
        customer.id = ids.Next();
      } while (!used.insert(customer.id).second);
    }
  }
  return std::make_shared<const Baseline>(
      Baseline{std::move(scenario.settings),
               std::make_shared<const CustomerStore::Base>(
                   std::move(scenario.customers)),
               std::move(scenario.faults), std::move(ids)});
}

model::Scenario BaselineScenario(const Baseline& baseline) {
  return {baseline.settings, baseline.customers->records(), baseline.faults};
}

std::shared_ptr<const Baseline> EmptyBaseline(const model::Settings& settings) {
  model::Scenario scenario;
  scenario.settings = settings;
  return MakeBaseline(std::move(scenario));
}

}  // namespace customerfake::state
