#ifndef CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_
#define CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/model/fault_rule.h"
#include "fake/model/scenario.h"
#include "fake/scenario/yaml_reader.h"

namespace customerfake::scenario {

// Scenarios larger than this are refused before parsing.
inline constexpr size_t kMaxScenarioBytes = 64 << 20;

// Parses scenario YAML. On failure returns INVALID_ARGUMENT (reason
// INVALID_SCENARIO) whose message lists every problem, one per line, as
// "source:line:column: key.path: what is wrong"; `problems` receives them
// when not null. Customer data is checked by CreateCustomer's rules.
absl::StatusOr<model::Scenario> ParseScenario(
    absl::string_view yaml, absl::string_view source,
    std::vector<Problem>* problems = nullptr);

// Reads and parses a scenario file (`source` is its path).
absl::StatusOr<model::Scenario> LoadScenarioFile(const std::string& path);

// Parses one fault rule (an entry of `faults:`), as the control service
// receives it. Fails with INVALID_ARGUMENT (reason INVALID_FAULT_RULE)
// naming every problem.
absl::StatusOr<model::FaultRule> ParseFaultRule(absl::string_view yaml,
                                                absl::string_view source);

// Reads the rule at `node` (key path `key`) into `rule`; false when it has
// problems, which `reader` collects.
bool ReadFaultRule(const YAML::Node& node, const std::string& key,
                   YamlReader& reader, model::FaultRule& rule);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_
