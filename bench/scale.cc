// bench-scale: what a large baseline costs. Run once per size, in a fresh
// process, so memory figures are this size's alone.
//
//   --mode start --scenario FILE   Fake::Start from a generated file
//   --mode start                   Fake::Start from FakeOptions.scenario
//                                  (Start writes it as YAML and parses it)
//   --mode direct                  the state layer only: MakeBaseline and a
//                                  Core, calls through the handlers; the path
//                                  that is left when Start refuses a size
//   --mode breakdown [--scenario FILE]
//                                  the stages of a load, one by one
//   --mode state --state FILE      the stages of a state file's restore:
//                                  reading, ParseState, MakeBaseline; and
//                                  WriteState of what was read
//
// start and direct report the load time, heap and resident memory per
// customer against the raw bytes of customer data, ListCustomers latency of
// the first vs. the last page (50 a page), and the first call in a new
// namespace over this baseline vs. over an empty one.
#include <malloc.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "bench/common.h"
#include "bench/scale_targets.h"
#include "bench/scenario_gen.h"
#include "fake/core/core.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/scenario/state_file.h"
#include "fake/scenario/yaml_tree.h"
#include "fake/server/fake.h"
#include "fake/state/baseline.h"

ABSL_FLAG(uint64_t, customers, 100000, "customers in the baseline");
ABSL_FLAG(std::string, mode, "start", "start, direct, breakdown or state");
ABSL_FLAG(std::string, state, "", "state: a state file (serve --state-file)");
ABSL_FLAG(std::string, scenario, "",
          "a generated scenario file; empty: generate in code");
ABSL_FLAG(int, repeats, 200, "calls per latency figure");
ABSL_FLAG(bool, yaml_load, true, "breakdown: also time the YAML parse alone");
ABSL_FLAG(uint64_t, max_scenario_bytes, 64 << 20,
          "the scenario size limit (serve's --max-scenario-bytes)");
ABSL_FLAG(int64_t, max_customers, 100000,
          "customers of a scenario without settings.max_customers "
          "(serve's --max-customers)");

namespace customerfake::bench {
namespace {

double Seconds(int64_t since) { return (NowNs() - since) / 1e9; }

std::unique_ptr<Fake> StartOrDie(FakeOptions options) {
  auto fake = Fake::Start(std::move(options));
  if (!fake.ok()) {
    std::cerr << "bench-scale: Fake::Start: " << fake.status() << "\n";
    std::exit(1);
  }
  return *std::move(fake);
}

int Breakdown(uint64_t n, const std::string& file) {
  Result result("scale_breakdown");
  result.Add("customers", n).Add("source", file.empty() ? "code" : "file");
  std::string yaml;
  int64_t t = NowNs();
  if (file.empty()) {
    model::Scenario scenario = GenerateScenario(n);
    result.Add("generate_s", Seconds(t));
    t = NowNs();
    yaml = scenario::WriteScenario(scenario);
    result.Add("write_yaml_s", Seconds(t));
  } else {
    std::ifstream in(file, std::ios::binary);
    yaml.assign(std::istreambuf_iterator<char>(in), {});
    result.Add("read_file_s", Seconds(t));
  }
  const bool fits = yaml.size() <= absl::GetFlag(FLAGS_max_scenario_bytes);
  result.Add("yaml_bytes", yaml.size()).Add("yaml_fits_limit", fits ? 1 : 0);
  if (absl::GetFlag(FLAGS_yaml_load)) {
    // The first parse in a process also pays the page faults of the memory
    // it takes; the warm one, like the ParseScenario after it, reuses it.
    scenario::yaml::SyntaxError error;
    t = NowNs();
    scenario::yaml::Document::Parse(yaml, &error);
    result.Add("yaml_parse_cold_s", Seconds(t));
    t = NowNs();
    scenario::yaml::Document::Parse(yaml, &error);
    result.Add("yaml_parse_s", Seconds(t));
  }
  model::ScenarioLimits limits;
  limits.max_bytes = absl::GetFlag(FLAGS_max_scenario_bytes);
  limits.default_max_customers = absl::GetFlag(FLAGS_max_customers);
  if (fits) {  // ParseScenario refuses larger text without parsing it
    t = NowNs();
    auto parsed = scenario::ParseScenario(yaml, "bench", nullptr, limits);
    result.Add("parse_scenario_s", Seconds(t));
    if (parsed.ok()) {
      t = NowNs();
      auto baseline = state::MakeBaseline(*std::move(parsed));
      result.Add("make_baseline_s", Seconds(t));
    }
  }
  result.Print();
  return 0;
}

int StateStages(const std::string& path) {
  Result result("scale_state");
  const int64_t rss0 = ResidentBytes();
  int64_t t = NowNs();
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  result.Add("state_bytes", text.size()).Add("read_file_s", Seconds(t));
  t = NowNs();
  auto saved = scenario::ParseState(text, path);
  result.Add("parse_state_s", Seconds(t));
  if (!saved.ok()) {
    std::string message(saved.status().message().substr(0, 200));
    result.Add("error", message).Print();
    return 0;
  }
  std::string().swap(text);
  t = NowNs();
  const size_t written = scenario::WriteState(*saved).size();
  result.Add("write_state_s", Seconds(t)).Add("written_bytes", written);
  t = NowNs();
  std::vector<std::shared_ptr<const state::Baseline>> kept;
  size_t customers = 0;
  for (scenario::SavedNamespace& ns : *saved) {
    customers += ns.state_is_baseline ? ns.baseline->customers.size()
                                      : ns.state.customers.size();
    if (ns.baseline) {
      kept.push_back(state::MakeBaseline(*std::move(ns.baseline)));
    }
    // A state that is its baseline shares it, as StateKeeper::Restore does.
    if (!ns.state_is_baseline) {
      kept.push_back(state::MakeBaseline(std::move(ns.state)));
    }
  }
  saved->clear();
  result.Add("namespaces", kept.size())
      .Add("state_customers", customers)
      .Add("make_baselines_s", Seconds(t))
      .Add("rss_after_mib", (ResidentBytes() - rss0) / 1048576.0)
      .Add("peak_rss_mib", PeakResidentBytes() / 1048576.0);
  result.Print();
  std::_Exit(0);
}

int Run() {
  const uint64_t n = absl::GetFlag(FLAGS_customers);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const std::string file = absl::GetFlag(FLAGS_scenario);
  const int repeats = absl::GetFlag(FLAGS_repeats);
  if (mode == "breakdown") return Breakdown(n, file);
  if (mode == "state") return StateStages(absl::GetFlag(FLAGS_state));
  const bool direct = mode == "direct";
  if (!direct && mode != "start") {
    std::cerr << "bench-scale: --mode is start, direct or breakdown\n";
    return 2;
  }

  // The empty reference first, so gRPC's and the fake's fixed memory are in
  // the reference; it is also the empty baseline for new namespaces.
  std::unique_ptr<Fake> empty_fake;
  std::unique_ptr<core::Core> empty_core;
  std::unique_ptr<Target> empty;
  if (direct) {
    empty_core = std::make_unique<core::Core>(
        state::MakeBaseline(GenerateScenario(0)), core::CoreOptions{});
    empty = DirectTarget(*empty_core);
  } else {
    empty_fake = StartOrDie(FakeOptions{});
    empty = GrpcTarget(*empty_fake);
  }
  empty->Get("warm-up");
  malloc_trim(0);
  const int64_t heap0 = HeapInUseBytes();
  const int64_t rss0 = ResidentBytes();

  size_t raw = 0;
  for (uint64_t i = 0; i < n; ++i) raw += RawBytes(GeneratedCustomer(i));
  Result result("scale");
  result.Add("customers", n)
      .Add("mode", mode)
      .Add("source", file.empty() ? "code" : "file");
  std::unique_ptr<Fake> fake;
  std::unique_ptr<core::Core> big_core;
  std::unique_ptr<Target> big;
  int64_t t = NowNs();
  if (direct) {
    model::Scenario scenario = GenerateScenario(n);
    result.Add("generate_s", Seconds(t));
    t = NowNs();
    big_core = std::make_unique<core::Core>(
        state::MakeBaseline(std::move(scenario)), core::CoreOptions{});
    result.Add("load_s", Seconds(t));
    big = DirectTarget(*big_core);
  } else {
    FakeOptions options;
    options.max_scenario_bytes = absl::GetFlag(FLAGS_max_scenario_bytes);
    options.max_customers = absl::GetFlag(FLAGS_max_customers);
    if (file.empty()) {
      options.scenario = GenerateScenario(n);
      result.Add("generate_s", Seconds(t));
    } else {
      options.scenario_file = file;
    }
    t = NowNs();
    auto started = Fake::Start(std::move(options));
    result.Add("load_s", Seconds(t));
    if (!started.ok()) {
      // Reported, not fatal: a size the fake refuses is a finding.
      std::string message(started.status().message().substr(0, 200));
      result.Add("error", message).Print();
      std::_Exit(0);
    }
    fake = *std::move(started);
    big = GrpcTarget(*fake);
  }
  const int64_t heap1 = HeapInUseBytes();
  const int64_t rss1 = ResidentBytes();
  malloc_trim(0);
  const int64_t rss1_trimmed = ResidentBytes();
  const double per = n ? 1.0 / n : 0;
  const double raw_per = raw * per;
  const double heap_per = (heap1 - heap0) * per;
  const double rss_per = (rss1_trimmed - rss0) * per;
  result.Add("raw_bytes_per_customer", raw_per)
      .Add("heap_bytes_per_customer", heap_per)
      .Add("rss_bytes_per_customer", rss_per)
      .Add("rss_untrimmed_bytes_per_customer", (rss1 - rss0) * per)
      .Add("heap_overhead_per_customer", heap_per - raw_per)
      .Add("rss_overhead_per_customer", rss_per - raw_per)
      .Add("rss_mib", rss1_trimmed / 1048576.0)
      .Add("peak_rss_mib", PeakResidentBytes() / 1048576.0);

  MeasureFirstVsLastPage(*big, n, repeats, result);
  MeasureNewNamespace(*big, *empty, repeats, result);
  result.Print();
  std::_Exit(0);  // tearing down a million customers is not measured
}

}  // namespace
}  // namespace customerfake::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return customerfake::bench::Run();
}
