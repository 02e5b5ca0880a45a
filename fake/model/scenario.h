#ifndef CUSTOMER_FAKE_MODEL_SCENARIO_H_
#define CUSTOMER_FAKE_MODEL_SCENARIO_H_

#include <vector>

#include "fake/model/customer.h"
#include "fake/model/fault_rule.h"
#include "fake/model/settings.h"

namespace customerfake::model {

// A namespace's starting point, as a scenario file describes it. Customers
// may have an empty id: one is generated when the scenario is loaded.
struct Scenario {
  Settings settings;
  std::vector<CustomerRecord> customers;
  std::vector<FaultRule> faults;
};

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_SCENARIO_H_
