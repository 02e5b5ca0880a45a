// bench-gen-scenario: writes a generated scenario file for the benchmarks
// (into the build folder; generated files are not committed).
//
//   bench-gen-scenario --customers 100000 --out s100k.yaml
//   bench-gen-scenario --customers 1000 --rules mixed --rule_count 100 --out
//   r.yaml
#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/scenario_gen.h"

ABSL_FLAG(uint64_t, customers, 1000, "generated customers");
ABSL_FLAG(std::string, rules, "none",
          "non-matching fault rules: none, method, header, request or mixed");
ABSL_FLAG(int, rule_count, 100, "how many rules");
ABSL_FLAG(std::string, out, "", "the file to write");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  customerfake::bench::RuleKind kind;
  if (!customerfake::bench::ParseRuleKind(absl::GetFlag(FLAGS_rules), &kind) ||
      absl::GetFlag(FLAGS_out).empty()) {
    std::cerr << "bench-gen-scenario: needs --out and a known --rules\n";
    return 2;
  }
  std::ofstream out(absl::GetFlag(FLAGS_out), std::ios::binary);
  customerfake::bench::WriteScenarioYaml(out, absl::GetFlag(FLAGS_customers),
                                         kind, absl::GetFlag(FLAGS_rule_count));
  out.close();
  if (!out) {
    std::cerr << "bench-gen-scenario: cannot write " << absl::GetFlag(FLAGS_out)
              << "\n";
    return 1;
  }
  return 0;
}
