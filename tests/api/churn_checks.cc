// The churn test's checks of a whole namespace, and the calls that replace a
// namespace's state, made while the worker holds the namespace exclusively.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fake/model/methods.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"
#include "tests/api/churn_worker.h"

namespace customerfake::churn {

using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::Contains;
using ::testing::Not;

void Worker::Verify() {
  // Customers and their order: baseline or loaded ones first, then each
  // owner's in the order it created them.
  std::vector<v1::Customer> listed = ListAll(Uniform(3, 20));
  std::map<std::string, const Customer*> model;
  std::map<std::string, int> owner;
  for (int s = 0; s < kOwners; ++s) {
    for (const Customer& c : space_.slots[s].customers) {
      EXPECT_TRUE(model.emplace(c.data.id(), &c).second);
      owner[c.data.id()] = s;
    }
  }
  EXPECT_EQ(listed.size(), model.size()) << space_.name;
  std::vector<std::string> order[kOwners];
  for (const v1::Customer& c : listed) {
    auto it = model.find(c.id());
    if (it == model.end()) {
      ADD_FAILURE() << space_.name << " lists an unknown " << c.id();
      continue;
    }
    EXPECT_TRUE(SameCustomer(c, it->second->data)) << c.ShortDebugString();
    order[owner[c.id()]].push_back(c.id());
  }
  for (int s = 0; s < kOwners; ++s) {
    std::vector<std::string> expected;
    for (const Customer& c : space_.slots[s].customers) {
      expected.push_back(c.data.id());
    }
    EXPECT_EQ(order[s], expected) << space_.name << " owner " << s;
  }

  // Flags, through the export.
  cv1::ExportStateResponse exported;
  ASSERT_THAT(
      Control(&ControlStub::ExportState, cv1::ExportStateRequest(), &exported),
      IsOk());
  absl::StatusOr<model::Scenario> scenario =
      scenario::ParseScenario(exported.yaml(), "export");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(scenario->customers.size(), model.size());
  for (const model::CustomerRecord& record : scenario->customers) {
    auto it = model.find(record.id);
    if (it == model.end()) continue;  // reported above
    EXPECT_EQ(std::set<std::string>(record.flags.begin(), record.flags.end()),
              it->second->flags)
        << record.id;
  }

  // Rules: exactly the model's, with its counters; scenario-ping acted on
  // every ping since it was (re)loaded.
  std::vector<cv1::FaultRuleStatus> rules = Rules();
  std::map<std::string, const Rule*> expected_rules;
  for (const Slot& slot : space_.slots) {
    for (const Rule& rule : slot.rules) expected_rules[rule.id] = &rule;
  }
  EXPECT_EQ(rules.size(), expected_rules.size() + (space_.ping_rule ? 1 : 0));
  for (const cv1::FaultRuleStatus& rule : rules) {
    if (rule.rule().id() == "scenario-ping") {
      EXPECT_TRUE(space_.ping_rule);
      EXPECT_EQ(rule.matched(), space_.pings.load()) << space_.name;
      EXPECT_EQ(rule.acted(), space_.pings.load()) << space_.name;
      continue;
    }
    auto it = expected_rules.find(rule.rule().id());
    if (it == expected_rules.end()) {
      ADD_FAILURE() << space_.name << " has an unknown rule "
                    << rule.rule().id();
      continue;
    }
    EXPECT_EQ(rule.matched(), it->second->matched) << rule.rule().id();
    EXPECT_EQ(rule.acted(), it->second->acted) << rule.rule().id();
  }

  // Journal: contiguous sequences, and the calls made since it was emptied,
  // all of them when they fit, else the newest kJournalLimit.
  std::vector<cv1::Call> calls = Journal("", Uniform(5, 60));
  std::map<std::string, int> expected;
  int total = 0;
  for (const Slot& slot : space_.slots) {
    for (const auto& [key, count] : slot.journal) {
      expected[key] += count;
      total += count;
    }
  }
  EXPECT_EQ(calls.size(), std::min<size_t>(total, kJournalLimit))
      << space_.name;
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].sequence(), calls[i - 1].sequence() + 1);
  }
  std::map<std::string, int> journaled;
  for (const cv1::Call& call : calls) {
    auto header = call.metadata().find("x-churn-thread");
    Code code = Code::UNKNOWN;
    static const std::map<std::string, Code> kCodes = {
        {"OK", Code::OK},
        {"UNAVAILABLE", Code::UNAVAILABLE},
        {"ABORTED", Code::ABORTED},
        {"RESOURCE_EXHAUSTED", Code::RESOURCE_EXHAUSTED},
        {"NOT_FOUND", Code::NOT_FOUND},
        {"INVALID_ARGUMENT", Code::INVALID_ARGUMENT},
        {"UNAUTHENTICATED", Code::UNAUTHENTICATED},
        {"FAILED_PRECONDITION", Code::FAILED_PRECONDITION},
        {"DEADLINE_EXCEEDED", Code::DEADLINE_EXCEEDED}};
    auto known = kCodes.find(call.code());
    EXPECT_NE(known, kCodes.end()) << call.code();
    if (known != kCodes.end()) code = known->second;
    journaled[Key(header == call.metadata().end() ? "" : header->second,
                  model::ShortMethodName(call.method()), code)]++;
  }
  if (static_cast<size_t>(total) <= kJournalLimit) {
    ++space_.exact_journals;
    EXPECT_EQ(journaled, expected) << space_.name;
  } else {
    ++space_.full_journals;
    for (const auto& [key, count] : journaled) {
      EXPECT_LE(count, expected[key]) << space_.name << " " << key;
    }
    // The newest entry is this thread's last list call.
    if (!calls.empty()) {
      EXPECT_EQ(calls.back().metadata().at("x-churn-thread"), header_);
      EXPECT_EQ(model::ShortMethodName(calls.back().method()), "ListCustomers");
    }
  }
}

void Worker::EmptyJournal() {
  for (Slot& slot : space_.slots) slot.journal.clear();
}

void Worker::Restart(const std::vector<Customer>& customers, bool ping_rule) {
  for (Slot& slot : space_.slots) {
    slot.customers.clear();
    slot.gone.clear();
    slot.rules.clear();
  }
  for (size_t i = 0; i < customers.size(); ++i) {
    space_.slots[i % kOwners].customers.push_back(customers[i]);
  }
  space_.ping_rule = ping_rule;
  space_.pings = 0;
  EmptyJournal();
}

void Worker::Hang() {
  // A call that never answers ends at its deadline; the fake records it
  // when it sees the cancellation, which may come after the client's
  // answer, so the call is exclusive and waits for its journal entry.
  const std::string header = absl::StrCat(header_, ".hang");
  const std::string id = absl::StrCat(header_, "-hang", ++serial_);
  cv1::AddFaultRuleRequest add;
  add.set_yaml(absl::StrCat("{id: ", id,
                            ", method: GetCustomer, match_metadata: "
                            "{x-churn-thread: \"",
                            header, "\"}, times: 1, action: {hang: true}}"));
  cv1::AddFaultRuleResponse added;
  ASSERT_THAT(Control(&ControlStub::AddFaultRule, add, &added), IsOk());

  auto context = Context(header);
  context->set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Milliseconds(50)));
  v1::GetCustomerRequest request;
  request.set_id(RandomUnknownId());
  v1::GetCustomerResponse response;
  EXPECT_EQ(stub_->GetCustomer(context.get(), request, &response).error_code(),
            Code::DEADLINE_EXCEEDED);
  slot_.journal[Key(header, "GetCustomer", Code::DEADLINE_EXCEEDED)]++;

  bool recorded = false;
  for (absl::Time until = absl::Now() + absl::Seconds(20);
       !recorded && absl::Now() < until;) {
    for (const cv1::Call& call : Journal("GetCustomer", 1000)) {
      if (call.fault_rule() == id) {
        EXPECT_EQ(call.code(), "DEADLINE_EXCEEDED");
        EXPECT_TRUE(call.has_deadline());
        recorded = true;
      }
    }
    if (!recorded) absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(recorded) << "the hanging call was never journaled";

  std::vector<cv1::FaultRuleStatus> rules = Rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& rule) {
    return rule.rule().id() == id;
  });
  ASSERT_NE(it, rules.end());
  EXPECT_EQ(it->matched(), 1u);
  EXPECT_EQ(it->acted(), 1u);
  cv1::RemoveFaultRuleRequest remove;
  remove.set_id(id);
  cv1::RemoveFaultRuleResponse removed;
  EXPECT_THAT(Control(&ControlStub::RemoveFaultRule, remove, &removed), IsOk());
}

void Worker::Reset(bool empty) {
  Verify();
  cv1::ResetRequest request;
  request.set_empty(empty);
  cv1::ResetResponse response;
  ASSERT_THAT(Control(&ControlStub::Reset, request, &response), IsOk());
  if (empty) {
    Restart({}, false);
  } else {
    Restart(CustomersOf(space_.loaded ? kLoadedYaml : kBaselineYaml),
            space_.loaded);
  }
}

void Worker::Load() {
  Verify();
  cv1::LoadScenarioRequest request;
  request.set_yaml(kLoadedYaml);
  cv1::LoadScenarioResponse response;
  ASSERT_THAT(Control(&ControlStub::LoadScenario, request, &response), IsOk());
  const std::vector<Customer> loaded = CustomersOf(kLoadedYaml);
  EXPECT_EQ(response.customers(), static_cast<int>(loaded.size()));
  EXPECT_EQ(response.fault_rules(), 1);
  space_.loaded = true;
  Restart(loaded, true);
}

void Worker::ClearRules() {
  Verify();
  cv1::ClearFaultRulesResponse response;
  ASSERT_THAT(Control(&ControlStub::ClearFaultRules,
                      cv1::ClearFaultRulesRequest(), &response),
              IsOk());
  for (Slot& slot : space_.slots) slot.rules.clear();
  space_.ping_rule = false;
  EXPECT_TRUE(Rules().empty());
}

void Worker::ClearCalls() {
  Verify();
  cv1::ClearCallsResponse response;
  ASSERT_THAT(
      Control(&ControlStub::ClearCalls, cv1::ClearCallsRequest(), &response),
      IsOk());
  EmptyJournal();
  EXPECT_TRUE(Journal("", 10).empty());
}

void Worker::DeleteNamespace() {
  Verify();
  cv1::DeleteNamespaceResponse response;
  ASSERT_THAT(Control(&ControlStub::DeleteNamespace,
                      cv1::DeleteNamespaceRequest(), &response),
              IsOk());
  space_.exists = false;
  EXPECT_THAT(Control(&ControlStub::DeleteNamespace,
                      cv1::DeleteNamespaceRequest(), &response),
              StatusIs(Code::NOT_FOUND, "NAMESPACE_NOT_FOUND"));
  cv1::ListNamespacesResponse names;
  EXPECT_THAT(Control(&ControlStub::ListNamespaces,
                      cv1::ListNamespacesRequest(), &names),
              IsOk());
  EXPECT_THAT(names.namespaces(), Not(Contains(space_.name)));
  // The next call creates it afresh from the server's baseline.
  space_.loaded = false;
  Restart(CustomersOf(kBaselineYaml), false);
}

void Worker::Run() {
  struct Op {
    void (*run)(Worker&);
    int weight;
    bool exclusive;  // replaces state, or waits for a hanging call
  };
  static const Op kOps[] = {
      {[](Worker& w) { w.Create(true); }, 240, false},
      {[](Worker& w) { w.Create(false); }, 40, false},
      {[](Worker& w) { w.Get(); }, 200, false},
      {[](Worker& w) { w.Update(true); }, 120, false},
      {[](Worker& w) { w.Update(false); }, 20, false},
      {[](Worker& w) { w.Delete(); }, 100, false},
      {[](Worker& w) { w.CheckList(); }, 60, false},
      {[](Worker& w) { w.CheckFlags(); }, 80, false},
      {[](Worker& w) { w.ChangeFlag(true); }, 120, false},
      {[](Worker& w) { w.ChangeFlag(false); }, 80, false},
      {[](Worker& w) { w.Unauthenticated(); }, 20, false},
      {[](Worker& w) { w.Ping(); }, 40, false},
      {[](Worker& w) { w.AddRule(); }, 60, false},
      {[](Worker& w) { w.AddInvalidRule(); }, 20, false},
      {[](Worker& w) { w.CheckRules(); }, 40, false},
      {[](Worker& w) { w.RemoveRule(); }, 40, false},
      {[](Worker& w) { w.CheckJournal(); }, 40, false},
      {[](Worker& w) { w.CheckExport(); }, 20, false},
      {[](Worker& w) { w.CheckNamespaces(); }, 20, false},
      {[](Worker& w) { w.LoadInvalid(); }, 20, false},
      // The exclusive calls are rare.
      {[](Worker& w) { w.Reset(false); }, 8, true},
      {[](Worker& w) { w.Reset(true); }, 4, true},
      {[](Worker& w) { w.Load(); }, 6, true},
      {[](Worker& w) { w.ClearRules(); }, 6, true},
      {[](Worker& w) { w.ClearCalls(); }, 6, true},
      {[](Worker& w) { w.DeleteNamespace(); }, 4, true},
      {[](Worker& w) { w.Hang(); }, 3, true},
  };
  std::vector<int> weights;
  for (const Op& op : kOps) weights.push_back(op.weight);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  for (int i = 0; i < kOpsPerThread && !::testing::Test::HasFailure(); ++i) {
    const Op& op = kOps[pick(random_)];
    if (!op.exclusive) {
      { std::lock_guard<std::mutex> gate(space_.gate); }
      std::shared_lock<std::shared_mutex> lock(space_.lock);
      op.run(*this);
      continue;
    }
    // The gate holds new shared lockers back while this one waits.
    std::unique_lock<std::shared_mutex> lock(space_.lock, std::defer_lock);
    {
      std::lock_guard<std::mutex> gate(space_.gate);
      lock.lock();
    }
    op.run(*this);
  }
}

}  // namespace customerfake::churn
