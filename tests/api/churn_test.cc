// Churn: 32 client threads over 8 namespaces run a seeded random mix of every
// CustomerService RPC and every control call against one fake, through real
// stubs. The test keeps an exact model of each namespace, which is possible
// because
// - each thread owns its customers and fault rules (its rules match only its
//   own calls, by an `x-churn-thread` header), so it knows what every one of
//   its calls must answer, faults included;
// - the calls that replace a namespace's state (Reset, LoadScenario,
//   ClearFaultRules, ClearCalls, DeleteNamespace) and the hanging call take
//   the test's per-namespace lock exclusively, everything else shares it.
// Before each exclusive call and at the end, a namespace's customers, flags,
// fault rule counters and journal are compared with the model.
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/server/fake.h"
#include "gtest/gtest.h"
#include "tests/api/churn_model.h"
#include "tests/api/churn_worker.h"

namespace customerfake::churn {
namespace {

TEST(ChurnTest, EveryNamespaceMatchesItsModelAfterConcurrentChurn) {
  FakeOptions options;
  absl::StatusOr<model::Scenario> baseline =
      scenario::ParseScenario(kBaselineYaml, "baseline");
  ASSERT_TRUE(baseline.ok()) << baseline.status();
  options.scenario = *std::move(baseline);
  options.journal_entries = kJournalLimit;
  absl::StatusOr<std::unique_ptr<Fake>> fake = Fake::Start(std::move(options));
  ASSERT_TRUE(fake.ok()) << fake.status();

  std::vector<std::unique_ptr<Space>> spaces;
  const std::vector<Customer> initial = CustomersOf(kBaselineYaml);
  for (int n = 0; n < kNamespaces; ++n) {
    auto space = std::make_unique<Space>();
    space->name = absl::StrCat("churn-", n);
    for (size_t i = 0; i < initial.size(); ++i) {
      space->slots[i % kOwners].customers.push_back(initial[i]);
    }
    spaces.push_back(std::move(space));
  }
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.push_back(
        std::make_unique<Worker>(t, *spaces[t % kNamespaces], **fake));
  }
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (auto& worker : workers) {
    threads.emplace_back([&worker] { worker->Run(); });
  }
  for (std::thread& thread : threads) thread.join();
  const absl::Duration churn = absl::Now() - start;

  int exact = 0;
  int full = 0;
  for (int n = 0; n < kNamespaces; ++n) {
    workers[n]->Verify();  // worker n is one of namespace n's owners
    exact += spaces[n]->exact_journals;
    full += spaces[n]->full_journals;
  }
  // Every call was answered: none is left delayed or hanging.
  for (absl::Time until = absl::Now() + absl::Seconds(10);
       (*fake)->in_flight() != 0 && absl::Now() < until;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ((*fake)->in_flight(), 0);
  std::cout << "churn: " << kThreads << " threads x " << kOpsPerThread
            << " ops in " << churn << "; journals checked exactly " << exact
            << " times, at the limit " << full << " times\n";
}

}  // namespace
}  // namespace customerfake::churn