#ifndef CUSTOMER_FAKE_STATE_BASELINE_H_
#define CUSTOMER_FAKE_STATE_BASELINE_H_

#include <memory>
#include <vector>

#include "fake/model/fault_rule.h"
#include "fake/model/scenario.h"
#include "fake/model/settings.h"
#include "fake/state/customer_store.h"
#include "fake/state/id_generator.h"

namespace customerfake::state {

// A loaded scenario, immutable and shared by every namespace that starts from
// it: Reset returns a namespace to its baseline.
struct Baseline {
  model::Settings settings;
  std::shared_ptr<const CustomerStore::Base> customers;
  std::vector<model::FaultRule> faults;
  // The id sequence as it stands after the ids generated for the scenario's
  // customers that had none, so later ids continue it deterministically.
  IdGenerator ids;
};

// Builds a baseline from a validated scenario, generating missing ids.
std::shared_ptr<const Baseline> MakeBaseline(model::Scenario scenario);

// The same, drawing missing ids from `ids` rather than from a generator
// fresh from the seed: how a saved baseline resumes its id sequence.
std::shared_ptr<const Baseline> MakeBaseline(model::Scenario scenario,
                                             IdGenerator ids);

// The scenario a baseline holds, every customer with its id.
model::Scenario BaselineScenario(const Baseline& baseline);

// The baseline `settings` with no customers and no rules.
std::shared_ptr<const Baseline> EmptyBaseline(const model::Settings& settings);

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_BASELINE_H_
