#ifndef CUSTOMER_FAKE_CONTROL_CONTROL_H_
#define CUSTOMER_FAKE_CONTROL_CONTROL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/model/call_record.h"
#include "fake/model/fault_rule.h"

namespace customerfake::core {
class Core;
}  // namespace customerfake::core

namespace customerfake::control {

// The operations of the control service, callable directly from C++ (the
// embedding class) and through gRPC (ControlService). Each acts on one
// namespace, created on first use like the API's.
class Control {
 public:
  explicit Control(core::Core& core);

  core::Core& core() { return core_; }

  // Back to the baseline, or to nothing with `empty`. With `to_start`, back
  // to the scenario the server started with, which becomes the namespace's
  // baseline again (undoing LoadScenario); INVALID_ARGUMENT with `empty`.
  absl::Status Reset(absl::string_view ns, bool empty = false,
                     bool to_start = false);
  // Scenario YAML becomes the namespace's baseline and state, all or nothing.
  // `source` names the text in error positions.
  struct Loaded {
    size_t customers = 0;
    size_t fault_rules = 0;
  };
  absl::StatusOr<Loaded> LoadScenario(absl::string_view ns,
                                      absl::string_view yaml,
                                      absl::string_view source = "request");
  // The namespace's state as scenario YAML.
  absl::StatusOr<std::string> ExportState(absl::string_view ns);

  // Adds a rule (validated like a scenario's); returns its id.
  absl::StatusOr<std::string> AddFaultRule(absl::string_view ns,
                                           model::FaultRule rule);
  absl::StatusOr<std::string> AddFaultRuleYaml(absl::string_view ns,
                                               absl::string_view yaml);
  absl::StatusOr<std::vector<model::RuleStatus>> ListFaultRules(
      absl::string_view ns);
  absl::Status RemoveFaultRule(absl::string_view ns, absl::string_view id);
  absl::Status ClearFaultRules(absl::string_view ns);

  // Journal entries, oldest first, filtered by method (short or full name,
  // empty for all) and, with `applied_only`, to the calls that changed
  // state. page_size 0 means 100; at most 1000.
  struct CallPage {
    std::vector<model::CallRecord> calls;
    std::string next_page_token;
  };
  absl::StatusOr<CallPage> ListCalls(absl::string_view ns,
                                     absl::string_view method,
                                     int32_t page_size = 0,
                                     absl::string_view page_token = "",
                                     bool applied_only = false);
  absl::Status ClearCalls(absl::string_view ns);

  // NOT_FOUND when there is no such namespace.
  absl::Status DeleteNamespace(absl::string_view ns);
  std::vector<std::string> ListNamespaces();

 private:
  core::Core& core_;
};

}  // namespace customerfake::control

#endif  // CUSTOMER_FAKE_CONTROL_CONTROL_H_
