// moia.ridepooling.customer.v1beta1.CustomerService through real stubs: it
// serves the same state as v1, all eight RPCs work, its errors carry a code
// and a message but no binary details, the journal names the v1beta1 method,
// and fault rules pick versions by how their method is written.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake/testing/fake_test.h"
#include "moia/ridepooling/customer/v1beta1/customer.grpc.pb.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace v1beta1 = ::moia::ridepooling::customer::v1beta1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kBetaPrefix[] =
    "/moia.ridepooling.customer.v1beta1.CustomerService/";
constexpr char kV1Prefix[] = "/moia.trip.customer.v1.CustomerService/";
constexpr char kUnknownId[] = "00000000-0000-4000-8000-000000000000";

class V1Beta1Test : public FakeTest {
 protected:
  void SetUp() override {
    FakeTest::SetUp();
    beta_ = v1beta1::CustomerService::NewStub(fake().InProcessChannel());
  }

  v1beta1::CustomerService::Stub& beta() { return *beta_; }

  // Expects a v1beta1 error: this code, a message, and no binary details
  // (so no google.rpc.ErrorInfo either).
  static void ExpectCodeOnly(const grpc::Status& status,
                             grpc::StatusCode code) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), Not(IsEmpty()));
    EXPECT_THAT(status.error_details(), IsEmpty());
    EXPECT_THAT(ErrorInfoOf(status).reason(), IsEmpty());
  }

  // Creates a customer through v1beta1; its id, empty on failure.
  std::string CreateBeta(const std::string& given, const std::string& phone) {
    v1beta1::CreateCustomerRequest request;
    request.set_given_name(given);
    request.set_family_name("Beta");
    request.set_email_address("beta@example.com");
    request.set_language_code("en");
    request.set_phone_number(phone);
    v1beta1::CreateCustomerResponse response;
    grpc::Status status =
        beta().CreateCustomer(Context().get(), request, &response);
    EXPECT_THAT(status, IsOk());
    return response.customer().id();
  }

  // The full method names in this test's journal, oldest first.
  std::vector<std::string> JournalMethods() {
    auto page = control().ListCalls(test_namespace(), "");
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> methods;
    if (!page.ok()) return methods;
    for (const model::CallRecord& call : page->calls) {
      methods.push_back(call.method);
    }
    return methods;
  }

 private:
  std::unique_ptr<v1beta1::CustomerService::Stub> beta_;
};

TEST_F(V1Beta1Test, CreatedThroughV1Beta1IsVisibleThroughV1) {
  const std::string id = CreateBeta("Ann", "+4915112345678");
  ASSERT_FALSE(id.empty());

  v1::GetCustomerRequest request;
  request.set_id(id);
  v1::GetCustomerResponse response;
  ASSERT_THAT(stub().GetCustomer(Context().get(), request, &response), IsOk());
  EXPECT_EQ(response.customer().id(), id);
  EXPECT_EQ(response.customer().given_name(), "Ann");
  EXPECT_EQ(response.customer().family_name(), "Beta");
  EXPECT_EQ(response.customer().email_address(), "beta@example.com");
  EXPECT_EQ(response.customer().language_code(), "en");
  EXPECT_EQ(response.customer().phone_number(), "+4915112345678");
}

TEST_F(V1Beta1Test, CreatedThroughV1IsVisibleThroughV1Beta1) {
  v1::CreateCustomerRequest create;
  create.set_given_name("Bea");
  create.set_family_name("One");
  create.set_email_address("bea@example.com");
  create.set_language_code("de");
  create.set_phone_number("+4917623456789");
  v1::CreateCustomerResponse created;
  ASSERT_THAT(stub().CreateCustomer(Context().get(), create, &created), IsOk());

  v1beta1::GetCustomerRequest request;
  request.set_id(created.customer().id());
  v1beta1::GetCustomerResponse response;
  ASSERT_THAT(beta().GetCustomer(Context().get(), request, &response), IsOk());
  EXPECT_EQ(response.customer().id(), created.customer().id());
  EXPECT_EQ(response.customer().given_name(), "Bea");
  EXPECT_EQ(response.customer().family_name(), "One");
  EXPECT_EQ(response.customer().email_address(), "bea@example.com");
  EXPECT_EQ(response.customer().language_code(), "de");
  EXPECT_EQ(response.customer().phone_number(), "+4917623456789");

  // And a v1beta1 delete is seen by v1.
  v1beta1::DeleteCustomerRequest del;
  del.set_id(created.customer().id());
  v1beta1::DeleteCustomerResponse deleted;
  ASSERT_THAT(beta().DeleteCustomer(Context().get(), del, &deleted), IsOk());
  v1::GetCustomerRequest get;
  get.set_id(created.customer().id());
  v1::GetCustomerResponse gone;
  EXPECT_THAT(stub().GetCustomer(Context().get(), get, &gone),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
}

TEST_F(V1Beta1Test, AllEightRpcsWork) {
  const std::string a = CreateBeta("Ann", "+4915112345678");
  const std::string b = CreateBeta("Ben", "+4915112345679");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  ASSERT_NE(a, b);

  {  // GetCustomer
    v1beta1::GetCustomerRequest request;
    request.set_id(a);
    v1beta1::GetCustomerResponse response;
    ASSERT_THAT(beta().GetCustomer(Context().get(), request, &response),
                IsOk());
    EXPECT_EQ(response.customer().given_name(), "Ann");
  }
  {  // ListCustomers, in creation order, paged by one.
    v1beta1::ListCustomersRequest request;
    request.set_page_size(1);
    v1beta1::ListCustomersResponse first;
    ASSERT_THAT(beta().ListCustomers(Context().get(), request, &first), IsOk());
    ASSERT_THAT(first.customers(), SizeIs(1));
    EXPECT_EQ(first.customers(0).id(), a);
    ASSERT_FALSE(first.next_page_token().empty());
    request.set_page_token(first.next_page_token());
    v1beta1::ListCustomersResponse second;
    ASSERT_THAT(beta().ListCustomers(Context().get(), request, &second),
                IsOk());
    ASSERT_THAT(second.customers(), SizeIs(1));
    EXPECT_EQ(second.customers(0).id(), b);
    EXPECT_THAT(second.next_page_token(), IsEmpty());
  }
  {  // UpdateCustomer
    v1beta1::UpdateCustomerRequest request;
    v1beta1::Customer* customer = request.mutable_customer();
    customer->set_id(a);
    customer->set_given_name("Anna");
    customer->set_family_name("Updated");
    customer->set_email_address("anna@example.com");
    customer->set_language_code("de");
    customer->set_phone_number("+4940123456789");
    v1beta1::UpdateCustomerResponse response;
    ASSERT_THAT(beta().UpdateCustomer(Context().get(), request, &response),
                IsOk());
    EXPECT_EQ(response.customer().id(), a);
    EXPECT_EQ(response.customer().given_name(), "Anna");
    EXPECT_EQ(response.customer().family_name(), "Updated");
    EXPECT_EQ(response.customer().email_address(), "anna@example.com");
    EXPECT_EQ(response.customer().language_code(), "de");
    EXPECT_EQ(response.customer().phone_number(), "+4940123456789");
  }
  {  // AddCustomerFlag, twice (idempotent), then a second flag.
    for (const char* flag : {"STAFF", "STAFF", "AUTONOMOUS_TRIPS_ALLOWED"}) {
      v1beta1::AddCustomerFlagRequest request;
      request.set_customer_id(a);
      request.set_flag(flag);
      v1beta1::AddCustomerFlagResponse response;
      ASSERT_THAT(beta().AddCustomerFlag(Context().get(), request, &response),
                  IsOk())
          << flag;
    }
  }
  {  // ListCustomerFlags, sorted.
    v1beta1::ListCustomerFlagsRequest request;
    request.set_customer_id(a);
    v1beta1::ListCustomerFlagsResponse response;
    ASSERT_THAT(beta().ListCustomerFlags(Context().get(), request, &response),
                IsOk());
    EXPECT_THAT(response.flags(),
                ElementsAre("AUTONOMOUS_TRIPS_ALLOWED", "STAFF"));
    EXPECT_THAT(response.next_page_token(), IsEmpty());
  }
  {  // RemoveCustomerFlag
    v1beta1::RemoveCustomerFlagRequest request;
    request.set_customer_id(a);
    request.set_flag("STAFF");
    v1beta1::RemoveCustomerFlagResponse response;
    ASSERT_THAT(beta().RemoveCustomerFlag(Context().get(), request, &response),
                IsOk());
  }
  {  // DeleteCustomer
    v1beta1::DeleteCustomerRequest request;
    request.set_id(b);
    v1beta1::DeleteCustomerResponse response;
    ASSERT_THAT(beta().DeleteCustomer(Context().get(), request, &response),
                IsOk());
  }

  // The state after, as v1 sees it: Ann updated with one flag, Ben gone.
  v1::ListCustomersRequest list;
  v1::ListCustomersResponse customers;
  ASSERT_THAT(stub().ListCustomers(Context().get(), list, &customers), IsOk());
  ASSERT_THAT(customers.customers(), SizeIs(1));
  EXPECT_EQ(customers.customers(0).id(), a);
  EXPECT_EQ(customers.customers(0).given_name(), "Anna");
  v1::ListCustomerFlagsRequest flags_request;
  flags_request.set_customer_id(a);
  v1::ListCustomerFlagsResponse flags;
  ASSERT_THAT(stub().ListCustomerFlags(Context().get(), flags_request, &flags),
              IsOk());
  EXPECT_THAT(flags.flags(), ElementsAre("AUTONOMOUS_TRIPS_ALLOWED"));

  // Every call is journaled under its v1beta1 name, v1's under v1's.
  const std::string beta_prefix = kBetaPrefix;
  const std::string v1_prefix = kV1Prefix;
  EXPECT_THAT(
      JournalMethods(),
      ElementsAre(
          beta_prefix + "CreateCustomer", beta_prefix + "CreateCustomer",
          beta_prefix + "GetCustomer", beta_prefix + "ListCustomers",
          beta_prefix + "ListCustomers", beta_prefix + "UpdateCustomer",
          beta_prefix + "AddCustomerFlag", beta_prefix + "AddCustomerFlag",
          beta_prefix + "AddCustomerFlag", beta_prefix + "ListCustomerFlags",
          beta_prefix + "RemoveCustomerFlag", beta_prefix + "DeleteCustomer",
          v1_prefix + "ListCustomers", v1_prefix + "ListCustomerFlags"));
}

TEST_F(V1Beta1Test, NotFoundCarriesCodeAndMessageButNoDetails) {
  v1beta1::GetCustomerRequest request;
  request.set_id(kUnknownId);
  v1beta1::GetCustomerResponse response;
  grpc::Status status = beta().GetCustomer(Context().get(), request, &response);
  ExpectCodeOnly(status, grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr(kUnknownId));

  // The same call through v1 carries the ErrorInfo.
  v1::GetCustomerRequest v1_request;
  v1_request.set_id(kUnknownId);
  v1::GetCustomerResponse v1_response;
  EXPECT_THAT(stub().GetCustomer(Context().get(), v1_request, &v1_response),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));

  // The journal names the v1beta1 method and the code.
  auto page = control().ListCalls(test_namespace(), "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->calls, SizeIs(2));
  EXPECT_EQ(page->calls[0].method, std::string(kBetaPrefix) + "GetCustomer");
  EXPECT_EQ(page->calls[0].code, absl::StatusCode::kNotFound);
  EXPECT_THAT(page->calls[0].message, HasSubstr(kUnknownId));
  EXPECT_EQ(page->calls[1].method, std::string(kV1Prefix) + "GetCustomer");
}

TEST_F(V1Beta1Test, EveryCustomerRpcAnswersNotFoundForAnUnknownId) {
  auto expect = [](const grpc::Status& status, const char* rpc) {
    SCOPED_TRACE(rpc);
    ExpectCodeOnly(status, grpc::StatusCode::NOT_FOUND);
  };
  {
    v1beta1::UpdateCustomerRequest request;
    v1beta1::Customer* customer = request.mutable_customer();
    customer->set_id(kUnknownId);
    customer->set_given_name("X");
    customer->set_email_address("x@example.com");
    customer->set_language_code("en");
    customer->set_phone_number("+4915112345678");
    v1beta1::UpdateCustomerResponse response;
    expect(beta().UpdateCustomer(Context().get(), request, &response),
           "UpdateCustomer");
  }
  {
    v1beta1::DeleteCustomerRequest request;
    request.set_id(kUnknownId);
    v1beta1::DeleteCustomerResponse response;
    expect(beta().DeleteCustomer(Context().get(), request, &response),
           "DeleteCustomer");
  }
  {
    v1beta1::ListCustomerFlagsRequest request;
    request.set_customer_id(kUnknownId);
    v1beta1::ListCustomerFlagsResponse response;
    expect(beta().ListCustomerFlags(Context().get(), request, &response),
           "ListCustomerFlags");
  }
  {
    v1beta1::AddCustomerFlagRequest request;
    request.set_customer_id(kUnknownId);
    request.set_flag("STAFF");
    v1beta1::AddCustomerFlagResponse response;
    expect(beta().AddCustomerFlag(Context().get(), request, &response),
           "AddCustomerFlag");
  }
  {
    v1beta1::RemoveCustomerFlagRequest request;
    request.set_customer_id(kUnknownId);
    request.set_flag("STAFF");
    v1beta1::RemoveCustomerFlagResponse response;
    expect(beta().RemoveCustomerFlag(Context().get(), request, &response),
           "RemoveCustomerFlag");
  }
}

TEST_F(V1Beta1Test, BadPhoneIsInvalidArgumentWithoutDetailsAndCreatesNothing) {
  v1beta1::CreateCustomerRequest request;
  request.set_given_name("Ann");
  request.set_email_address("ann@example.com");
  request.set_language_code("en");
  request.set_phone_number("0401234");
  v1beta1::CreateCustomerResponse response;
  grpc::Status status =
      beta().CreateCustomer(Context().get(), request, &response);
  ExpectCodeOnly(status, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("phone_number"));
  EXPECT_FALSE(response.has_customer());

  v1beta1::ListCustomersResponse list;
  ASSERT_THAT(beta().ListCustomers(Context().get(),
                                   v1beta1::ListCustomersRequest(), &list),
              IsOk());
  EXPECT_THAT(list.customers(), IsEmpty());

  auto page = control().ListCalls(test_namespace(), "CreateCustomer");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->calls, SizeIs(1));
  EXPECT_EQ(page->calls[0].method, std::string(kBetaPrefix) + "CreateCustomer");
  EXPECT_EQ(page->calls[0].code, absl::StatusCode::kInvalidArgument);
}

TEST_F(V1Beta1Test, MissingTokenIsUnauthenticatedWithoutDetails) {
  v1beta1::ListCustomersResponse response;
  grpc::Status status =
      beta().ListCustomers(ContextFor(test_namespace(), std::nullopt).get(),
                           v1beta1::ListCustomersRequest(), &response);
  ExpectCodeOnly(status, grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(V1Beta1Test, InjectedFaultLosesReasonAndRetryInfoOnV1Beta1Only) {
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(test_namespace(),
                                    "{id: outage, method: GetCustomer, action: "
                                    "{code: UNAVAILABLE, message: down, "
                                    "reason: OUTAGE, retry_delay: 1s}}")
                  .ok());
  v1beta1::GetCustomerRequest request;
  request.set_id(kUnknownId);
  v1beta1::GetCustomerResponse response;
  grpc::Status status = beta().GetCustomer(Context().get(), request, &response);
  ExpectCodeOnly(status, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "down");

  v1::GetCustomerRequest v1_request;
  v1_request.set_id(kUnknownId);
  v1::GetCustomerResponse v1_response;
  grpc::Status v1_status =
      stub().GetCustomer(Context().get(), v1_request, &v1_response);
  EXPECT_THAT(v1_status, StatusIs(grpc::StatusCode::UNAVAILABLE, "OUTAGE"));
  EXPECT_THAT(v1_status.error_details(), Not(IsEmpty()));
}

// The outcome of one GetCustomer of kUnknownId through each version.
struct BothCodes {
  grpc::StatusCode v1;
  grpc::StatusCode beta;
};

class V1Beta1FaultTest : public V1Beta1Test {
 protected:
  BothCodes GetThroughBoth() {
    v1::GetCustomerRequest v1_request;
    v1_request.set_id(kUnknownId);
    v1::GetCustomerResponse v1_response;
    v1beta1::GetCustomerRequest beta_request;
    beta_request.set_id(kUnknownId);
    v1beta1::GetCustomerResponse beta_response;
    return {stub()
                .GetCustomer(Context().get(), v1_request, &v1_response)
                .error_code(),
            beta()
                .GetCustomer(Context().get(), beta_request, &beta_response)
                .error_code()};
  }

  // The rule's acted count, from ListFaultRules.
  uint64_t Acted(const std::string& id) {
    auto rules = control().ListFaultRules(test_namespace());
    EXPECT_TRUE(rules.ok()) << rules.status();
    if (!rules.ok()) return 0;
    for (const model::RuleStatus& rule : *rules) {
      if (rule.rule.id == id) return rule.acted;
    }
    ADD_FAILURE() << "no rule " << id;
    return 0;
  }

  // The fault_rule of each journaled call, oldest first.
  std::vector<std::string> JournalFaultRules() {
    auto page = control().ListCalls(test_namespace(), "");
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> rules;
    if (!page.ok()) return rules;
    for (const model::CallRecord& call : page->calls) {
      rules.push_back(call.fault_rule);
    }
    return rules;
  }
};

TEST_F(V1Beta1FaultTest, ShortMethodNameActsOnBothVersions) {
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(test_namespace(),
                                    "{id: short, method: GetCustomer, "
                                    "action: {code: UNAVAILABLE}}")
                  .ok());
  BothCodes codes = GetThroughBoth();
  EXPECT_EQ(codes.v1, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(codes.beta, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Acted("short"), 2u);
  EXPECT_THAT(JournalFaultRules(), ElementsAre("short", "short"));
}

TEST_F(V1Beta1FaultTest, FullV1NameActsOnV1Only) {
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(
                      test_namespace(),
                      "{id: v1-only, method: "
                      "/moia.trip.customer.v1.CustomerService/GetCustomer, "
                      "action: {code: UNAVAILABLE}}")
                  .ok());
  BothCodes codes = GetThroughBoth();
  EXPECT_EQ(codes.v1, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(codes.beta, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Acted("v1-only"), 1u);
  EXPECT_THAT(JournalFaultRules(), ElementsAre("v1-only", ""));
}

TEST_F(V1Beta1FaultTest, FullV1Beta1NameActsOnV1Beta1Only) {
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(test_namespace(),
                                    "{id: beta-only, method: "
                                    "/moia.ridepooling.customer.v1beta1."
                                    "CustomerService/GetCustomer, "
                                    "action: {code: UNAVAILABLE}}")
                  .ok());
  BothCodes codes = GetThroughBoth();
  EXPECT_EQ(codes.v1, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(codes.beta, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Acted("beta-only"), 1u);
  EXPECT_THAT(JournalFaultRules(), ElementsAre("", "beta-only"));
}

}  // namespace
}  // namespace customerfake
