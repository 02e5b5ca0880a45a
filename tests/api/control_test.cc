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
#include "fake/model/version.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ControlStub = cv1::ControlService::Stub;
using Stub = v1::CustomerService::Stub;

constexpr char kTestCustomerId[] = "6513270e-269e-4d37-b2a7-4de452e6b438";
constexpr char kLenaId[] = "d23f0824-128b-4f33-8c5c-7fd0a6a3a450";
constexpr char kUuidRegex[] =
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

// A scenario file of the repository.
std::string ScenarioPath(const std::string& name) {
  return (std::filesystem::path(CUSTOMER_FAKE_SCENARIOS_DIR) / name).string();
}

// ListNamespaces with `token` in x-fake-control-token unless null.
grpc::Status ListNamespaces(ControlStub& stub, const char* token = nullptr) {
  grpc::ClientContext context;
  if (token != nullptr) context.AddMetadata("x-fake-control-token", token);
  cv1::ListNamespacesResponse response;
  return stub.ListNamespaces(&context, cv1::ListNamespacesRequest(), &response);
}

grpc::Status ListCustomers(Stub& stub) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer test-token");
  v1::ListCustomersResponse response;
  return stub.ListCustomers(&context, v1::ListCustomersRequest(), &response);
}

// Three customers (one without an id) and a rule that refuses deletes.
constexpr char kThreeCustomers[] = R"(version: 1
settings: {id_seed: 5}
flags: {known: [VIP, STAFF]}
customers:
  - {id: 11111111-1111-4111-8111-111111111111, given_name: Ada,
     email_address: ada@example.com, language_code: en,
     phone_number: "+4915100000011", flags: [VIP, STAFF]}
  - {given_name: Bea, email_address: bea@example.com, language_code: de,
     phone_number: "+4915100000012"}
  - {id: 22222222-2222-4222-8222-222222222222, given_name: Cem,
     email_address: cem@example.com, language_code: en,
     phone_number: "+4915100000013"}
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
      if (!started.ok()) std::abort();
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

  // Runs a ControlService RPC in `ns`; `out` (if set) gets the response.
  template <typename Request, typename Response>
  grpc::Status Ctl(grpc::Status (ControlStub::*rpc)(grpc::ClientContext*,
                                                    const Request&, Response*),
                   const std::string& ns, const Request& request = {},
                   Response* out = nullptr) {
    Response response;
    return ((*control_).*rpc)(ContextFor(ns).get(), request,
                              out ? out : &response);
  }
  // The same for a CustomerService RPC.
  template <typename Request, typename Response>
  grpc::Status Api(grpc::Status (CustomerService::Stub::*rpc)(
                       grpc::ClientContext*, const Request&, Response*),
                   const std::string& ns, const Request& request = {},
                   Response* out = nullptr) {
    Response response;
    return ((*customers_).*rpc)(ContextFor(ns).get(), request,
                                out ? out : &response);
  }

  std::vector<v1::Customer> List(const std::string& ns) {
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    v1::ListCustomersResponse response;
    EXPECT_THAT(Api(&Stub::ListCustomers, ns, request, &response), IsOk());
    return {response.customers().begin(), response.customers().end()};
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
    grpc::Status status = Api(&Stub::CreateCustomer, ns, request, &response);
    if (id != nullptr) *id = response.customer().id();
    return status;
  }
  grpc::Status Get(const std::string& ns, const std::string& id) {
    v1::GetCustomerRequest request;
    request.set_id(id);
    return Api(&Stub::GetCustomer, ns, request);
  }
  std::vector<std::string> Flags(const std::string& ns, const std::string& id) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(id);
    v1::ListCustomerFlagsResponse response;
    EXPECT_THAT(Api(&Stub::ListCustomerFlags, ns, request, &response), IsOk());
    return {response.flags().begin(), response.flags().end()};
  }

  grpc::Status Reset(const std::string& ns, bool empty = false,
                     bool to_start = false) {
    cv1::ResetRequest request;
    request.set_empty(empty);
    request.set_to_start(to_start);
    return Ctl(&ControlStub::Reset, ns, request);
  }
  grpc::Status Load(const std::string& ns, const std::string& yaml,
                    cv1::LoadScenarioResponse* response = nullptr,
                    const std::string& source_name = "") {
    cv1::LoadScenarioRequest request;
    request.set_yaml(yaml);
    request.set_source_name(source_name);
    return Ctl(&ControlStub::LoadScenario, ns, request, response);
  }
  std::string Export(const std::string& ns) {
    cv1::ExportStateResponse response;
    EXPECT_THAT(Ctl(&ControlStub::ExportState, ns, {}, &response), IsOk());
    return response.yaml();
  }
  grpc::Status AddRule(const std::string& ns, const cv1::AddFaultRuleRequest& r,
                       std::string* id = nullptr) {
    cv1::AddFaultRuleResponse response;
    grpc::Status status = Ctl(&ControlStub::AddFaultRule, ns, r, &response);
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
    EXPECT_THAT(Ctl(&ControlStub::ListFaultRules, ns, {}, &response), IsOk());
    return {response.rules().begin(), response.rules().end()};
  }
  std::vector<std::string> RuleIds(const std::string& ns) {
    std::vector<std::string> ids;
    for (const auto& status : Rules(ns)) ids.push_back(status.rule().id());
    return ids;
  }
  int CallCount(const std::string& ns) {
    cv1::ListCallsResponse response;
    EXPECT_THAT(Ctl(&ControlStub::ListCalls, ns, {}, &response), IsOk());
    return response.calls_size();
  }
  std::vector<std::string> Namespaces() {
    cv1::ListNamespacesResponse response;
    EXPECT_THAT(Ctl(&ControlStub::ListNamespaces, Ns(), {}, &response), IsOk());
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
  ASSERT_THAT(Api(&Stub::DeleteCustomer, Ns(), del), IsOk());
  ASSERT_THAT(AddRuleYaml(Ns(), "{method: GetCustomer, action: {code: OK}}"),
              IsOk());
  v1::ListCustomersRequest paged;
  paged.set_page_size(5);
  v1::ListCustomersResponse first;
  ASSERT_THAT(Api(&Stub::ListCustomers, Ns(), paged, &first), IsOk());
  ASSERT_FALSE(first.next_page_token().empty());

  ASSERT_THAT(Reset(Ns()), IsOk());
  // Earlier page tokens are invalid now.
  paged.set_page_token(first.next_page_token());
  EXPECT_THAT(
      Api(&Stub::ListCustomers, Ns(), paged),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_EQ(CallCount(Ns()), 1);  // the refused ListCustomers
  EXPECT_EQ(Texts(Ns()), baseline);
  EXPECT_THAT(Get(Ns(), created),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  EXPECT_THAT(Get(Ns(), kLenaId), IsOk());
  // The id sequence restarts too (id_seed 42).
  std::string again;
  ASSERT_THAT(Create(Ns(), "Neu", &again), IsOk());
  EXPECT_EQ(again, created);

  ASSERT_THAT(Reset(Ns(), /*empty=*/true), IsOk());
  EXPECT_THAT(List(Ns()), IsEmpty());
  EXPECT_THAT(Get(Ns(), kTestCustomerId),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
}

TEST_F(ControlTest, ResetToStartUndoesLoadScenario) {
  const std::vector<std::string> start = Texts(Ns(".fresh"));
  ASSERT_THAT(start, SizeIs(12));
  ASSERT_THAT(Load(Ns(), kThreeCustomers), IsOk());
  const std::vector<std::string> loaded = Texts(Ns());
  ASSERT_THAT(Create(Ns(), "Extra"), IsOk());
  // A plain reset goes back to the loaded scenario, --to-start past it.
  ASSERT_THAT(Reset(Ns()), IsOk());
  EXPECT_EQ(Texts(Ns()), loaded);
  ASSERT_THAT(Reset(Ns(), /*empty=*/false, /*to_start=*/true), IsOk());
  EXPECT_EQ(Texts(Ns()), start);
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  // The start scenario is the baseline again.
  ASSERT_THAT(Create(Ns(), "Extra"), IsOk());
  ASSERT_THAT(Reset(Ns()), IsOk());
  EXPECT_EQ(Texts(Ns()), start);
  // Both at once is refused and changes nothing.
  EXPECT_THAT(Reset(Ns(), /*empty=*/true, /*to_start=*/true),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_RESET"));
  EXPECT_EQ(Texts(Ns()), start);
}

TEST_F(ControlTest, LoadScenarioReplacesStateAndBaseline) {
  cv1::LoadScenarioResponse response;
  ASSERT_THAT(Load(Ns(), kThreeCustomers, &response), IsOk());
  EXPECT_EQ(response.customers(), 3);
  EXPECT_EQ(response.fault_rules(), 1);
  std::vector<std::string> ids, names;
  for (const v1::Customer& c : List(Ns())) {
    ids.push_back(c.id());
    names.push_back(c.given_name());
  }
  EXPECT_THAT(names, ElementsAre("Ada", "Bea", "Cem"));
  ASSERT_THAT(ids, ElementsAre("11111111-1111-4111-8111-111111111111",
                               MatchesRegex(kUuidRegex),
                               "22222222-2222-4222-8222-222222222222"));
  EXPECT_THAT(Flags(Ns(), ids[0]), ElementsAre("STAFF", "VIP"));
  EXPECT_THAT(Flags(Ns(), ids[1]), IsEmpty());
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

  grpc::Status status = Load(Ns(), kBadScenario);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_SCENARIO"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("request:4:20: customers[0].email_address: "
                        "INVALID_EMAIL_ADDRESS"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("\nrequest:8:13: faults[0].method: \"Fly\""));
  status = Load(Ns(), kBadScenario, nullptr, "fixture.yaml");
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
  ASSERT_THAT(Api(&Stub::AddCustomerFlag, Ns(), flag), IsOk());
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

TEST_F(ControlTest, ExportStateNamesTheVersionThatExportedIt) {
  cv1::ExportStateResponse response;
  ASSERT_THAT(Ctl(&ControlStub::ExportState, Ns(), {}, &response), IsOk());
  EXPECT_EQ(response.fake_version(), model::FakeVersion());
  EXPECT_FALSE(response.yaml().empty());
}

TEST_F(ControlTest, DeletedNamespaceStartsAgainFromTheServerBaseline) {
  ASSERT_THAT(Load(Ns(), kThreeCustomers), IsOk());
  ASSERT_THAT(Create(Ns(), "Gone"), IsOk());
  EXPECT_THAT(Namespaces(), Contains(Ns()));

  ASSERT_THAT(Ctl(&ControlStub::DeleteNamespace, Ns()), IsOk());
  EXPECT_THAT(Namespaces(), Not(Contains(Ns())));
  EXPECT_THAT(List(Ns()), SizeIs(12));
  EXPECT_THAT(Get(Ns(), kTestCustomerId), IsOk());
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_EQ(CallCount(Ns()), 2);  // the List and the Get above
  EXPECT_THAT(Namespaces(), Contains(Ns()));
}

TEST_F(ControlTest, NamespacesAreListedAndUnknownOnesAreNotFound) {
  ASSERT_THAT(Reset(Ns(".a")), IsOk());
  EXPECT_THAT(List(Ns(".b")), SizeIs(12));
  EXPECT_THAT(Namespaces(), IsSupersetOf({Ns(".a"), Ns(".b")}));
  ASSERT_THAT(Ctl(&ControlStub::DeleteNamespace, Ns(".a")), IsOk());
  EXPECT_THAT(Namespaces(), AllOf(Not(Contains(Ns(".a"))), Contains(Ns(".b"))));

  grpc::Status status = Ctl(&ControlStub::DeleteNamespace, Ns(".never"));
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::NOT_FOUND, "NAMESPACE_NOT_FOUND"));
  EXPECT_EQ(status.error_message(),
            absl::StrCat("no namespace \"", Ns(".never"), "\""));
  EXPECT_THAT(Namespaces(), Not(Contains(Ns(".never"))));
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

  grpc::Status failed = Create(Ns(), "First");
  EXPECT_THAT(failed, StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
  EXPECT_EQ(failed.error_message(), "down for a moment");
  EXPECT_THAT(Create(Ns(), "Second"), IsOk());
  EXPECT_THAT(Get(Ns(), kTestCustomerId),
              StatusIs(grpc::StatusCode::NOT_FOUND, "GONE"));
  EXPECT_THAT(Get(Ns(), kLenaId), IsOk());

  std::vector<cv1::FaultRuleStatus> rules = Rules(Ns());
  ASSERT_THAT(rules, SizeIs(2));
  const cv1::FaultRule& first = rules[0].rule();
  EXPECT_EQ(
      absl::StrCat(first.id(), " ", first.method(), " ", first.times(), " ",
                   first.action().code(), " ", first.action().message(), " ",
                   first.action().retry_delay()),
      "create-fails CreateCustomer 1 UNAVAILABLE down for a moment 200ms");
  EXPECT_EQ(rules[1].rule().id(), second_id);
  EXPECT_EQ(rules[1].rule().match_request().at("id"), kTestCustomerId);
  // The first rule matched both creates and acted on one.
  EXPECT_EQ(absl::StrCat(rules[0].matched(), "/", rules[0].acted(), " ",
                         rules[1].matched(), "/", rules[1].acted()),
            "2/1 1/1");

  cv1::RemoveFaultRuleRequest remove;
  remove.set_id("create-fails");
  ASSERT_THAT(Ctl(&ControlStub::RemoveFaultRule, Ns(), remove), IsOk());
  EXPECT_THAT(RuleIds(Ns()), ElementsAre(second_id));
  EXPECT_THAT(Ctl(&ControlStub::RemoveFaultRule, Ns(), remove),
              StatusIs(grpc::StatusCode::NOT_FOUND, "FAULT_RULE_NOT_FOUND"));

  ASSERT_THAT(Ctl(&ControlStub::ClearFaultRules, Ns()), IsOk());
  EXPECT_THAT(Rules(Ns()), IsEmpty());
  EXPECT_THAT(Get(Ns(), kTestCustomerId), IsOk());
}

TEST_F(ControlTest, BadRulesAreRefusedNamingTheField) {
  cv1::AddFaultRuleRequest bad_method, bad_field, bad_probability;
  bad_method.mutable_rule()->set_method("Fly");
  bad_method.mutable_rule()->mutable_action()->set_code("UNAVAILABLE");
  bad_field.mutable_rule()->set_method("GetCustomer");
  bad_field.mutable_rule()->mutable_action()->set_code("UNAVAILABLE");
  (*bad_field.mutable_rule()->mutable_match_request())["email_address"] = "x";
  bad_probability.set_yaml(
      "{method: GetCustomer, probability: 2, action: {code: ABORTED}}");
  for (const auto& [request, named] :
       {std::pair{bad_method, "method: \"Fly\" is not"},
        std::pair{bad_field, "match_request.email_address: "},
        std::pair{bad_probability, "probability: must be between 0 and 1"}}) {
    grpc::Status status = AddRule(Ns(), request);
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                 "INVALID_FAULT_RULE"));
    EXPECT_THAT(status.error_message(), HasSubstr(named));
  }
  EXPECT_THAT(Rules(Ns()), IsEmpty());
}

TEST_F(ControlTest, ControlTokenIsRequiredWhenConfigured) {
  FakeOptions options;
  options.control_token = "s3cret";
  std::unique_ptr<Fake> fake = StartFake(options);
  ASSERT_NE(fake, nullptr);
  auto stub = cv1::ControlService::NewStub(fake->InProcessChannel());
  for (const char* wrong : {"", "wrong", "s3cre", "s3cret!"}) {
    EXPECT_THAT(
        ListNamespaces(*stub, wrong),
        StatusIs(grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED"))
        << wrong;
  }
  EXPECT_THAT(ListNamespaces(*stub, "s3cret"), IsOk());
  // The CustomerService does not ask for it.
  EXPECT_THAT(
      ListCustomers(*v1::CustomerService::NewStub(fake->InProcessChannel())),
      IsOk());
}

TEST_F(ControlTest, ServerStartedFromAScenarioFileServesItsCustomers) {
  v1::GetCustomerRequest request;
  request.set_id(kTestCustomerId);
  v1::GetCustomerResponse response;
  ASSERT_THAT(Api(&Stub::GetCustomer, Ns(), request, &response), IsOk());
  EXPECT_EQ(response.customer().given_name(), "Test");
  EXPECT_EQ(response.customer().email_address(), "test-customer@example.com");
  EXPECT_EQ(response.customer().phone_number(), "+4997259173740");
  EXPECT_THAT(Flags(Ns(), kTestCustomerId),
              ElementsAre("AUTONOMOUS_TRIPS_ALLOWED"));
}

}  // namespace
}  // namespace customerfake
