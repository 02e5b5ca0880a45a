#ifndef CUSTOMER_FAKE_SCENARIO_SCENARIO_WRITER_H_
#define CUSTOMER_FAKE_SCENARIO_SCENARIO_WRITER_H_

#include <string>

#include "fake/model/fault_rule.h"
#include "fake/model/scenario.h"

namespace customerfake::scenario {

// Scenario YAML that ParseScenario reads back to an equal scenario: every
// setting spelled out, customers with their ids and flags, fault rules.
std::string WriteScenario(const model::Scenario& scenario);

// One fault rule as YAML (a `faults:` entry).
std::string WriteFaultRule(const model::FaultRule& rule);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_SCENARIO_WRITER_H_
