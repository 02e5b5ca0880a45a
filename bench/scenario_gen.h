// Generated scenarios for the benchmarks: N deterministic, valid customers
// (ids, names, e-mail, language, phone, some flags) with the settings and
// flags of scenarios/default.yaml, and optionally fault rules that never
// match the benchmark's calls.
#ifndef CUSTOMER_FAKE_BENCH_SCENARIO_GEN_H_
#define CUSTOMER_FAKE_BENCH_SCENARIO_GEN_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "fake/model/customer.h"
#include "fake/model/scenario.h"

namespace customerfake::bench {

// Kinds of non-matching fault rules.
enum class RuleKind {
  kNone,
  kMethod,   // on a method the benchmark never calls
  kHeader,   // on a header value the benchmark never sends
  kRequest,  // on GetCustomer with an id the benchmark never asks for
  kMixed,    // the three in turn
};
bool ParseRuleKind(const std::string& name, RuleKind* kind);

// Customer number i (0-based); the same on every run.
model::CustomerRecord GeneratedCustomer(uint64_t i);
// Bytes of customer data: id, the five fields and the flags.
size_t RawBytes(const model::CustomerRecord& customer);

// The scenario as a model, for Fake::Start(FakeOptions.scenario).
model::Scenario GenerateScenario(uint64_t customers);

// The scenario as YAML (one flow mapping per customer).
void WriteScenarioYaml(std::ostream& out, uint64_t customers, RuleKind rules,
                       int rule_count);

}  // namespace customerfake::bench

#endif  // CUSTOMER_FAKE_BENCH_SCENARIO_GEN_H_
