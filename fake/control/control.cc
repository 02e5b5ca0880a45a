#include "fake/control/control.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fake/core/core.h"
#include "fake/errors/errors.h"
#include "fake/faults/rule_set.h"
#include "fake/model/memory.h"
#include "fake/model/names.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/state/baseline.h"
#include "fake/state/registry.h"

namespace customerfake::control {
namespace {

// The scenario size from which a load hands freed memory back: small loads,
// as tests make by the thousand, skip the walk.
constexpr size_t kReleaseAfterBytes = 8 << 20;

// An entry's size in a ListCallsResponse, near enough: its strings (the
// request as JSON) and room for the fixed fields.
size_t EncodedBytes(const model::CallRecord& call) {
  size_t bytes = call.method.size() + call.RequestJson().size() +
                 call.reason.size() + call.message.size() +
                 call.fault_rule.size() + 128;
  for (const auto& [key, value] : call.metadata) {
    // -bin values are sent as base64.
    bytes += key.size() + value.size() * 4 / 3 + 8;
  }
  return bytes;
}

}  // namespace

Control::Control(core::Core& core) : core_(core) {}

absl::Status Control::Reset(absl::string_view ns, bool empty, bool to_start) {
  if (empty && to_start) {
    return errors::Error(absl::StatusCode::kInvalidArgument, "INVALID_RESET",
                         "empty and to_start exclude each other: reset to "
                         "nothing or to the scenario the server started with");
  }
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  if (to_start) return (*space)->Load(core_.namespaces().baseline());
  (*space)->Reset(empty);
  return absl::OkStatus();
}

absl::StatusOr<Control::Loaded> Control::LoadScenario(
    absl::string_view ns, absl::string_view yaml, absl::string_view source) {
  // Parsed and checked completely before the namespace is touched.
  absl::StatusOr<model::Scenario> scenario =
      scenario::ParseScenario(yaml, source, nullptr, core_.scenario_limits());
  if (!scenario.ok()) return scenario.status();
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  Loaded loaded{scenario->customers.size(), scenario->faults.size()};
  if (absl::Status status =
          (*space)->Load(state::MakeBaseline(*std::move(scenario)));
      !status.ok()) {
    return status;
  }
  // A big scenario's parse frees hundreds of MB in pieces that the
  // allocator would keep resident for a while; they go back to the system.
  if (yaml.size() >= kReleaseAfterBytes) model::ReleaseFreedMemory();
  return loaded;
}

absl::StatusOr<std::string> Control::ExportState(absl::string_view ns) {
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  std::string yaml = scenario::WriteScenario((*space)->Export());
  if (yaml.size() > core_.max_response_bytes()) {
    return errors::ResponseTooLarge(
        absl::StrCat("the state of namespace \"", ns, "\" as YAML"),
        yaml.size(), core_.max_response_bytes());
  }
  return yaml;
}

absl::StatusOr<std::string> Control::AddFaultRule(absl::string_view ns,
                                                  model::FaultRule rule) {
  std::vector<model::RuleProblem> problems = model::ValidateRule(rule);
  if (!problems.empty()) {
    std::string message;
    for (const model::RuleProblem& problem : problems) {
      absl::StrAppend(&message, message.empty() ? "" : "\n", problem.key, ": ",
                      problem.message);
    }
    return errors::InvalidFaultRule(message);
  }
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  return (*space)->AddFaultRule(std::move(rule));
}

absl::StatusOr<std::string> Control::AddFaultRuleYaml(absl::string_view ns,
                                                      absl::string_view yaml) {
  absl::StatusOr<model::FaultRule> rule =
      scenario::ParseFaultRule(yaml, "rule");
  if (!rule.ok()) return rule.status();
  return AddFaultRule(ns, *std::move(rule));
}

absl::StatusOr<std::vector<model::RuleStatus>> Control::ListFaultRules(
    absl::string_view ns) {
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  return (*space)->ListFaultRules();
}

absl::Status Control::RemoveFaultRule(absl::string_view ns,
                                      absl::string_view id) {
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  if (!(*space)->RemoveFaultRule(id)) return errors::FaultRuleNotFound(id);
  return absl::OkStatus();
}

absl::Status Control::ClearFaultRules(absl::string_view ns) {
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  (*space)->ClearFaultRules();
  return absl::OkStatus();
}

absl::StatusOr<Control::CallPage> Control::ListCalls(
    absl::string_view ns, absl::string_view method, int32_t page_size,
    absl::string_view page_token, bool applied_only, uint64_t after_sequence) {
  constexpr int32_t kDefaultPageSize = 100;
  constexpr int32_t kMaxPageSize = 1000;
  if (page_size < 0) return errors::InvalidPageSize(page_size);
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  // Journal sequences never repeat, so the token is not bound to a
  // generation; it is bound to the namespace and the method filter.
  internal::PageToken expected;
  expected.set_list(
      absl::StrCat("calls:", method, applied_only ? ":applied" : ""));
  expected.set_namespace_name(std::string(ns));
  uint64_t after = after_sequence;
  if (!page_token.empty()) {
    auto token = core_.tokens().Decode(page_token, expected);
    if (!token.ok()) return token.status();
    after = token->after_key();
  }
  journal::Journal::Page page = (*space)->journal().List(
      method, after,
      page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize),
      applied_only);
  // A page stops early rather than pass the message limit; an entry that
  // alone does not fit is refused by name.
  size_t bytes = 0;
  for (size_t i = 0; i < page.calls.size(); ++i) {
    bytes += EncodedBytes(page.calls[i]);
    if (bytes <= core_.max_response_bytes()) continue;
    if (i == 0) {
      return errors::ResponseTooLarge(
          absl::StrCat("journal entry ", page.calls[0].sequence), bytes,
          core_.max_response_bytes());
    }
    page.calls.resize(i);
    page.more = true;
    break;
  }
  CallPage out;
  if (page.more) {
    expected.set_after_key(page.calls.back().sequence);
    out.next_page_token = core_.tokens().Encode(expected);
  }
  out.calls = std::move(page.calls);
  return out;
}

absl::Status Control::ClearCalls(absl::string_view ns) {
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  (*space)->journal().Clear();
  return absl::OkStatus();
}

absl::Status Control::DeleteNamespace(absl::string_view ns) {
  if (!model::IsValidNamespaceName(ns)) return errors::InvalidNamespace(ns);
  if (!core_.namespaces().Delete(ns)) {
    return errors::NamespaceNotFound(ns);
  }
  return absl::OkStatus();
}

std::vector<std::string> Control::ListNamespaces() {
  return core_.namespaces().Names();
}

std::vector<Control::NamespaceSummary> Control::SummarizeNamespaces() {
  std::vector<NamespaceSummary> out;
  for (const std::shared_ptr<state::Namespace>& space :
       core_.namespaces().All()) {
    NamespaceSummary summary;
    summary.name = space->name();
    summary.customers = space->customer_count();
    summary.fault_rules = space->ListFaultRules().size();
    summary.calls = space->journal().size();
    summary.last_activity = space->journal().last_arrival();
    out.push_back(std::move(summary));
  }
  return out;
}

absl::StatusOr<Control::CustomerPage> Control::ListCustomers(
    absl::string_view ns, absl::string_view query, size_t offset,
    size_t limit) {
  constexpr size_t kDefaultLimit = 50;
  constexpr size_t kMaxLimit = 1000;
  limit = limit == 0 ? kDefaultLimit : std::min(limit, kMaxLimit);
  auto space = core_.namespaces().GetOrCreate(ns);
  if (!space.ok()) return space.status();
  const std::string lower_query = absl::AsciiStrToLower(query);
  auto contains = [&lower_query](absl::string_view text) {
    return absl::StrContains(absl::AsciiStrToLower(text), lower_query);
  };
  auto matches = [&](const model::CustomerRecord& customer) {
    return lower_query.empty() || contains(customer.id) ||
           contains(customer.fields.given_name) ||
           contains(customer.fields.family_name) ||
           contains(customer.fields.email_address);
  };
  // A reset between two pages of the walk starts it again, so the page is
  // of one generation.
  for (;;) {
    const uint64_t generation = (*space)->generation();
    CustomerPage out;
    uint64_t after = 0;
    absl::Status status;
    for (bool more = true; more;) {
      auto page = (*space)->List(after, kMaxLimit, generation);
      if (!page.ok()) {
        status = page.status();
        break;
      }
      for (model::CustomerRecord& customer : page->customers) {
        if (!matches(customer)) continue;
        if (out.total >= offset && out.customers.size() < limit) {
          out.customers.push_back(std::move(customer));
        }
        ++out.total;
      }
      after = page->last_key;
      more = page->more;
    }
    if (status.ok()) return out;
  }
}

}  // namespace customerfake::control
