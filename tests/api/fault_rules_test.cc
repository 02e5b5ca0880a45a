// Fault rules through real stubs: what the client sees (code, message,
// ErrorInfo, RetryInfo, delays, hangs, canned responses), what the journal
// and ListFaultRules say afterwards, and the ready fault scenarios.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "fake/errors/errors.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::RetryDelayOf;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using Stub = v1::CustomerService::Stub;

constexpr char kDomain[] = "trip-api.moia-group.io";
constexpr char kSandboxId[] = "7ba438cc-4724-4be1-8c59-f82558f4fde8";

// A scenario file of the repository.
std::string ScenarioPath(const std::string& name) {
  return (std::filesystem::path(CUSTOMER_FAKE_SCENARIOS_DIR) / name).string();
}

v1::CreateCustomerRequest NewCustomer(const std::string& email) {
  v1::CreateCustomerRequest request;
  request.set_email_address(email);
  request.set_family_name("Customer");
  request.set_given_name("Test");
  request.set_language_code("en");
  request.set_phone_number("+4997259173740");
  return request;
}

v1::GetCustomerRequest GetRequest(const std::string& id) {
  v1::GetCustomerRequest request;
  request.set_id(id);
  return request;
}

// GetCustomer calls in flight at once, one per context, each answer and
// status kept as it ends. Calls still open when this goes are cancelled and
// waited for.
class ConcurrentGets {
 public:
  ConcurrentGets(Stub& stub, const v1::GetCustomerRequest& request,
                 std::vector<std::unique_ptr<grpc::ClientContext>> contexts)
      : request_(request),
        contexts_(std::move(contexts)),
        responses_(contexts_.size()),
        statuses_(contexts_.size()) {
    for (size_t i = 0; i < contexts_.size(); ++i) {
      stub.async()->GetCustomer(contexts_[i].get(), &request_, &responses_[i],
                                [this, i](grpc::Status status) {
                                  std::lock_guard<std::mutex> lock(mu_);
                                  statuses_[i] = std::move(status);
                                  ++done_;
                                  all_done_.notify_all();
                                });
    }
  }
  ~ConcurrentGets() { (void)Wait(absl::ZeroDuration()); }

  // Waits for every call to end: false when some had not after `timeout`,
  // which are cancelled then and waited for.
  bool Wait(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    auto ended = [this] { return done_ == contexts_.size(); };
    if (all_done_.wait_for(lock, absl::ToChronoMilliseconds(timeout), ended)) {
      return true;
    }
    for (auto& context : contexts_) context->TryCancel();
    all_done_.wait(lock, ended);
    return false;
  }

  size_t size() const { return contexts_.size(); }
  grpc::ClientContext& context(size_t i) { return *contexts_[i]; }
  // After Wait.
  const grpc::Status& status(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_[i];
  }
  const v1::GetCustomerResponse& response(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return responses_[i];
  }

 private:
  const v1::GetCustomerRequest request_;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  std::vector<v1::GetCustomerResponse> responses_;
  std::vector<grpc::Status> statuses_;
  std::mutex mu_;
  std::condition_variable all_done_;
  size_t done_ = 0;
};

class FaultRulesTest : public FakeTest {
 protected:
  // The shared fake keeps a namespace across --gtest_repeat runs.
  void SetUp() override {
    FakeTest::SetUp();
    ASSERT_TRUE(control().Reset(test_namespace()).ok());
  }

  std::string AddRule(absl::string_view yaml) {
    absl::StatusOr<std::string> id =
        control().AddFaultRuleYaml(test_namespace(), yaml);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or("");
  }

  // Runs `rpc` on `on` in this test's namespace.
  template <typename Request, typename Response>
  grpc::Status CallOn(Stub& on,
                      grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                const Request&, Response*),
                      const Request& request, Response* out = nullptr) {
    Response ignored;
    std::unique_ptr<grpc::ClientContext> context = Context();
    return (on.*rpc)(context.get(), request, out ? out : &ignored);
  }
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                              const Request&, Response*),
                    const Request& request, Response* out = nullptr) {
    return CallOn(stub(), rpc, request, out);
  }

  std::vector<std::unique_ptr<grpc::ClientContext>> Contexts(int n) {
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    for (int i = 0; i < n; ++i) contexts.push_back(Context());
    return contexts;
  }

  grpc::Status Get(const std::string& id) {
    return Call(&Stub::GetCustomer, GetRequest(id));
  }

  int CustomerCount() {
    v1::ListCustomersResponse response;
    EXPECT_THAT(
        Call(&Stub::ListCustomers, v1::ListCustomersRequest(), &response),
        IsOk());
    return response.customers_size();
  }

  // The journal of this namespace.
  std::vector<model::CallRecord> Calls(absl::string_view method) {
    auto page = control().ListCalls(test_namespace(), method);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->calls : std::vector<model::CallRecord>{};
  }
};

TEST_F(FaultRulesTest, ErrorActionDefaultsReasonToCodeName) {
  AddRule("{method: GetCustomer, action: {code: UNAVAILABLE, message: down}}");
  grpc::Status status = Get("any");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
  EXPECT_EQ(status.error_message(), "down");
  EXPECT_EQ(ErrorInfoOf(status).domain(), kDomain);
  EXPECT_EQ(RetryDelayOf(status), std::nullopt);
}

TEST_F(FaultRulesTest, ErrorActionCarriesReasonMetadataAndRetryInfo) {
  AddRule(R"({method: GetCustomer, action: {code: RESOURCE_EXHAUSTED,
      message: "slow down", reason: QUOTA_EXCEEDED,
      error_metadata: {limit: "10", scope: customer}, retry_delay: 1.5s}})");
  grpc::Status status = Get("any");
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, "QUOTA_EXCEEDED"));
  EXPECT_EQ(status.error_message(), "slow down");
  errors::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.domain(), kDomain);
  EXPECT_THAT(info.metadata(), UnorderedElementsAre(Pair("limit", "10"),
                                                    Pair("scope", "customer")));
  EXPECT_EQ(RetryDelayOf(status), absl::Milliseconds(1500));
}

TEST_F(FaultRulesTest, DelayWithOkIsASlowSuccess) {
  std::string id =
      AddRule("{method: ListCustomers, action: {code: OK, delay: 200ms}}");
  absl::Time start = absl::Now();
  EXPECT_EQ(CustomerCount(), 0);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  std::vector<model::CallRecord> calls = Calls("ListCustomers");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].code, absl::StatusCode::kOk);
  EXPECT_EQ(calls[0].fault_rule, id);
}

TEST_F(FaultRulesTest, DelaysDoNotBlockOtherCalls) {
  constexpr int kCalls = 200;
  v1::CreateCustomerResponse created;
  ASSERT_THAT(
      Call(&Stub::CreateCustomer, NewCustomer("a@example.com"), &created),
      IsOk());
  AddRule("{method: GetCustomer, action: {code: OK, delay: 1s}}");
  absl::Time start = absl::Now();
  ConcurrentGets gets(stub(), GetRequest(created.customer().id()),
                      Contexts(kCalls));
  absl::SleepFor(absl::Milliseconds(100));
  absl::Time other = absl::Now();
  EXPECT_EQ(CustomerCount(), 1);
  EXPECT_LT(absl::Now() - other, absl::Milliseconds(200));

  EXPECT_TRUE(gets.Wait(absl::Seconds(5))) << "not every call ended in 5 s";
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2500));
  for (size_t i = 0; i < gets.size(); ++i) {
    EXPECT_THAT(gets.status(i), IsOk()) << "call " << i;
    EXPECT_EQ(gets.response(i).customer().id(), created.customer().id());
  }
}

TEST_F(FaultRulesTest, HangEndsAtTheClientsDeadline) {
  std::string id = AddRule("{method: GetCustomer, action: {hang: true}}");
  std::unique_ptr<grpc::ClientContext> context = Context();
  context->set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  v1::GetCustomerResponse response;
  absl::Time start = absl::Now();
  grpc::Status status =
      stub().GetCustomer(context.get(), GetRequest("any"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(290));

  absl::Time until = absl::Now() + absl::Seconds(2);
  while (fake().in_flight() != 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(fake().in_flight(), 0);
  std::vector<model::CallRecord> calls = Calls("GetCustomer");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].code, absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(calls[0].fault_rule, id);
}

// A shutdown ends the calls a hang holds at once, not when its grace runs
// out; clients cancelling at the same moment race with it and end either
// way, each once.
TEST_F(FaultRulesTest, HeldCallsEndAtOnceWhenTheFakeShutsDown) {
  constexpr int kCalls = 100;
  Fake* own = UseOwnFake(FakeOptions{});
  ASSERT_NE(own, nullptr);
  std::string id = AddRule("{method: GetCustomer, action: {hang: true}}");
  ConcurrentGets gets(stub(), GetRequest("held"), Contexts(kCalls));
  absl::Time until = absl::Now() + absl::Seconds(10);
  while (own->in_flight() != kCalls && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(own->in_flight(), kCalls);

  // Every other call is cancelled by its client while the fake shuts down.
  std::thread cancel([&] {
    for (int i = 0; i < kCalls; i += 2) gets.context(i).TryCancel();
  });
  absl::Time shutdown = absl::Now();
  own->Shutdown(absl::Seconds(60));
  cancel.join();
  EXPECT_LT(absl::Now() - shutdown, absl::Seconds(30));
  EXPECT_EQ(own->in_flight(), 0);

  EXPECT_TRUE(gets.Wait(absl::Seconds(30)));
  for (int i = 0; i < kCalls; ++i) {
    const grpc::Status& status = gets.status(i);
    if (i % 2 == 0 && status.error_code() == grpc::StatusCode::CANCELLED) {
      continue;  // its cancellation came first
    }
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"))
        << "call " << i;
    EXPECT_EQ(status.error_message(), "the fake is shutting down");
  }
  std::vector<model::CallRecord> calls = Calls("GetCustomer");
  ASSERT_EQ(calls.size(), static_cast<size_t>(kCalls));
  for (const model::CallRecord& call : calls) {
    EXPECT_THAT(call.code, ::testing::AnyOf(absl::StatusCode::kUnavailable,
                                            absl::StatusCode::kCancelled));
    EXPECT_EQ(call.fault_rule, id);
  }
}

TEST_F(FaultRulesTest, CannedResponseLeavesStateAlone) {
  AddRule(R"({method: CreateCustomer, action: {code: OK, response:
      {customer: {id: canned-1, given_name: Canned, family_name: Answer}}}})");
  v1::CreateCustomerResponse response;
  ASSERT_THAT(
      Call(&Stub::CreateCustomer, NewCustomer("a@example.com"), &response),
      IsOk());
  EXPECT_EQ(response.customer().id(), "canned-1");
  EXPECT_EQ(response.customer().given_name(), "Canned");
  EXPECT_EQ(response.customer().email_address(), "");
  EXPECT_EQ(CustomerCount(), 0);
}

TEST_F(FaultRulesTest, MatchRequestPicksTheCallAndNothingIsCreated) {
  std::string id = AddRule(R"({method: CreateCustomer,
      match_request: {email_address: "slow@example.com"},
      action: {code: UNAVAILABLE}})");
  EXPECT_THAT(Call(&Stub::CreateCustomer, NewCustomer("slow@example.com")),
              StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
  EXPECT_THAT(Call(&Stub::CreateCustomer, NewCustomer("fast@example.com")),
              IsOk());
  EXPECT_EQ(CustomerCount(), 1);
  std::vector<model::CallRecord> calls = Calls("CreateCustomer");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].fault_rule, id);
  EXPECT_EQ(calls[1].fault_rule, "");
}

// The in-process channel skips the client channel, so it never retries:
// this test talks to its own fake over TCP.
TEST_F(FaultRulesTest, SequenceDrivesClientRetries) {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  Fake* own = UseOwnFake(options);
  ASSERT_NE(own, nullptr);
  absl::StatusOr<std::string> id = control().AddFaultRuleYaml(
      test_namespace(),
      "{method: CreateCustomer, sequence: [{code: UNAVAILABLE}, "
      "{code: UNAVAILABLE}, {code: OK}]}");
  ASSERT_TRUE(id.ok()) << id.status();
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(R"({"methodConfig": [{
      "name": [{"service": "moia.trip.customer.v1.CustomerService"}],
      "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.05s",
        "maxBackoff": "0.2s", "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"]}}]})");
  std::unique_ptr<Stub> retrying =
      v1::CustomerService::NewStub(grpc::CreateCustomChannel(
          own->address(), grpc::InsecureChannelCredentials(), args));
  EXPECT_THAT(
      CallOn(*retrying, &Stub::CreateCustomer, NewCustomer("r@example.com")),
      IsOk());
  v1::ListCustomersResponse list;
  EXPECT_THAT(CallOn(*retrying, &Stub::ListCustomers,
                     v1::ListCustomersRequest(), &list),
              IsOk());
  EXPECT_EQ(list.customers_size(), 1);

  std::vector<model::CallRecord> calls = Calls("CreateCustomer");
  ASSERT_EQ(calls.size(), 3u);
  std::vector<int> attempts;
  std::vector<absl::StatusCode> codes;
  for (const model::CallRecord& call : calls) {
    attempts.push_back(call.attempt);
    codes.push_back(call.code);
  }
  EXPECT_THAT(attempts, ElementsAre(1, 2, 3));
  EXPECT_THAT(codes, ElementsAre(absl::StatusCode::kUnavailable,
                                 absl::StatusCode::kUnavailable,
                                 absl::StatusCode::kOk));
  EXPECT_EQ(calls[0].fault_rule, *id);
  EXPECT_EQ(calls[1].fault_rule, *id);
  // calls[2] was served by the {code: OK} step; the contract does not say
  // whether that step counts as the rule acting, so it is not asserted.
  EXPECT_EQ(calls[0].since_previous_attempt, std::nullopt);
  for (int i : {1, 2}) {
    ASSERT_TRUE(calls[i].since_previous_attempt.has_value()) << i;
    EXPECT_GT(*calls[i].since_previous_attempt, absl::ZeroDuration()) << i;
  }
}

TEST_F(FaultRulesTest, ListFaultRulesCounts) {
  AddRule(
      "{id: twice, method: GetCustomer, times: 2, action: {code: ABORTED}}");
  AddRule("{id: never, method: DeleteCustomer, action: {code: ABORTED}}");
  for (int i = 0; i < 3; ++i) Get("any");
  auto rules = control().ListFaultRules(test_namespace());
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].rule.id, "twice");
  EXPECT_EQ((*rules)[0].matched, 3u);
  EXPECT_EQ((*rules)[0].acted, 2u);
  EXPECT_EQ((*rules)[1].rule.id, "never");
  EXPECT_EQ((*rules)[1].matched, 0u);
  EXPECT_EQ((*rules)[1].acted, 0u);
}

TEST_F(FaultRulesTest, RulesArePerNamespace) {
  const std::string other = test_namespace() + ".other";
  ASSERT_TRUE(control().Reset(other).ok());
  AddRule("{method: ListCustomers, action: {code: INTERNAL}}");
  v1::ListCustomersResponse response;
  EXPECT_THAT(stub().ListCustomers(ContextFor(other).get(), {}, &response),
              IsOk());
  EXPECT_THAT(Call(&Stub::ListCustomers, v1::ListCustomersRequest()),
              StatusIs(grpc::StatusCode::INTERNAL, "INTERNAL"));
  auto rules = control().ListFaultRules(other);
  ASSERT_TRUE(rules.ok());
  EXPECT_THAT(*rules, IsEmpty());
}

TEST_F(FaultRulesTest, BadRuleIsRefusedNamingTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"{method: GetCustomers, action: {code: UNAVAILABLE}}", "method"},
      {"{method: GetCustomer, probability: 1.5, action: {code: ABORTED}}",
       "probability"},
      {"{method: GetCustomer, match_request: {nickname: x}, action: {}}",
       "match_request.nickname"},
      {"{method: GetCustomer, action: {delay: -1s}}", "action.delay"},
  };
  for (const auto& [yaml, key] : cases) {
    absl::StatusOr<std::string> added =
        control().AddFaultRuleYaml(test_namespace(), yaml);
    EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument)
        << yaml;
    EXPECT_EQ(errors::ReasonOf(added.status()), errors::kInvalidFaultRule)
        << yaml;
    EXPECT_THAT(added.status().message(), HasSubstr(key)) << yaml;
  }
  auto rules = control().ListFaultRules(test_namespace());
  ASSERT_TRUE(rules.ok());
  EXPECT_THAT(*rules, IsEmpty());
}

TEST_F(FaultRulesTest, ScenarioFaultsApplyFromTheStart) {
  absl::StatusOr<model::Scenario> scenario = scenario::ParseScenario(R"(
version: 1
faults:
  - id: create-unavailable-twice
    method: CreateCustomer
    times: 2
    action: { code: UNAVAILABLE, message: "injected outage", retry_delay: 0.2s }
)",
                                                                     "test");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  FakeOptions options;
  options.scenario = *std::move(scenario);
  ASSERT_NE(UseOwnFake(std::move(options)), nullptr);
  for (int i = 0; i < 2; ++i) {
    grpc::Status status =
        Call(&Stub::CreateCustomer, NewCustomer("s@example.com"));
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
    EXPECT_EQ(status.error_message(), "injected outage");
    EXPECT_EQ(RetryDelayOf(status), absl::Milliseconds(200));
  }
  EXPECT_THAT(Call(&Stub::CreateCustomer, NewCustomer("s@example.com")),
              IsOk());
}

// Which of 200 GetCustomer calls the flaky-network scenario failed.
std::vector<bool> FlakyPattern(Fake& fake) {
  std::unique_ptr<Stub> s =
      v1::CustomerService::NewStub(fake.InProcessChannel());
  std::vector<bool> unavailable;
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer test-token");
    v1::GetCustomerResponse response;
    grpc::Status status =
        s->GetCustomer(&context, GetRequest(kSandboxId), &response);
    unavailable.push_back(status.error_code() == grpc::StatusCode::UNAVAILABLE);
    if (unavailable.back()) {
      EXPECT_EQ(RetryDelayOf(status), absl::Milliseconds(250));
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    }
  }
  return unavailable;
}

TEST_F(FaultRulesTest, FlakyNetworkScenarioIsSeeded) {
  FakeOptions options;
  options.scenario_file = ScenarioPath("flaky-network.yaml");
  std::unique_ptr<Fake> a = StartFake(options);
  std::unique_ptr<Fake> b = StartFake(options);
  ASSERT_TRUE(a && b);
  std::vector<bool> pattern = FlakyPattern(*a);
  int failed = std::count(pattern.begin(), pattern.end(), true);
  EXPECT_GE(failed, 20);  // 20% of 200 = 40, with room for the draw
  EXPECT_LE(failed, 60);
  EXPECT_EQ(FlakyPattern(*b), pattern);
}

TEST_F(FaultRulesTest, MoiaSandboxScenarioAnswersFixedData) {
  FakeOptions options;
  options.scenario_file = ScenarioPath("moia-sandbox.yaml");
  ASSERT_NE(UseOwnFake(options), nullptr);
  v1::CreateCustomerResponse created;
  ASSERT_THAT(
      Call(&Stub::CreateCustomer, NewCustomer("x@example.com"), &created),
      IsOk());
  EXPECT_EQ(created.customer().id(), kSandboxId);
  v1::ListCustomersResponse list;
  ASSERT_THAT(Call(&Stub::ListCustomers, v1::ListCustomersRequest(), &list),
              IsOk());
  ASSERT_EQ(list.customers_size(), 1);
  EXPECT_EQ(list.customers(0).id(), kSandboxId);
  v1::ListCustomerFlagsRequest flags_request;
  flags_request.set_customer_id("not-a-customer");
  v1::ListCustomerFlagsResponse flags;
  ASSERT_THAT(Call(&Stub::ListCustomerFlags, flags_request, &flags), IsOk());
  EXPECT_THAT(flags.flags(), ElementsAre("AUTONOMOUS_TRIPS_ALLOWED"));
  v1::AddCustomerFlagRequest add;
  add.set_customer_id("00000000-0000-4000-8000-00000000dead");
  add.set_flag("STAFF");
  EXPECT_THAT(Call(&Stub::AddCustomerFlag, add), IsOk());
}

}  // namespace
}  // namespace customerfake
