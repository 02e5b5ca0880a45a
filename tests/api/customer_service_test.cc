// CustomerService behaviour through a real stub: each RPC's happy path, every
// row of the contract's error table (code, ErrorInfo reason, domain, field)
// and the exact state after each refused call.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "fake/core/core.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr char kDomain[] = "trip-api.moia-group.io";
constexpr char kUnknownId[] = "7ba438cc-4724-4be1-8c59-f82558f4fde8";
constexpr char kScenarioId[] = "c0ffee00-0000-4000-8000-000000000001";

std::string Repeat(const std::string& s, int n) {
  return absl::StrJoin(std::vector<std::string>(n, s), "");
}

// The guide's example customer.
v1::Customer GuideCustomer() {
  v1::Customer c;
  c.set_email_address("test-customer@moia.io");
  c.set_family_name("Customer");
  c.set_given_name("Test");
  c.set_language_code("en");
  c.set_phone_number("+4997259173740");
  return c;
}

template <typename Request>
Request FlagRequest(const std::string& id, const std::string& flag) {
  Request request;
  request.set_customer_id(id);
  request.set_flag(flag);
  return request;
}

class CustomerServiceTest : public FakeTest {
 protected:
  using Stub = CustomerService::Stub;

  // Runs `rpc` in this test's namespace; `out` (if set) gets the response.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (CustomerService::Stub::*rpc)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* out = nullptr) {
    Response response;
    grpc::Status status = (stub().*rpc)(Context().get(), request, &response);
    if (out != nullptr) *out = response;
    return status;
  }
  grpc::Status Create(const v1::Customer& data, v1::Customer* out = nullptr) {
    v1::CreateCustomerRequest request;
    request.set_email_address(data.email_address());
    request.set_family_name(data.family_name());
    request.set_given_name(data.given_name());
    request.set_language_code(data.language_code());
    request.set_phone_number(data.phone_number());
    v1::CreateCustomerResponse response;
    grpc::Status status = Call(&Stub::CreateCustomer, request, &response);
    if (out != nullptr) *out = response.customer();
    return status;
  }
  v1::Customer CreateGuide() {
    v1::Customer created;
    EXPECT_THAT(Create(GuideCustomer(), &created), IsOk());
    return created;
  }
  grpc::Status Get(const std::string& id, v1::Customer* out = nullptr) {
    v1::GetCustomerRequest request;
    request.set_id(id);
    v1::GetCustomerResponse response;
    grpc::Status status = Call(&Stub::GetCustomer, request, &response);
    if (out != nullptr) *out = response.customer();
    return status;
  }
  grpc::Status Update(const v1::Customer& customer,
                      v1::Customer* out = nullptr) {
    v1::UpdateCustomerRequest request;
    *request.mutable_customer() = customer;
    v1::UpdateCustomerResponse response;
    grpc::Status status = Call(&Stub::UpdateCustomer, request, &response);
    if (out != nullptr) *out = response.customer();
    return status;
  }
  grpc::Status Delete(const std::string& id) {
    v1::DeleteCustomerRequest request;
    request.set_id(id);
    return Call(&Stub::DeleteCustomer, request);
  }
  grpc::Status AddFlag(const std::string& id, const std::string& flag) {
    return Call(&Stub::AddCustomerFlag,
                FlagRequest<v1::AddCustomerFlagRequest>(id, flag));
  }
  grpc::Status RemoveFlag(const std::string& id, const std::string& flag) {
    return Call(&Stub::RemoveCustomerFlag,
                FlagRequest<v1::RemoveCustomerFlagRequest>(id, flag));
  }
  grpc::Status ListFlags(const std::string& id) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(id);
    return Call(&Stub::ListCustomerFlags, request);
  }
  std::vector<std::string> Flags(const std::string& id) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(id);
    v1::ListCustomerFlagsResponse response;
    EXPECT_THAT(Call(&Stub::ListCustomerFlags, request, &response), IsOk());
    return {response.flags().begin(), response.flags().end()};
  }
  // Every customer of the namespace (one page), in list order.
  std::vector<v1::Customer> All() {
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    v1::ListCustomersResponse response;
    EXPECT_THAT(Call(&Stub::ListCustomers, request, &response), IsOk());
    EXPECT_THAT(response.next_page_token(), IsEmpty());
    return {response.customers().begin(), response.customers().end()};
  }
  std::vector<std::string> Ids() {
    std::vector<std::string> ids;
    for (const v1::Customer& c : All()) ids.push_back(c.id());
    return ids;
  }

  // Create and Update with `data` both fail with INVALID_ARGUMENT `reason`
  // naming `field`, and change nothing.
  void ExpectRefused(v1::Customer data, const std::string& reason,
                     const std::string& field) {
    const v1::Customer existing = CreateGuide();
    const std::vector<std::string> before = Ids();
    data.clear_id();
    grpc::Status status = Create(data);
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, reason));
    EXPECT_EQ(ErrorInfoOf(status).domain(), kDomain);
    EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), field);
    EXPECT_EQ(Ids(), before) << "a refused create changed the list";

    data.set_id(existing.id());
    status = Update(data);
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, reason));
    EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), field);
    v1::Customer stored;
    ASSERT_THAT(Get(existing.id(), &stored), IsOk());
    EXPECT_EQ(stored.DebugString(), existing.DebugString());
  }

  // Every RPC naming `id` fails with NOT_FOUND CUSTOMER_NOT_FOUND.
  void ExpectNotFoundEverywhere(const std::string& id) {
    const auto not_found =
        StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
    v1::Customer update = GuideCustomer();
    update.set_id(id);
    EXPECT_THAT(Get(id), not_found);
    EXPECT_EQ(ErrorInfoOf(Get(id)).domain(), kDomain);
    EXPECT_THAT(Update(update), not_found);
    EXPECT_THAT(Delete(id), not_found);
    EXPECT_THAT(ListFlags(id), not_found);
    EXPECT_THAT(AddFlag(id, "vip"), not_found);
    EXPECT_THAT(RemoveFlag(id, "vip"), not_found);
  }

  // Scenario: known flags, one read-only flag, one customer that has it.
  void UseFlagScenario() {
    FakeOptions options;
    options.scenario.settings.known_flags = {"autonomous_trips", "vip",
                                             "locked"};
    options.scenario.settings.read_only_flags = {"locked"};
    model::CustomerRecord record;
    record.id = kScenarioId;
    record.fields = {"a@moia.io", "Scenario", "Sam", "de", "+4912345678"};
    record.flags = {"locked"};
    options.scenario.customers.push_back(record);
    UseOwnFake(std::move(options));
  }
};

// ---- Happy paths ----

TEST_F(CustomerServiceTest, CreateReturnsGuideDataWithNewId) {
  v1::Customer created = CreateGuide();
  v1::Customer expected = GuideCustomer();
  expected.set_id(created.id());
  EXPECT_FALSE(created.id().empty());
  EXPECT_EQ(created.DebugString(), expected.DebugString());
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].DebugString(), expected.DebugString());
}

TEST_F(CustomerServiceTest, GetReturnsStoredCustomer) {
  v1::Customer created = CreateGuide();
  v1::Customer got;
  ASSERT_THAT(Get(created.id(), &got), IsOk());
  EXPECT_EQ(got.DebugString(), created.DebugString());
}

TEST_F(CustomerServiceTest, ListReturnsCustomersInCreationOrder) {
  std::vector<std::string> ids;
  for (const char* given : {"Ann", "Bob", "Cid"}) {
    v1::Customer data = GuideCustomer(), created;
    data.set_given_name(given);
    ASSERT_THAT(Create(data, &created), IsOk());
    ids.push_back(created.id());
  }
  std::vector<v1::Customer> all = All();
  EXPECT_THAT(Ids(), ElementsAre(ids[0], ids[1], ids[2]));
  EXPECT_EQ(all[1].given_name(), "Bob");
}

TEST_F(CustomerServiceTest, UpdateReplacesAllFiveFields) {
  v1::Customer created = CreateGuide();
  v1::Customer changed;
  changed.set_id(created.id());
  changed.set_email_address("erika@example.com");
  changed.set_family_name("Mustermann");
  changed.set_given_name("Erika");
  changed.set_language_code("de");
  changed.set_phone_number("+491701234567");
  v1::Customer returned, stored;
  ASSERT_THAT(Update(changed, &returned), IsOk());
  EXPECT_EQ(returned.DebugString(), changed.DebugString());
  ASSERT_THAT(Get(created.id(), &stored), IsOk());
  EXPECT_EQ(stored.DebugString(), changed.DebugString());
  EXPECT_THAT(Ids(), ElementsAre(created.id()));
}

TEST_F(CustomerServiceTest, DeletedCustomerIsNotFoundEverywhere) {
  v1::Customer kept = CreateGuide();
  v1::Customer gone = CreateGuide();
  ASSERT_THAT(Delete(gone.id()), IsOk());
  ExpectNotFoundEverywhere(gone.id());
  EXPECT_THAT(Ids(), ElementsAre(kept.id()));
}

TEST_F(CustomerServiceTest, UnknownIdIsNotFoundEverywhere) {
  ExpectNotFoundEverywhere(kUnknownId);
  ExpectNotFoundEverywhere("");
  EXPECT_THAT(Ids(), IsEmpty());
}

TEST_F(CustomerServiceTest, DeleteRemovesCustomerAndFlags) {
  v1::Customer c = CreateGuide();
  ASSERT_THAT(AddFlag(c.id(), "vip"), IsOk());
  ASSERT_THAT(Delete(c.id()), IsOk());
  auto ns = fake().core().namespaces().GetOrCreate(test_namespace());
  ASSERT_TRUE(ns.ok()) << ns.status();
  EXPECT_THAT((*ns)->Export().customers, IsEmpty());
  EXPECT_THAT(ListFlags(c.id()),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
}

TEST_F(CustomerServiceTest, FlagAddAndRemoveAreIdempotent) {
  v1::Customer c = CreateGuide();
  EXPECT_THAT(Flags(c.id()), IsEmpty());
  ASSERT_THAT(AddFlag(c.id(), "autonomous_trips"), IsOk());
  ASSERT_THAT(AddFlag(c.id(), "autonomous_trips"), IsOk());
  EXPECT_THAT(Flags(c.id()), ElementsAre("autonomous_trips"));
  ASSERT_THAT(RemoveFlag(c.id(), "autonomous_trips"), IsOk());
  ASSERT_THAT(RemoveFlag(c.id(), "autonomous_trips"), IsOk());
  ASSERT_THAT(RemoveFlag(c.id(), "never_set"), IsOk());
  EXPECT_THAT(Flags(c.id()), IsEmpty());
}

TEST_F(CustomerServiceTest, FlagsAreListedInByteOrder) {
  v1::Customer c = CreateGuide();
  std::vector<std::string> flags = {"b",  "\xC3\xBCr", "B",  "a",
                                    "_x", "Z",         "a1", "10"};
  for (const std::string& flag : flags) {
    ASSERT_THAT(AddFlag(c.id(), flag), IsOk());
  }
  std::sort(flags.begin(), flags.end());  // std::string compares bytes
  EXPECT_EQ(Flags(c.id()), flags);
  EXPECT_EQ(flags.front(), "10");
  EXPECT_EQ(flags.back(), "\xC3\xBCr");
}

TEST_F(CustomerServiceTest, FlagsAreKeptPerCustomer) {
  v1::Customer a = CreateGuide(), b = CreateGuide();
  ASSERT_THAT(AddFlag(a.id(), "vip"), IsOk());
  EXPECT_THAT(Flags(a.id()), ElementsAre("vip"));
  EXPECT_THAT(Flags(b.id()), IsEmpty());
}

// ---- Ids ----

TEST_F(CustomerServiceTest, SameDataTwiceCreatesTwoCustomers) {
  v1::Customer a = CreateGuide(), b = CreateGuide();
  EXPECT_NE(a.id(), b.id());
  EXPECT_THAT(Ids(), ElementsAre(a.id(), b.id()));
}

TEST_F(CustomerServiceTest, IdsAreLowercaseUuidV4) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_THAT(CreateGuide().id(),
                MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]"
                             "[0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST_F(CustomerServiceTest, SameSeedGivesSameIdSequence) {
  auto sequence = [this](uint64_t seed) {
    FakeOptions options;
    options.seed = seed;
    UseOwnFake(std::move(options));
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(CreateGuide().id());
    return ids;
  };
  std::vector<std::string> first = sequence(42);
  EXPECT_EQ(sequence(42), first);
  EXPECT_NE(sequence(43), first);
}

// ---- Validation: the error table, for Create and Update ----

TEST_F(CustomerServiceTest, BothNamesEmptyIsInvalidName) {
  v1::Customer data = GuideCustomer();
  data.set_given_name("");
  data.set_family_name("");
  ExpectRefused(data, "INVALID_NAME", "given_name");
}

TEST_F(CustomerServiceTest, OneNameIsEnough) {
  v1::Customer data = GuideCustomer();
  data.set_family_name("");
  EXPECT_THAT(Create(data), IsOk());
  data = GuideCustomer();
  data.set_given_name("");
  EXPECT_THAT(Create(data), IsOk());
  EXPECT_EQ(All().size(), 2u);
}

TEST_F(CustomerServiceTest, NamesOf100CodePointsAreAccepted) {
  v1::Customer data = GuideCustomer(), created;
  data.set_given_name(Repeat("\xC3\xBC", 100));       // 200 bytes
  data.set_family_name(Repeat("\xE2\x82\xAC", 100));  // 300 bytes
  ASSERT_THAT(Create(data, &created), IsOk());
  EXPECT_EQ(created.given_name(), data.given_name());
  data.set_id(created.id());
  EXPECT_THAT(Update(data), IsOk());
}

TEST_F(CustomerServiceTest, GivenNameOver100CodePointsIsInvalid) {
  v1::Customer data = GuideCustomer();
  data.set_given_name(Repeat("\xC3\xBC", 101));
  ExpectRefused(data, "INVALID_GIVEN_NAME", "given_name");
}

TEST_F(CustomerServiceTest, FamilyNameOver100CodePointsIsInvalid) {
  v1::Customer data = GuideCustomer();
  data.set_family_name(Repeat("\xE2\x82\xAC", 101));
  ExpectRefused(data, "INVALID_FAMILY_NAME", "family_name");
}

TEST_F(CustomerServiceTest, BadEmailIsInvalidEmailAddress) {
  v1::Customer data = GuideCustomer();
  for (const std::string& email :
       {std::string(), std::string("no-at-sign.example.com"),
        Repeat("a", 64) + "@" + Repeat("b", 60) + "." + Repeat("b", 60) + "." +
            Repeat("c", 64)}) {  // 251 characters
    SCOPED_TRACE(email);
    data.set_email_address(email);
    ExpectRefused(data, "INVALID_EMAIL_ADDRESS", "email_address");
  }
}

TEST_F(CustomerServiceTest, NonE164PhoneIsInvalidPhoneNumber) {
  v1::Customer data = GuideCustomer();
  for (const char* phone : {"", "4997259173740", "+0997259173740", "+1234567",
                            "+1234567890123456", "+49 9725 9173740"}) {
    SCOPED_TRACE(phone);
    data.set_phone_number(phone);
    ExpectRefused(data, "INVALID_PHONE_NUMBER", "phone_number");
  }
}

TEST_F(CustomerServiceTest, UnassignedLanguageIsInvalidLanguageCode) {
  v1::Customer data = GuideCustomer();
  for (const char* code : {"", "xx", "EN", "eng", "iw"}) {
    SCOPED_TRACE(code);
    data.set_language_code(code);
    ExpectRefused(data, "INVALID_LANGUAGE_CODE", "language_code");
  }
}

TEST_F(CustomerServiceTest, CheckOrderIsNameEmailPhoneLanguage) {
  // Everything invalid; each step fixes the check that failed last.
  v1::Customer data;
  data.set_email_address("nope");
  data.set_phone_number("123");
  data.set_language_code("xx");
  ExpectRefused(data, "INVALID_NAME", "given_name");
  data.set_given_name(Repeat("g", 101));
  data.set_family_name(Repeat("f", 101));
  ExpectRefused(data, "INVALID_GIVEN_NAME", "given_name");
  data.set_given_name("Ok");
  ExpectRefused(data, "INVALID_FAMILY_NAME", "family_name");
  data.set_family_name("Ok");
  ExpectRefused(data, "INVALID_EMAIL_ADDRESS", "email_address");
  data.set_email_address("ok@moia.io");
  ExpectRefused(data, "INVALID_PHONE_NUMBER", "phone_number");
  data.set_phone_number("+4912345678");
  ExpectRefused(data, "INVALID_LANGUAGE_CODE", "language_code");
  data.set_language_code("de");
  EXPECT_THAT(Create(data), IsOk());
}

// ---- Flags ----

TEST_F(CustomerServiceTest, MalformedFlagIsInvalidFlag) {
  v1::Customer c = CreateGuide();
  ASSERT_THAT(AddFlag(c.id(), "vip"), IsOk());
  for (const std::string& flag :
       {std::string(), Repeat("f", 101), std::string("a b"),
        std::string("tab\there"), std::string("ctl\x01")}) {
    SCOPED_TRACE(flag);
    for (grpc::Status status :
         {AddFlag(c.id(), flag), RemoveFlag(c.id(), flag)}) {
      EXPECT_THAT(status,
                  StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FLAG"));
      EXPECT_EQ(ErrorInfoOf(status).domain(), kDomain);
      EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), "flag");
    }
  }
  EXPECT_TRUE(AddFlag(c.id(), Repeat("f", 100)).ok());
  EXPECT_THAT(Flags(c.id()), ElementsAre(Repeat("f", 100), "vip"));
}

TEST_F(CustomerServiceTest, FlagOutsideKnownListIsInvalidFlag) {
  UseFlagScenario();
  for (grpc::Status status :
       {AddFlag(kScenarioId, "other"), RemoveFlag(kScenarioId, "other")}) {
    EXPECT_THAT(status,
                StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FLAG"));
    EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), "flag");
  }
  EXPECT_THAT(Flags(kScenarioId), ElementsAre("locked"));
  ASSERT_THAT(AddFlag(kScenarioId, "vip"), IsOk());
  EXPECT_THAT(Flags(kScenarioId), ElementsAre("locked", "vip"));
}

TEST_F(CustomerServiceTest, ReadOnlyFlagIsFlagReadOnly) {
  UseFlagScenario();
  const v1::Customer other = CreateGuide();
  const auto read_only =
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "FLAG_READ_ONLY");
  grpc::Status status = RemoveFlag(kScenarioId, "locked");
  EXPECT_THAT(status, read_only);
  EXPECT_EQ(ErrorInfoOf(status).domain(), kDomain);
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), "flag");
  EXPECT_THAT(AddFlag(kScenarioId, "locked"), read_only);
  EXPECT_THAT(AddFlag(other.id(), "locked"), read_only);
  EXPECT_THAT(Flags(kScenarioId), ElementsAre("locked"));
  EXPECT_THAT(Flags(other.id()), IsEmpty());
}

TEST_F(CustomerServiceTest, ScenarioFlagsAreListedSortedAndUnique) {
  // A scenario given in code (FakeOptions::scenario), flags out of order.
  FakeOptions options;
  model::CustomerRecord record;
  record.id = kScenarioId;
  record.fields = {"a@moia.io", "Scenario", "Sam", "de", "+4912345678"};
  record.flags = {"vip", "autonomous_trips"};
  options.scenario.customers.push_back(record);
  UseOwnFake(std::move(options));
  EXPECT_THAT(Flags(kScenarioId), ElementsAre("autonomous_trips", "vip"));
  ASSERT_THAT(AddFlag(kScenarioId, "autonomous_trips"), IsOk());
  EXPECT_THAT(Flags(kScenarioId), ElementsAre("autonomous_trips", "vip"));
}

// ---- Limits ----

TEST_F(CustomerServiceTest, MaxCustomersIsCustomerLimitReached) {
  FakeOptions options;
  options.scenario.settings.max_customers = 2;
  UseOwnFake(std::move(options));
  v1::Customer a = CreateGuide(), b = CreateGuide();
  grpc::Status status = Create(GuideCustomer());
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "CUSTOMER_LIMIT_REACHED"));
  EXPECT_EQ(ErrorInfoOf(status).domain(), kDomain);
  EXPECT_THAT(Ids(), ElementsAre(a.id(), b.id()));
  ASSERT_THAT(Delete(a.id()), IsOk());
  v1::Customer c = CreateGuide();
  EXPECT_THAT(Ids(), ElementsAre(b.id(), c.id()));
}

TEST_F(CustomerServiceTest, UnseededIdsDifferAcrossNamespacesAndResets) {
  // Without a seed an id issued elsewhere must never name a customer here.
  const std::string first = CreateGuide().id();
  ASSERT_TRUE(control().Reset(test_namespace()).ok());
  const std::string after_reset = CreateGuide().id();
  v1::CreateCustomerRequest request;
  request.set_given_name("Other");
  request.set_email_address("other@example.com");
  request.set_language_code("de");
  request.set_phone_number("+4915112345678");
  v1::CreateCustomerResponse in_other;
  ASSERT_THAT(stub().CreateCustomer(ContextFor("unseeded-ids.other").get(),
                                    request, &in_other),
              IsOk());
  EXPECT_NE(first, after_reset);
  EXPECT_NE(first, in_other.customer().id());
  EXPECT_THAT(Get(first),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  ASSERT_TRUE(control().DeleteNamespace("unseeded-ids.other").ok());
}

}  // namespace
}  // namespace customerfake
