#ifndef CUSTOMER_FAKE_CONTROL_CONTROL_H_
#define CUSTOMER_FAKE_CONTROL_CONTROL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fake/model/call_record.h"
#include "fake/model/customer.h"
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
  // state. page_size 0 means 100; at most 1000. Without a page token,
  // `after_sequence` skips the entries up to that sequence number (a live
  // view asks for what is new since the last entry it has).
  struct CallPage {
    std::vector<model::CallRecord> calls;
    std::string next_page_token;
  };
  absl::StatusOr<CallPage> ListCalls(absl::string_view ns,
                                     absl::string_view method,
                                     int32_t page_size = 0,
                                     absl::string_view page_token = "",
                                     bool applied_only = false,
                                     uint64_t after_sequence = 0);
  absl::Status ClearCalls(absl::string_view ns);

  // NOT_FOUND when there is no such namespace.
  absl::Status DeleteNamespace(absl::string_view ns);
  std::vector<std::string> ListNamespaces();

  // Each namespace with its size and when a call last arrived, by name.
  struct NamespaceSummary {
    std::string name;
    size_t customers = 0;
    size_t fault_rules = 0;
    size_t calls = 0;  // in the journal
    std::optional<absl::Time> last_activity;
  };
  std::vector<NamespaceSummary> SummarizeNamespaces();

  // The customers whose id, given or family name or email address contains
  // `query` (ignoring case; empty for all), in the store's order, from the
  // `offset`-th match on, at most `limit` (0 means 50; at most 1000).
  struct CustomerPage {
    std::vector<model::CustomerRecord> customers;
    size_t total = 0;  // matches in all
  };
  absl::StatusOr<CustomerPage> ListCustomers(absl::string_view ns,
                                             absl::string_view query,
                                             size_t offset = 0,
                                             size_t limit = 0);

 private:
  core::Core& core_;
};

}  // namespace customerfake::control

#endif  // CUSTOMER_FAKE_CONTROL_CONTROL_H_
