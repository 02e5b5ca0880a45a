// Scenario loader: ParseScenario on arbitrary bytes, as a scenario file, the
// --scenario flag or ControlService.LoadScenario hand it over.
//
// Properties beyond "no crash, leak, UB or hang":
// - a refusal is INVALID_ARGUMENT / INVALID_SCENARIO with at least one problem;
// - an accepted scenario written back (WriteScenario, as ExportState does)
//   parses again and writes the same text: the round trip WriteScenario
//   promises.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fake/errors/errors.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fuzz/fuzz_check.h"

namespace sc = customerfake::scenario;
namespace errors = customerfake::errors;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view yaml(reinterpret_cast<const char*>(data), size);
  std::vector<sc::Problem> problems;
  absl::StatusOr<customerfake::model::Scenario> scenario =
      sc::ParseScenario(yaml, "fuzz.yaml", &problems);
  if (!scenario.ok()) {
    const absl::Status& status = scenario.status();
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, "%s",
               status.ToString().c_str());
    FUZZ_CHECK(errors::ReasonOf(status) == errors::kInvalidScenario, "%s",
               status.ToString().c_str());
    FUZZ_CHECK(!problems.empty(), "refused without a problem: %s",
               status.ToString().c_str());
    return 0;
  }
  const std::string written = sc::WriteScenario(*scenario);
  absl::StatusOr<customerfake::model::Scenario> again =
      sc::ParseScenario(written, "written.yaml");
  FUZZ_CHECK(again.ok(),
             "the written scenario is refused: %s\n--- written:\n%s",
             again.status().ToString().c_str(), written.c_str());
  const std::string rewritten = sc::WriteScenario(*again);
  FUZZ_CHECK(rewritten == written,
             "the round trip changed the scenario\n--- written:\n%s\n"
             "--- read back and written:\n%s",
             written.c_str(), rewritten.c_str());
  return 0;
}
