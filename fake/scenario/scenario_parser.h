#ifndef CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_
#define CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/model/fault_rule.h"
#include "fake/model/limits.h"
#include "fake/model/scenario.h"
#include "fake/scenario/yaml_reader.h"

namespace customerfake::scenario {

// A fault rule's `response` may expand to at most this much JSON. Aliases
// can repeat an anchor exponentially ("billion laughs"), so the expansion
// is counted, not the text.
inline constexpr size_t kMaxResponseJsonBytes = 1 << 20;

using model::ScenarioLimits;

// Parses scenario YAML. On failure returns INVALID_ARGUMENT (reason
// INVALID_SCENARIO) whose message lists the problems, one per line, as
// "source:line:column: key.path: what is wrong", as many as fit in an error
// message (errors::kMaxErrorMessageBytes); `problems` receives all of them
// (up to kMaxProblems) when not null. Customer data is checked by
// CreateCustomer's rules. Text over limits.max_bytes is RESOURCE_EXHAUSTED
// (reason SCENARIO_TOO_LARGE), refused before parsing.
absl::StatusOr<model::Scenario> ParseScenario(
    absl::string_view yaml, absl::string_view source,
    std::vector<Problem>* problems = nullptr,
    const ScenarioLimits& limits = {});

// Reads and parses a scenario file (`source` is its path). NOT_FOUND when
// it cannot be read; a file over limits.max_bytes is not read.
absl::StatusOr<model::Scenario> LoadScenarioFile(
    const std::string& path, std::vector<Problem>* problems = nullptr,
    const ScenarioLimits& limits = {});

// Parses one fault rule (an entry of `faults:`), as the control service
// receives it. Fails with INVALID_ARGUMENT (reason INVALID_FAULT_RULE)
// naming every problem.
absl::StatusOr<model::FaultRule> ParseFaultRule(absl::string_view yaml,
                                                absl::string_view source);

// Reads the rule at `node` (key path `key`) into `rule`; false when it has
// problems, which `reader` collects.
bool ReadFaultRule(const yaml::Node& node, const std::string& key,
                   YamlReader& reader, model::FaultRule& rule);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_SCENARIO_PARSER_H_
