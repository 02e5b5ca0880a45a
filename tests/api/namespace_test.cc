// Namespaces through real stubs: parallel writers never see each other's
// customers, every namespace starts from the baseline, bad names and the
// namespace limit are refused, and seeded ids repeat per namespace.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/core/core.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::NamespaceFor;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using Stub = ::moia::trip::customer::v1::CustomerService::Stub;

constexpr int kThreads = 8;
constexpr int kNamespacesPerThread = 8;
constexpr char kUuidRegex[] =
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

grpc::Status Create(Stub& stub, const std::string& ns, const std::string& given,
                    std::string* id = nullptr) {
  v1::CreateCustomerRequest request;
  request.set_given_name(given);
  request.set_email_address("someone@example.com");
  request.set_language_code("en");
  request.set_phone_number("+4997259173740");
  v1::CreateCustomerResponse response;
  grpc::Status status =
      stub.CreateCustomer(ContextFor(ns).get(), request, &response);
  if (id != nullptr) *id = response.customer().id();
  return status;
}

grpc::Status Delete(Stub& stub, const std::string& ns, const std::string& id) {
  v1::DeleteCustomerRequest request;
  request.set_id(id);
  v1::DeleteCustomerResponse response;
  return stub.DeleteCustomer(ContextFor(ns).get(), request, &response);
}

grpc::Status Get(Stub& stub, const std::string& ns, const std::string& id) {
  v1::GetCustomerRequest request;
  request.set_id(id);
  v1::GetCustomerResponse response;
  return stub.GetCustomer(ContextFor(ns).get(), request, &response);
}

grpc::Status ListStatus(Stub& stub, const std::string& ns) {
  v1::ListCustomersResponse response;
  return stub.ListCustomers(ContextFor(ns).get(), v1::ListCustomersRequest(),
                            &response);
}

// The ids of the namespace's customers, in list order.
std::vector<std::string> Ids(Stub& stub, const std::string& ns) {
  v1::ListCustomersRequest request;
  request.set_page_size(1000);
  v1::ListCustomersResponse response;
  EXPECT_THAT(stub.ListCustomers(ContextFor(ns).get(), request, &response),
              IsOk())
      << ns;
  std::vector<std::string> ids;
  for (const v1::Customer& c : response.customers()) ids.push_back(c.id());
  return ids;
}

model::CustomerRecord Customer(const std::string& id,
                               const std::string& given) {
  return {id,
          {absl::StrCat(given, "@example.com"), "Baseline", given, "de",
           "+4915100000001"},
          {}};
}

class NamespaceTest : public FakeTest {
 protected:
  std::string Sub(int thread, int index) const {
    return absl::StrCat(test_namespace(), ".t", thread, "n", index);
  }
};

// Thread t owns namespaces Sub(t, 0..7) and keeps a model of each: creates
// append, every third round deletes the oldest, lists must equal the model.
void Work(Stub& stub, const std::vector<std::string>& owned,
          std::map<std::string, std::vector<std::string>>& model) {
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    for (const std::string& ns : owned) {
      std::vector<std::string>& ids = model[ns];
      std::string id;
      EXPECT_THAT(Create(stub, ns, absl::StrCat("R", round), &id), IsOk());
      ids.push_back(id);
      if (round % 3 == 2) {
        EXPECT_THAT(Delete(stub, ns, ids.front()), IsOk());
        ids.erase(ids.begin());
      }
      if (round % 2 == 1) {
        EXPECT_EQ(Ids(stub, ns), ids) << ns;
      }
    }
  }
}

TEST_F(NamespaceTest, ParallelWritersSeeOnlyTheirOwnNamespace) {
  std::vector<std::vector<std::string>> owned(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int n = 0; n < kNamespacesPerThread; ++n) {
      fake().core().namespaces().Delete(Sub(t, n));  // for --gtest_repeat
      owned[t].push_back(Sub(t, n));
    }
  }
  std::vector<std::map<std::string, std::vector<std::string>>> models(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { Work(stub(), owned[t], models[t]); });
  }
  for (std::thread& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    for (const std::string& ns : owned[t]) {
      const std::vector<std::string>& expected = models[t][ns];
      EXPECT_THAT(expected, SizeIs(4)) << ns;  // 6 created, 2 deleted
      EXPECT_EQ(Ids(stub(), ns), expected) << ns;
    }
  }
}

TEST_F(NamespaceTest, EveryNamespaceStartsFromTheBaseline) {
  constexpr char kA[] = "11111111-1111-4111-8111-111111111111";
  constexpr char kB[] = "22222222-2222-4222-8222-222222222222";
  constexpr char kC[] = "33333333-3333-4333-8333-333333333333";
  FakeOptions options;
  options.scenario.customers = {Customer(kA, "Anna"), Customer(kB, "Ben"),
                                Customer(kC, "Cora")};
  ASSERT_NE(UseOwnFake(options), nullptr);

  std::string created;
  ASSERT_THAT(Create(stub(), "writer", "New", &created), IsOk());
  ASSERT_THAT(Delete(stub(), "writer", kB), IsOk());
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml("writer",
                                    "{method: ListCustomers, action: {code: "
                                    "OK, delay: 1ms}}")
                  .ok());
  EXPECT_THAT(Ids(stub(), "writer"), ElementsAre(kA, kC, created));

  for (const char* other : {"reader", "fresh", "default"}) {
    EXPECT_THAT(Ids(stub(), other), ElementsAre(kA, kB, kC)) << other;
    EXPECT_THAT(Get(stub(), other, created),
                StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
    EXPECT_THAT(Get(stub(), other, kB), IsOk());
    EXPECT_THAT(*control().ListFaultRules(other), IsEmpty()) << other;
  }
  EXPECT_THAT(*control().ListFaultRules("writer"), SizeIs(1));
  EXPECT_THAT(Ids(stub(), "writer"), ElementsAre(kA, kC, created));
}

TEST_F(NamespaceTest, InvalidNamespaceNamesAreRefused) {
  const std::string too_long(65, 'n');
  for (const std::string& bad :
       {std::string("bad name!"), too_long, std::string("slash/ed")}) {
    EXPECT_THAT(
        ListStatus(stub(), bad),
        StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_NAMESPACE"))
        << bad;
    EXPECT_THAT(
        Create(stub(), bad, "Nobody"),
        StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_NAMESPACE"))
        << bad;
    absl::Status reset = control().Reset(bad);
    EXPECT_EQ(reset.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(control().ListNamespaces(), Not(::testing::Contains(bad)));
  }
  // 64 characters of the allowed alphabet are fine.
  const std::string longest =
      absl::StrCat(std::string(61, 'a'), "._-").substr(0, 64);
  ASSERT_EQ(longest.size(), 64u);
  fake().core().namespaces().Delete(longest);
  EXPECT_THAT(ListStatus(stub(), longest), IsOk());
  EXPECT_THAT(control().ListNamespaces(), ::testing::Contains(longest));
  EXPECT_TRUE(control().DeleteNamespace(longest).ok());
}

TEST_F(NamespaceTest, NamespaceForGivesLongNamesDistinctValidNames) {
  // Short names stay as they are, '/' of parameterized tests becomes '.'.
  EXPECT_EQ(NamespaceFor("Suite.Name"), "Suite.Name");
  EXPECT_EQ(NamespaceFor("Rows/Suite.Name/0"), "Rows.Suite.Name.0");
  const std::string longest(64, 'n');
  EXPECT_EQ(NamespaceFor(longest), longest);
  // Longer ones sharing a prefix keep it and differ by their hash.
  const std::string a = NamespaceFor(test_namespace() + longest + "a");
  const std::string b = NamespaceFor(test_namespace() + longest + "b");
  EXPECT_THAT(a, SizeIs(64));
  EXPECT_THAT(b, SizeIs(64));
  EXPECT_EQ(a.substr(0, 47), test_namespace().substr(0, 47));
  EXPECT_NE(a, b);
  EXPECT_EQ(NamespaceFor(test_namespace() + longest + "a"), a);
  for (const std::string& ns : {a, b}) {
    fake().core().namespaces().Delete(ns);  // for --gtest_repeat
    EXPECT_THAT(Create(stub(), ns, "Named"), IsOk()) << ns;
    EXPECT_THAT(Ids(stub(), ns), SizeIs(1)) << ns;
    EXPECT_TRUE(control().DeleteNamespace(ns).ok()) << ns;
  }
}

TEST_F(NamespaceTest, NamespaceLimitIsEnforcedUntilOneIsDeleted) {
  FakeOptions options;
  options.max_namespaces = 3;
  ASSERT_NE(UseOwnFake(options), nullptr);
  for (const char* ns : {"one", "two", "three"}) {
    EXPECT_THAT(ListStatus(stub(), ns), IsOk()) << ns;
  }
  grpc::Status refused = ListStatus(stub(), "four");
  EXPECT_THAT(refused, StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "NAMESPACE_LIMIT_REACHED"));
  EXPECT_EQ(
      control()
          .AddFaultRuleYaml("four", "{method: GetCustomer, action: {code: OK}}")
          .status()
          .code(),
      absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(control().ListNamespaces(), ElementsAre("one", "three", "two"));
  // Existing namespaces keep working at the limit.
  EXPECT_THAT(Create(stub(), "two", "Still"), IsOk());

  ASSERT_TRUE(control().DeleteNamespace("one").ok());
  EXPECT_THAT(ListStatus(stub(), "four"), IsOk());
  EXPECT_THAT(control().ListNamespaces(), ElementsAre("four", "three", "two"));
  EXPECT_THAT(ListStatus(stub(), "one"),
              StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED,
                       "NAMESPACE_LIMIT_REACHED"));
}

TEST_F(NamespaceTest, SeededIdsRepeatInEveryNamespace) {
  FakeOptions options;
  options.seed = 99;
  std::unique_ptr<Fake> fake = StartFake(options);
  std::unique_ptr<Fake> twin = StartFake(options);
  ASSERT_NE(fake, nullptr);
  ASSERT_NE(twin, nullptr);
  auto created = [](Fake& server, const std::string& ns) {
    auto stub = CustomerService::NewStub(server.InProcessChannel());
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
      std::string id;
      EXPECT_THAT(Create(*stub, ns, absl::StrCat("Seeded", i), &id), IsOk());
      ids.push_back(id);
    }
    return ids;
  };
  const std::vector<std::string> first = created(*fake, "first");
  ASSERT_THAT(first, SizeIs(4));
  for (const std::string& id : first) EXPECT_THAT(id, MatchesRegex(kUuidRegex));
  EXPECT_NE(first[0], first[1]);
  EXPECT_EQ(created(*fake, "second"), first);
  EXPECT_EQ(created(*twin, "elsewhere"), first);
  // Reset restarts the sequence.
  ASSERT_TRUE(fake->control().Reset("first").ok());
  EXPECT_EQ(created(*fake, "first"), first);
}

}  // namespace
}  // namespace customerfake
