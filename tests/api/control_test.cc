// ControlService through a real gRPC stub: Reset, LoadScenario, ExportState,
// namespaces, fault rules, the control token and the separate control port.
// Every test runs on a fake started from scenarios/default.yaml, so each
// namespace's baseline holds its twelve customers.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/core/core.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kTestCustomerId[] = "6513270e-269e-4d37-b2a7-4de452e6b438";
constexpr char kLenaId[] = "d23f0824-128b-4f33-8c5c-7fd0a6a3a450";
constexpr char kUuidRegex[] =
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

std::string ScenarioPath(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / ".." /
          "scenarios" / name)
      .string();
}

// Three customers (one without an id) and a rule that refuses deletes.
constexpr char kThreeCustomers[] = R"(version: 1
settings: {id_seed: 5}
flags: {known: [VIP, STAFF]}
customers:
  - id: 11111111-1111-4111-8111-111111111111
    given_name: Ada
    email_address: ada@example.com
    language_code: en
    phone_number: "+4915100000011"
    flags: [VIP, STAFF]
  - given_name: Bea
    email_address: bea@example.com
    language_code: de
    phone_number: "+4915100000012"
  - id: 22222222-2222-4222-8222-222222222222
    given_name: Cem
    email_address: cem@example.com
    language_code: en
    phone_number: "+4915100000013"
faults:
  - id: no-deletes
    method: DeleteCustomer
    action: {code: PERMISSION_DENIED, message: "read only"}
)";

// Two problems: line 4 column 20 and line 8 column 13.
constexpr char kBadScenario[] = R"(version: 1
customers:
  - given_name: Ada
    email_address: nope
    language_code: en
    phone_number: "+4915100000011"
faults:
  - method: Fly
    action: {code: OK}
)";

class ControlTest : public FakeTest {
 protected:
  static Fake& ScenarioFake() {
    static Fake* const instance = [] {
      FakeOptions options;
      options.scenario_file = ScenarioPath("default.yaml");
      auto started = Fake::Start(options);
      if (!started.ok()) {
        ADD_FAILURE() << "the fake did not start: " << started.status();
        std::abort();
      }
      return started->release();
    }();
    return *instance;
  }

  void SetUp() override {
    FakeTest::SetUp();
    for (const char* suffix : {"", ".copy", ".a", ".b", ".never", ".fresh"}) {
      ScenarioFake().core().namespaces().Delete(Ns(suffix));
    }
    control_ = cv1::ControlService::NewStub(ScenarioFake().InProcessChannel());
    customers_ = CustomerService::NewStub(ScenarioFake().InProcessChannel());
  }

  std::string Ns(const std::string& suffix = "") const {
    return test_namespace() + suffix;
  }
  static std::unique_ptr<grpc::ClientContext> In(const std::string& ns) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-fake-namespace", ns);
    context->AddMetadata("authorization", "Bearer test-token");
    return context;
  }
  cv1::ControlService::Stub& Control() { return *control_; }
  CustomerService::Stub& Customers() { return *customers_; }

  std::vector<v1::Customer> List(const std::string& ns) {
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    v1::ListCustomersResponse response;
    EXPECT_THAT(Customers().ListCustomers(In(ns).get(), request, &response),
                IsOk());
    return {response.customers().begin(), response.customers().end()};
  }
  std::vector<std::string> Ids(const std::string& ns) {
    std::vector<std::string> ids;
    for (const v1::Customer& c : List(ns)) ids.push_back(c.id());
    return ids;
  }
  // Customers as comparable text.
  std::vector<std::string> Texts(const std::string& ns) {
    std::vector<std::string> out;
    for (const v1::Customer& c : List(ns)) out.push_back(c.ShortDebugString());
    return out;
  }
  grpc::Status Create(const std::string& ns, const std::string& given,
                      std::string* id = nullptr) {
    v1::CreateCustomerRequest request;
    request.set_given_name(given);
    request.set_email_address(given + "@example.com");
    request.set_language_code("en");
    request.set_phone_number("+4997259173740");
    v1::CreateCustomerResponse response;
    grpc::Status status =
        Customers().CreateCustomer(In(ns).get(), request, &response);
    if (id != nullptr) *id = response.customer().id();
    return status;
  }
  grpc::Status Get(const std::string& ns, const std::string& id) {
    v1::GetCustomerRequest request;
    request.set_id(id);
    v1::GetCustomerResponse response;
    return Customers().GetCustomer(In(ns).get(), request, &response);
  }
  std::vector<std::string> Flags(const std::string& ns, const std::string& id) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(id);
    v1::ListCustomerFlagsResponse response;
    EXPECT_THAT(Customers().ListCustomerFlags(In(ns).get(), request, &response),
                IsOk());
    return {response.flags().begin(), response.flags().end()};
  }

  grpc::Status Reset(const std::string& ns, bool empty = false) {
    cv1::ResetRequest request;
    request.set_empty(empty);
    cv1::ResetResponse response;
    return Control().Reset(In(ns).get(), request, &response);
  }
  grpc::Status Load(const std::string& ns, const std::string& yaml,
                    cv1::LoadScenarioResponse* response,
                    const std::string& source_name = "") {
    cv1::LoadScenarioRequest request;
    request.set_yaml(yaml);
    request.set_source_name(source_name);
    return Control().LoadScenario(In(ns).get(), request, response);
  }
  std::string Export(const std::string& ns) {
    cv1::ExportStateResponse response;
    EXPECT_THAT(Control().ExportState(In(ns).get(), cv1::ExportStateRequest(),
                                      &response),
                IsOk());
    return response.yaml();
  }
  grpc::Status AddRule(const std::string& ns, const cv1::AddFaultRuleRequest& r,
                       std::string* id = nullptr) {
    cv1::AddFaultRuleResponse response;
    grpc::Status status = Control().AddFaultRule(In(ns).get(), r, &response);
    if (id != nullptr) *id = response.id();
    return status;
  }
  grpc::Status AddRuleYaml(const std::string& ns, const std::string& yaml,
                           std::string* id = nullptr) {
    cv1::AddFaultRuleRequest request;
    request.set_yaml(yaml);
    return AddRule(ns, request, id);
  }
  std::vector<cv1::FaultRuleStatus> Rules(const std::string& ns) {
    cv1::ListFaultRulesResponse response;
    EXPECT_THAT(Control().ListFaultRules(
                    In(ns).get(), cv1::ListFaultRulesRequest(), &response),
                IsOk());
    return {response.rules().begin(), response.rules().end()};
  }
  std::vector<std::string> RuleIds(const std::string& ns) {
    std::vector<std::string> ids;
    for (const auto& status : Rules(ns)) ids.push_back(status.rule().id());
    return ids;
  }
  int CallCount(const std::string& ns) {
    cv1::ListCallsResponse response;
    EXPECT_THAT(
        Control().ListCalls(In(ns).get(), cv1::ListCallsRequest(), &response),
        IsOk());
    return response.calls_size();
  }
  grpc::Status DeleteNamespace(const std::string& ns) {
    cv1::DeleteNamespaceResponse response;
    return Control().DeleteNamespace(In(ns).get(),
                                     cv1::DeleteNamespaceRequest(), &response);
  }
  std::vector<std::string> Namespaces() {
    cv1::ListNamespacesResponse response;
    EXPECT_THAT(Control().ListNamespaces(
                    In(Ns()).get(), cv1::ListNamespacesRequest(), &response),
                IsOk());
    return {response.namespaces().begin(), response.namespaces().end()};
  }

 private:
  std::unique_ptr<cv1::ControlService::Stub> control_;
  std::unique_ptr<CustomerService::Stub> customers_;
};

TEST_F(ControlTest, ResetReturnsToTheBaseline) {
  const std::vector<std::string> baseline = Texts(Ns(".fresh"));
  ASSERT_THAT(baseline, SizeIs(12));
  std::string created;
  ASSERT_THAT(Create(Ns(), "Neu", &created), IsOk());
  v1::DeleteCustomerRequest del;
  del.set_id(kLenaId);
  v1::DeleteCustomerResponse deleted;
  ASSERT_THAT(Customers().DeleteCustomer(In(Ns()).get(), del, &deleted),
              IsOk());
  ASSERT_THAT(AddRuleYaml(Ns(), "{method: GetCustomer, action: {code: OK}}"),
              IsOk());

  ASSERT_THAT(Reset(Ns()), IsOk());
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_EQ(CallCount(Ns()), 0);
  EXPECT_EQ(Texts(Ns()), baseline);
  EXPECT_THAT(Get(Ns(), created),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  EXPECT_THAT(Get(Ns(), kLenaId), IsOk());
  // The id sequence restarts too (id_seed 42).
  std::string again;
  ASSERT_THAT(Create(Ns(), "Neu", &again), IsOk());
  EXPECT_EQ(again, created);
}

TEST_F(ControlTest, ResetEmptyLeavesNoCustomers) {
  ASSERT_THAT(Reset(Ns(), /*empty=*/true), IsOk());
  EXPECT_THAT(List(Ns()), IsEmpty());
  EXPECT_THAT(Get(Ns(), kTestCustomerId),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  ASSERT_THAT(Reset(Ns()), IsOk());
  EXPECT_THAT(List(Ns()), SizeIs(12));
}

TEST_F(ControlTest, ResetInvalidatesEarlierPageTokens) {
  v1::ListCustomersRequest request;
  request.set_page_size(5);
  v1::ListCustomersResponse first;
  ASSERT_THAT(Customers().ListCustomers(In(Ns()).get(), request, &first),
              IsOk());
  ASSERT_FALSE(first.next_page_token().empty());
  ASSERT_THAT(Reset(Ns()), IsOk());
  request.set_page_token(first.next_page_token());
  v1::ListCustomersResponse second;
  EXPECT_THAT(
      Customers().ListCustomers(In(Ns()).get(), request, &second),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_THAT(second.customers(), IsEmpty());
}

TEST_F(ControlTest, LoadScenarioReplacesStateAndBaseline) {
  cv1::LoadScenarioResponse response;
  ASSERT_THAT(Load(Ns(), kThreeCustomers, &response), IsOk());
  EXPECT_EQ(response.customers(), 3);
  EXPECT_EQ(response.fault_rules(), 1);
  const std::vector<v1::Customer> listed = List(Ns());
  ASSERT_THAT(listed, SizeIs(3));
  EXPECT_EQ(listed[0].id(), "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(listed[0].given_name(), "Ada");
  EXPECT_THAT(listed[1].id(), MatchesRegex(kUuidRegex));
  EXPECT_EQ(listed[1].given_name(), "Bea");
  EXPECT_EQ(listed[1].language_code(), "de");
  EXPECT_EQ(listed[2].id(), "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(listed[2].given_name(), "Cem");
  EXPECT_THAT(Flags(Ns(), listed[0].id()), ElementsAre("STAFF", "VIP"));
  EXPECT_THAT(Flags(Ns(), listed[1].id()), IsEmpty());
  EXPECT_THAT(RuleIds(Ns()), ElementsAre("no-deletes"));
  // The loaded scenario is the new baseline: Reset comes back to it.
  const std::vector<std::string> loaded = Texts(Ns());
  ASSERT_THAT(Create(Ns(), "Extra"), IsOk());
  ASSERT_THAT(Reset(Ns()), IsOk());
  EXPECT_EQ(Texts(Ns()), loaded);
  EXPECT_THAT(RuleIds(Ns()), ElementsAre("no-deletes"));
}

TEST_F(ControlTest, BadScenarioIsRefusedWithEveryProblemAndChangesNothing) {
  ASSERT_THAT(Create(Ns(), "Kept"), IsOk());
  ASSERT_THAT(AddRuleYaml(Ns(), "{method: DeleteCustomer, action: {code: OK}}"),
              IsOk());
  const std::string exported = Export(Ns());
  const std::vector<std::string> customers = Texts(Ns());
  const std::vector<std::string> rules = RuleIds(Ns());

  cv1::LoadScenarioResponse response;
  grpc::Status status = Load(Ns(), kBadScenario, &response);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_SCENARIO"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("request:4:20: customers[0].email_address: "
                        "INVALID_EMAIL_ADDRESS"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("\nrequest:8:13: faults[0].method: \"Fly\""));
  status = Load(Ns(), kBadScenario, &response, "fixture.yaml");
  EXPECT_THAT(status.error_message(),
              HasSubstr("fixture.yaml:4:20: customers[0].email_address"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("fixture.yaml:8:13: faults[0].method"));

  EXPECT_EQ(Export(Ns()), exported);
  EXPECT_EQ(Texts(Ns()), customers);
  EXPECT_EQ(RuleIds(Ns()), rules);
}

TEST_F(ControlTest, ExportedStateLoadsIntoAnotherNamespaceUnchanged) {
  std::string id;
  ASSERT_THAT(Create(Ns(), "Exported", &id), IsOk());
  v1::AddCustomerFlagRequest flag;
  flag.set_customer_id(id);
  flag.set_flag("WHEELCHAIR_ACCESS_NEEDED");
  v1::AddCustomerFlagResponse flagged;
  ASSERT_THAT(Customers().AddCustomerFlag(In(Ns()).get(), flag, &flagged),
              IsOk());
  ASSERT_THAT(AddRuleYaml(Ns(),
                          "{id: slow, method: DeleteCustomer, "
                          "times: 2, action: {code: OK, delay: 10ms}}"),
              IsOk());
  const std::string exported = Export(Ns());

  cv1::LoadScenarioResponse response;
  ASSERT_THAT(Load(Ns(".copy"), exported, &response), IsOk());
  EXPECT_EQ(response.customers(), 13);
  EXPECT_EQ(response.fault_rules(), 1);
  EXPECT_EQ(Export(Ns(".copy")), exported);
  EXPECT_EQ(Texts(Ns(".copy")), Texts(Ns()));
  EXPECT_THAT(Flags(Ns(".copy"), id), ElementsAre("WHEELCHAIR_ACCESS_NEEDED"));
}

TEST_F(ControlTest, DeletedNamespaceStartsAgainFromTheServerBaseline) {
  cv1::LoadScenarioResponse response;
  ASSERT_THAT(Load(Ns(), kThreeCustomers, &response), IsOk());
  ASSERT_THAT(Create(Ns(), "Gone"), IsOk());
  EXPECT_THAT(Namespaces(), Contains(Ns()));

  ASSERT_THAT(DeleteNamespace(Ns()), IsOk());
  EXPECT_THAT(Namespaces(), Not(Contains(Ns())));
  EXPECT_THAT(List(Ns()), SizeIs(12));
  EXPECT_THAT(Get(Ns(), kTestCustomerId), IsOk());
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_EQ(CallCount(Ns()), 2);  // the List and the Get above
  EXPECT_THAT(Namespaces(), Contains(Ns()));
}

TEST_F(ControlTest, DeletingAnUnknownNamespaceIsNotFound) {
  grpc::Status status = DeleteNamespace(Ns(".never"));
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::NOT_FOUND, "NAMESPACE_NOT_FOUND"));
  EXPECT_THAT(status.error_message(), HasSubstr(Ns(".never")));
  EXPECT_THAT(Namespaces(), Not(Contains(Ns(".never"))));
}

TEST_F(ControlTest, ListNamespacesShowsTheOnesInUse) {
  ASSERT_THAT(Reset(Ns(".a")), IsOk());
  EXPECT_THAT(List(Ns(".b")), SizeIs(12));
  std::vector<std::string> names = Namespaces();
  EXPECT_THAT(names, Contains(Ns(".a")));
  EXPECT_THAT(names, Contains(Ns(".b")));
  ASSERT_THAT(DeleteNamespace(Ns(".a")), IsOk());
  names = Namespaces();
  EXPECT_THAT(names, Not(Contains(Ns(".a"))));
  EXPECT_THAT(names, Contains(Ns(".b")));
}

TEST_F(ControlTest, FaultRulesAreManagedAtRunTime) {
  cv1::AddFaultRuleRequest structured;
  cv1::FaultRule* rule = structured.mutable_rule();
  rule->set_id("create-fails");
  rule->set_method("CreateCustomer");
  rule->set_times(1);
  rule->mutable_action()->set_code("UNAVAILABLE");
  rule->mutable_action()->set_message("down for a moment");
  rule->mutable_action()->set_retry_delay("0.2s");
  std::string first_id;
  ASSERT_THAT(AddRule(Ns(), structured, &first_id), IsOk());
  EXPECT_EQ(first_id, "create-fails");
  std::string second_id;
  ASSERT_THAT(AddRuleYaml(Ns(),
                          absl::StrCat("{method: GetCustomer, match_request: "
                                       "{id: ",
                                       kTestCustomerId,
                                       "}, action: {code: NOT_FOUND, "
                                       "reason: GONE}}"),
                          &second_id),
              IsOk());
  EXPECT_FALSE(second_id.empty());

  grpc::Status failed = Create(Ns(), "First");
  EXPECT_THAT(failed, StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
  EXPECT_EQ(failed.error_message(), "down for a moment");
  EXPECT_THAT(Create(Ns(), "Second"), IsOk());
  EXPECT_THAT(Get(Ns(), kTestCustomerId),
              StatusIs(grpc::StatusCode::NOT_FOUND, "GONE"));
  EXPECT_THAT(Get(Ns(), kLenaId), IsOk());

  std::vector<cv1::FaultRuleStatus> rules = Rules(Ns());
  ASSERT_THAT(rules, SizeIs(2));
  EXPECT_EQ(rules[0].rule().id(), "create-fails");
  EXPECT_EQ(rules[0].rule().method(), "CreateCustomer");
  EXPECT_EQ(rules[0].rule().times(), 1u);
  EXPECT_EQ(rules[0].rule().action().code(), "UNAVAILABLE");
  EXPECT_EQ(rules[0].rule().action().message(), "down for a moment");
  EXPECT_EQ(rules[0].rule().action().retry_delay(), "200ms");
  EXPECT_EQ(rules[0].matched(), 2u);
  EXPECT_EQ(rules[0].acted(), 1u);
  EXPECT_EQ(rules[1].rule().id(), second_id);
  EXPECT_EQ(rules[1].rule().match_request().at("id"), kTestCustomerId);
  EXPECT_EQ(rules[1].matched(), 1u);
  EXPECT_EQ(rules[1].acted(), 1u);

  cv1::RemoveFaultRuleRequest remove;
  remove.set_id("create-fails");
  cv1::RemoveFaultRuleResponse removed;
  ASSERT_THAT(Control().RemoveFaultRule(In(Ns()).get(), remove, &removed),
              IsOk());
  EXPECT_THAT(RuleIds(Ns()), ElementsAre(second_id));
  EXPECT_THAT(Control().RemoveFaultRule(In(Ns()).get(), remove, &removed),
              StatusIs(grpc::StatusCode::NOT_FOUND, "FAULT_RULE_NOT_FOUND"));

  cv1::ClearFaultRulesResponse cleared;
  ASSERT_THAT(Control().ClearFaultRules(
                  In(Ns()).get(), cv1::ClearFaultRulesRequest(), &cleared),
              IsOk());
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_THAT(Get(Ns(), kTestCustomerId), IsOk());
}

TEST_F(ControlTest, BadRulesAreRefusedNamingTheField) {
  cv1::AddFaultRuleRequest structured;
  structured.mutable_rule()->set_method("Fly");
  structured.mutable_rule()->mutable_action()->set_code("UNAVAILABLE");
  grpc::Status status = AddRule(Ns(), structured);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               "INVALID_FAULT_RULE"));
  EXPECT_THAT(status.error_message(), HasSubstr("method: \"Fly\""));

  structured.mutable_rule()->set_method("GetCustomer");
  (*structured.mutable_rule()->mutable_match_request())["email_address"] = "x";
  status = AddRule(Ns(), structured);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               "INVALID_FAULT_RULE"));
  EXPECT_THAT(status.error_message(), HasSubstr("match_request.email_address"));

  status = AddRuleYaml(
      Ns(), "{method: GetCustomer, probability: 2, action: {code: ABORTED}}");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               "INVALID_FAULT_RULE"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("probability: must be between 0 and 1, got 2"));
  EXPECT_THAT(Rules(Ns()), IsEmpty());
}

TEST_F(ControlTest, ControlTokenIsRequiredWhenConfigured) {
  FakeOptions options;
  options.control_token = "s3cret";
  auto fake = Fake::Start(options);
  ASSERT_TRUE(fake.ok()) << fake.status();
  auto stub = cv1::ControlService::NewStub((*fake)->InProcessChannel());
  auto call = [&](const char* token) {
    auto context = In(Ns());
    if (token != nullptr) context->AddMetadata("x-fake-control-token", token);
    cv1::ListNamespacesResponse response;
    return stub->ListNamespaces(context.get(), cv1::ListNamespacesRequest(),
                                &response);
  };
  EXPECT_THAT(call(nullptr), StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                      "PERMISSION_DENIED"));
  EXPECT_THAT(call("wrong"), StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                      "PERMISSION_DENIED"));
  EXPECT_THAT(call("s3cre"), StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                      "PERMISSION_DENIED"));
  EXPECT_THAT(call("s3cret"), IsOk());
  // The CustomerService does not ask for it.
  auto api = CustomerService::NewStub((*fake)->InProcessChannel());
  v1::ListCustomersResponse listed;
  EXPECT_THAT(
      api->ListCustomers(In(Ns()).get(), v1::ListCustomersRequest(), &listed),
      IsOk());
}

TEST_F(ControlTest, SeparateControlPortServesControlOnlyThere) {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  options.control_listen_address = "127.0.0.1:0";
  auto fake = Fake::Start(options);
  ASSERT_TRUE(fake.ok()) << fake.status();
  ASSERT_NE((*fake)->address(), (*fake)->control_address());
  auto insecure = grpc::InsecureChannelCredentials();
  auto on_api = cv1::ControlService::NewStub(
      grpc::CreateChannel((*fake)->address(), insecure));
  auto on_control = cv1::ControlService::NewStub(
      grpc::CreateChannel((*fake)->control_address(), insecure));
  cv1::ListNamespacesResponse response;
  EXPECT_EQ(on_api
                ->ListNamespaces(In(Ns()).get(), cv1::ListNamespacesRequest(),
                                 &response)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(on_control->ListNamespaces(
                  In(Ns()).get(), cv1::ListNamespacesRequest(), &response),
              IsOk());
  auto api = CustomerService::NewStub(
      grpc::CreateChannel((*fake)->address(), insecure));
  v1::ListCustomersResponse listed;
  EXPECT_THAT(
      api->ListCustomers(In(Ns()).get(), v1::ListCustomersRequest(), &listed),
      IsOk());
}

TEST_F(ControlTest, ServerStartedFromAScenarioFileServesItsCustomers) {
  v1::GetCustomerRequest request;
  request.set_id(kTestCustomerId);
  v1::GetCustomerResponse response;
  ASSERT_THAT(Customers().GetCustomer(In(Ns()).get(), request, &response),
              IsOk());
  EXPECT_EQ(response.customer().given_name(), "Test");
  EXPECT_EQ(response.customer().family_name(), "Customer");
  EXPECT_EQ(response.customer().email_address(), "test-customer@example.com");
  EXPECT_EQ(response.customer().phone_number(), "+4997259173740");
  EXPECT_THAT(Flags(Ns(), kTestCustomerId),
              ElementsAre("AUTONOMOUS_TRIPS_ALLOWED"));
}

}  // namespace
}  // namespace customerfake
