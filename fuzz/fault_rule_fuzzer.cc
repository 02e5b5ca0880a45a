// Fault-rule parsing: the two ways a rule reaches the fake from outside.
// - The bytes as YAML text: ParseFaultRule, as for AddFaultRule's `yaml`,
//   `customer-fake fault add` and Control::AddFaultRuleYaml.
// - The bytes as a serialized customerfake.control.v1.FaultRule, when they
//   parse as one: converted as ControlService::AddFaultRule converts a
//   structured rule (its JSON form with proto field names, read by the same
//   YAML reader).
//
// Properties beyond "no crash, leak, UB or hang":
// - a refusal is INVALID_ARGUMENT / INVALID_FAULT_RULE;
// - an accepted rule passes ValidateRule, is taken by a RuleSet, and written
//   back (WriteFaultRule, as ExportState does) parses to the same text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "customerfake/control/v1/control.pb.h"
#include "fake/errors/errors.h"
#include "fake/faults/rule_set.h"
#include "fake/model/fault_rule.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/json_util.h"

namespace {

namespace sc = customerfake::scenario;
namespace errors = customerfake::errors;
namespace faults = customerfake::faults;
namespace model = customerfake::model;

void CheckRule(absl::string_view yaml) {
  absl::StatusOr<customerfake::model::FaultRule> rule =
      sc::ParseFaultRule(yaml, "rule");
  if (!rule.ok()) {
    const absl::Status& status = rule.status();
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, "%s",
               status.ToString().c_str());
    FUZZ_CHECK(errors::ReasonOf(status) == errors::kInvalidFaultRule, "%s",
               status.ToString().c_str());
    return;
  }
  FUZZ_CHECK(model::ValidateRule(*rule).empty(),
             "an accepted rule has problems: %s",
             model::ValidateRule(*rule)[0].message.c_str());
  faults::RuleSet rules(/*seed=*/1, /*max_rules=*/4);
  absl::StatusOr<std::string> id = rules.Add(*rule);
  FUZZ_CHECK(id.ok(), "RuleSet refused an accepted rule: %s",
             id.status().ToString().c_str());

  const std::string written = sc::WriteFaultRule(*rule);
  absl::StatusOr<customerfake::model::FaultRule> again =
      sc::ParseFaultRule(written, "written");
  FUZZ_CHECK(again.ok(), "the written rule is refused: %s\n--- written:\n%s",
             again.status().ToString().c_str(), written.c_str());
  const std::string rewritten = sc::WriteFaultRule(*again);
  FUZZ_CHECK(rewritten == written,
             "the round trip changed the rule\n--- written:\n%s\n"
             "--- read back and written:\n%s",
             written.c_str(), rewritten.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckRule(absl::string_view(reinterpret_cast<const char*>(data), size));

  customerfake::control::v1::FaultRule proto;
  if (proto.ParseFromArray(data, static_cast<int>(size))) {
    // As ControlService::AddFaultRule does for a structured rule.
    std::string yaml;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(proto, &yaml, options);
    CheckRule(yaml);
  }
  return 0;
}
