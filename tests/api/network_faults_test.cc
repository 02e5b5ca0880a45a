// Faults that real networks make (fault actions serve_first, reset_stream,
// close_connection), deadlines and cancellation: what the client sees, what
// the state holds after, and what the journal says (applied, outcome).
// Over TCP, as a client's calls arrive: a connection can only be closed
// there.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fake/errors/errors.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Stub = v1::CustomerService::Stub;

constexpr char kAda[] = "11111111-1111-4111-8111-111111111111";

// One customer, flags allowed, no seed.
model::Scenario OneCustomer() {
  model::Scenario scenario;
  model::CustomerRecord ada;
  ada.id = kAda;
  ada.fields = {"ada@example.com", "Lovelace", "Ada", "en", "+4915100000001"};
  scenario.customers.push_back(ada);
  return scenario;
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

// A connection of its own: channels with different arguments never share
// one.
std::shared_ptr<grpc::Channel> Connect(const std::string& address,
                                       int connection = 0) {
  grpc::ChannelArguments args;
  args.SetInt("customer-fake.test.connection", connection);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

class NetworkFaultTest : public FakeTest {
 protected:
  static void SetUpTestSuite() {
    FakeOptions options;
    options.listen_address = "127.0.0.1:0";
    options.scenario = OneCustomer();
    tcp_fake_ = StartFake(options).release();
  }
  static void TearDownTestSuite() {
    delete tcp_fake_;
    tcp_fake_ = nullptr;
  }

  void SetUp() override {
    FakeTest::SetUp();
    ASSERT_NE(tcp_fake_, nullptr);
    (void)tcp_fake_->control().DeleteNamespace(test_namespace());
    tcp_stub_ = v1::CustomerService::NewStub(Connect(tcp_fake_->address()));
  }

  control::Control& tcp_control() { return tcp_fake_->control(); }
  Stub& tcp_stub() { return *tcp_stub_; }

  void AddRule(const std::string& yaml) {
    ASSERT_TRUE(tcp_control().AddFaultRuleYaml(test_namespace(), yaml).ok())
        << yaml;
  }

  grpc::Status Create(const std::string& email,
                      absl::Duration timeout = absl::Seconds(10)) {
    auto context = ContextFor(test_namespace());
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    v1::CreateCustomerResponse response;
    return tcp_stub().CreateCustomer(context.get(), NewCustomer(email),
                                     &response);
  }

  // The customers' emails in the namespace now (through the control
  // operations, so no call of the test's own lands in the journal).
  std::vector<std::string> Emails() {
    auto exported = tcp_control().ExportState(test_namespace());
    std::vector<std::string> emails;
    if (!exported.ok()) return {"export failed"};
    auto loaded = scenario::ParseScenario(*exported, "export");
    for (const auto& customer : loaded->customers) {
      emails.push_back(customer.fields.email_address);
    }
    return emails;
  }

  // The journal's only entry for `method`. A call the client gave up on is
  // recorded when the server sees the cancellation, a moment after the
  // client did: waits up to 5 s for it.
  model::CallRecord OnlyCall(const std::string& method) {
    WaitForCalls(method, 1);
    auto page = tcp_control().ListCalls(test_namespace(), method);
    EXPECT_TRUE(page.ok()) << page.status();
    EXPECT_THAT(page->calls, SizeIs(1));
    return page->calls.empty() ? model::CallRecord() : page->calls[0];
  }

  void WaitForCalls(const std::string& method, size_t count) {
    for (int i = 0; i < 500; ++i) {
      auto page = tcp_control().ListCalls(test_namespace(), method, 1000);
      if (page.ok() && page->calls.size() >= count) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  static Fake* tcp_fake_;
  std::unique_ptr<Stub> tcp_stub_;
};

Fake* NetworkFaultTest::tcp_fake_ = nullptr;

// ---- one row per action, method and serve_first ----------------------------

enum class Method { kCreate, kAddFlag, kDelete, kGet };

struct Row {
  const char* name;
  const char* action;  // the rule's action, in YAML
  Method method;
  grpc::StatusCode client_sees;
  const char* client_message;  // a substring of what the client reports
  bool write_stays;            // the state changed
  bool applied;                // the journal says so
  model::CallOutcome outcome;
};

class ActionTest : public NetworkFaultTest,
                   public ::testing::WithParamInterface<Row> {
 protected:
  // Calls the method on Ada; returns what the client saw.
  grpc::Status Call(Method method) {
    auto context = ContextFor(test_namespace());
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    switch (method) {
      case Method::kCreate: {
        v1::CreateCustomerResponse response;
        return tcp_stub().CreateCustomer(
            context.get(), NewCustomer("new@example.com"), &response);
      }
      case Method::kAddFlag: {
        v1::AddCustomerFlagRequest request;
        request.set_customer_id(kAda);
        request.set_flag("VIP");
        v1::AddCustomerFlagResponse response;
        return tcp_stub().AddCustomerFlag(context.get(), request, &response);
      }
      case Method::kDelete: {
        v1::DeleteCustomerRequest request;
        request.set_id(kAda);
        v1::DeleteCustomerResponse response;
        return tcp_stub().DeleteCustomer(context.get(), request, &response);
      }
      case Method::kGet: {
        v1::GetCustomerRequest request;
        request.set_id(kAda);
        v1::GetCustomerResponse response;
        return tcp_stub().GetCustomer(context.get(), request, &response);
      }
    }
    return grpc::Status::CANCELLED;
  }

  static const char* Name(Method method) {
    switch (method) {
      case Method::kCreate:
        return "CreateCustomer";
      case Method::kAddFlag:
        return "AddCustomerFlag";
      case Method::kDelete:
        return "DeleteCustomer";
      case Method::kGet:
        return "GetCustomer";
    }
    return "";
  }

  // Whether the method's write shows in the state.
  bool WriteShows(Method method) {
    auto exported = tcp_control().ExportState(test_namespace());
    if (!exported.ok()) return false;
    auto state = scenario::ParseScenario(*exported, "export");
    switch (method) {
      case Method::kCreate:
        return state->customers.size() == 2;
      case Method::kAddFlag:
        return !state->customers.empty() &&
               state->customers[0].flags == std::vector<std::string>{"VIP"};
      case Method::kDelete:
        return state->customers.empty();
      case Method::kGet:
        return false;  // reads change nothing
    }
    return false;
  }
};

TEST_P(ActionTest, ClientStateAndJournal) {
  const Row& row = GetParam();
  AddRule(absl::StrCat("{method: ", Name(row.method), ", action: ", row.action,
                       "}"));
  grpc::Status status = Call(row.method);
  EXPECT_EQ(status.error_code(), row.client_sees) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(row.client_message));
  EXPECT_EQ(WriteShows(row.method), row.write_stays);
  model::CallRecord call = OnlyCall(Name(row.method));
  EXPECT_EQ(call.applied, row.applied);
  EXPECT_EQ(model::CallOutcomeName(call.outcome),
            model::CallOutcomeName(row.outcome));
  EXPECT_EQ(call.fault_rule, "rule-1");
}

using grpc::StatusCode;
using model::CallOutcome;
constexpr char kUnavailable[] = "{code: UNAVAILABLE, message: lost}";
constexpr char kUnavailableFirst[] =
    "{serve_first: true, code: UNAVAILABLE, message: lost}";
constexpr char kReset[] = "{reset_stream: true}";
constexpr char kResetFirst[] = "{serve_first: true, reset_stream: true}";
constexpr char kClose[] = "{close_connection: true}";
constexpr char kCloseFirst[] = "{serve_first: true, close_connection: true}";
constexpr char kRstMessage[] = "RST_STREAM";

INSTANTIATE_TEST_SUITE_P(
    EveryAction, ActionTest,
    ::testing::Values(
        // An error before the handler: nothing is written.
        Row{"ErrorCreate", kUnavailable, Method::kCreate,
            StatusCode::UNAVAILABLE, "lost", false, false,
            CallOutcome::kErrorInjected},
        Row{"ErrorGet", kUnavailable, Method::kGet, StatusCode::UNAVAILABLE,
            "lost", false, false, CallOutcome::kErrorInjected},
        // serve_first: the write happens, the answer is lost.
        Row{"ServeFirstErrorCreate", kUnavailableFirst, Method::kCreate,
            StatusCode::UNAVAILABLE, "lost", true, true,
            CallOutcome::kErrorInjected},
        Row{"ServeFirstErrorAddFlag", kUnavailableFirst, Method::kAddFlag,
            StatusCode::UNAVAILABLE, "lost", true, true,
            CallOutcome::kErrorInjected},
        Row{"ServeFirstErrorDelete", kUnavailableFirst, Method::kDelete,
            StatusCode::UNAVAILABLE, "lost", true, true,
            CallOutcome::kErrorInjected},
        Row{"ServeFirstErrorGet", kUnavailableFirst, Method::kGet,
            StatusCode::UNAVAILABLE, "lost", false, false,
            CallOutcome::kErrorInjected},
        // A reset stream: INTERNAL, as gRPC clients report RST_STREAM.
        Row{"ResetCreate", kReset, Method::kCreate, StatusCode::INTERNAL,
            kRstMessage, false, false, CallOutcome::kReset},
        Row{"ResetAddFlag", kReset, Method::kAddFlag, StatusCode::INTERNAL,
            kRstMessage, false, false, CallOutcome::kReset},
        Row{"ResetGet", kReset, Method::kGet, StatusCode::INTERNAL, kRstMessage,
            false, false, CallOutcome::kReset},
        Row{"ServeFirstResetCreate", kResetFirst, Method::kCreate,
            StatusCode::INTERNAL, kRstMessage, true, true, CallOutcome::kReset},
        Row{"ServeFirstResetDelete", kResetFirst, Method::kDelete,
            StatusCode::INTERNAL, kRstMessage, true, true, CallOutcome::kReset},
        Row{"ServeFirstResetGet", kResetFirst, Method::kGet,
            StatusCode::INTERNAL, kRstMessage, false, false,
            CallOutcome::kReset},
        // A closed connection: UNAVAILABLE.
        Row{"CloseCreate", kClose, Method::kCreate, StatusCode::UNAVAILABLE, "",
            false, false, CallOutcome::kConnectionClosed},
        Row{"CloseGet", kClose, Method::kGet, StatusCode::UNAVAILABLE, "",
            false, false, CallOutcome::kConnectionClosed},
        Row{"ServeFirstCloseCreate", kCloseFirst, Method::kCreate,
            StatusCode::UNAVAILABLE, "", true, true,
            CallOutcome::kConnectionClosed},
        Row{"ServeFirstCloseAddFlag", kCloseFirst, Method::kAddFlag,
            StatusCode::UNAVAILABLE, "", true, true,
            CallOutcome::kConnectionClosed},
        Row{"ServeFirstCloseGet", kCloseFirst, Method::kGet,
            StatusCode::UNAVAILABLE, "", false, false,
            CallOutcome::kConnectionClosed},
        // serve_first with code OK: served and answered.
        Row{"ServeFirstOkCreate", "{serve_first: true}", Method::kCreate,
            StatusCode::OK, "", true, true, CallOutcome::kAnswered}),
    [](const ::testing::TestParamInfo<Row>& param) {
      return param.param.name;
    });

// ---- deadlines and cancellation ---------------------------------------------

TEST_F(NetworkFaultTest, DelayLongerThanTheDeadlineNeverWrites) {
  AddRule("{method: CreateCustomer, action: {delay: 600ms}}");
  EXPECT_EQ(Create("late@example.com", absl::Milliseconds(100)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  absl::SleepFor(absl::Milliseconds(800));  // past the delay
  EXPECT_THAT(Emails(), ::testing::ElementsAre("ada@example.com"));
  model::CallRecord call = OnlyCall("CreateCustomer");
  EXPECT_FALSE(call.applied);
  EXPECT_EQ(call.outcome, model::CallOutcome::kDeadlineExceeded);
  EXPECT_EQ(call.code, absl::StatusCode::kDeadlineExceeded);
}

TEST_F(NetworkFaultTest, ServeFirstDelayLongerThanTheDeadlineWrites) {
  AddRule(
      "{method: CreateCustomer, action: {serve_first: true, delay: 600ms}}");
  EXPECT_EQ(Create("late@example.com", absl::Milliseconds(100)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The customer exists although the client saw its deadline pass.
  EXPECT_THAT(Emails(),
              ::testing::ElementsAre("ada@example.com", "late@example.com"));
  absl::SleepFor(absl::Milliseconds(800));
  model::CallRecord call = OnlyCall("CreateCustomer");
  EXPECT_TRUE(call.applied);
  EXPECT_EQ(call.outcome, model::CallOutcome::kDeadlineExceeded);
}

TEST_F(NetworkFaultTest, HungCallNeverWrites) {
  AddRule("{method: CreateCustomer, action: {hang: true}}");
  EXPECT_EQ(Create("hung@example.com", absl::Milliseconds(100)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(Emails(), ::testing::ElementsAre("ada@example.com"));
  model::CallRecord call = OnlyCall("CreateCustomer");
  EXPECT_FALSE(call.applied);
  EXPECT_EQ(call.outcome, model::CallOutcome::kDeadlineExceeded);
}

TEST_F(NetworkFaultTest, CallCancelledByItsClientNeverWrites) {
  AddRule("{method: CreateCustomer, action: {delay: 600ms}}");
  auto context = ContextFor(test_namespace());
  const v1::CreateCustomerRequest request = NewCustomer("gone@example.com");
  v1::CreateCustomerResponse response;
  // std::promise rather than absl::Notification: ThreadSanitizer sees the
  // hand-over (Debian's abseil is not instrumented).
  std::promise<grpc::Status> done;
  tcp_stub().async()->CreateCustomer(
      context.get(), &request, &response,
      [&done](grpc::Status s) { done.set_value(std::move(s)); });
  absl::SleepFor(absl::Milliseconds(100));
  context->TryCancel();
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::CANCELLED);
  absl::SleepFor(absl::Milliseconds(800));
  EXPECT_THAT(Emails(), ::testing::ElementsAre("ada@example.com"));
  model::CallRecord call = OnlyCall("CreateCustomer");
  EXPECT_FALSE(call.applied);
  EXPECT_EQ(call.outcome, model::CallOutcome::kCancelledByClient);
}

TEST_F(NetworkFaultTest, NoneOf200CallsIsServedAfterItsClientGaveUp) {
  AddRule("{method: CreateCustomer, action: {delay: 1s}}");
  constexpr int kCalls = 200;
  std::vector<std::thread> clients;
  std::atomic<int> deadline_exceeded{0};
  for (int i = 0; i < kCalls; ++i) {
    clients.emplace_back([&, i] {
      // Deadlines from 300 to 499 ms, all short of the delay, and long enough
      // for most calls to reach the fake under a sanitizer's slowdown.
      grpc::Status status = Create(absl::StrCat("c", i, "@example.com"),
                                   absl::Milliseconds(300 + i));
      if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        ++deadline_exceeded;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(deadline_exceeded, kCalls);
  absl::SleepFor(absl::Milliseconds(1200));  // every delay is over
  EXPECT_THAT(Emails(), ::testing::ElementsAre("ada@example.com"));
  WaitForCalls("CreateCustomer", kCalls);
  auto page = tcp_control().ListCalls(test_namespace(), "CreateCustomer", 1000);
  ASSERT_TRUE(page.ok());
  // A client whose deadline passes before its call is sent (under a
  // sanitizer's slowdown) leaves nothing to journal.
  EXPECT_GT(page->calls.size(), kCalls / 2);
  EXPECT_LE(page->calls.size(), kCalls);
  for (const model::CallRecord& call : page->calls) {
    EXPECT_FALSE(call.applied);
    EXPECT_EQ(call.outcome, model::CallOutcome::kDeadlineExceeded);
  }
  auto applied = tcp_control().ListCalls(test_namespace(), "", 1000, "", true);
  ASSERT_TRUE(applied.ok());
  EXPECT_THAT(applied->calls, IsEmpty());
}

// ---- closing one connection
// --------------------------------------------------

TEST_F(NetworkFaultTest, CloseConnectionLeavesOtherConnectionsAlone) {
  // Calls carrying x-test: slow are held 500 ms; those with x-test: close
  // close their connection.
  AddRule(
      "{method: GetCustomer, match_metadata: {x-test: slow}, "
      "action: {delay: 500ms}}");
  AddRule(
      "{method: GetCustomer, match_metadata: {x-test: close}, "
      "action: {close_connection: true}}");
  auto closed_channel = Connect(tcp_fake_->address(), 1);
  auto other_channel = Connect(tcp_fake_->address(), 2);
  auto closed = v1::CustomerService::NewStub(closed_channel);
  auto other = v1::CustomerService::NewStub(other_channel);
  v1::GetCustomerRequest request;
  request.set_id(kAda);

  // A slow call in flight on each connection.
  struct InFlight {
    std::unique_ptr<grpc::ClientContext> context;
    v1::GetCustomerResponse response;
    std::promise<grpc::Status> done;
  };
  InFlight on_closed, on_other;
  for (const auto& [stub, in_flight] :
       {std::make_pair(closed.get(), &on_closed),
        std::make_pair(other.get(), &on_other)}) {
    InFlight* call = in_flight;
    call->context = ContextFor(test_namespace());
    call->context->AddMetadata("x-test", "slow");
    stub->async()->GetCustomer(
        call->context.get(), &request, &call->response,
        [call](grpc::Status s) { call->done.set_value(std::move(s)); });
  }
  absl::SleepFor(absl::Milliseconds(100));
  auto context = ContextFor(test_namespace());
  context->AddMetadata("x-test", "close");
  v1::GetCustomerResponse response;
  EXPECT_EQ(closed->GetCustomer(context.get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  const grpc::Status closed_status = on_closed.done.get_future().get();
  const grpc::Status other_status = on_other.done.get_future().get();
  // The call in flight on the closed connection failed with it; the other
  // connection's call was answered.
  EXPECT_EQ(closed_status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(other_status, IsOk());
  EXPECT_EQ(on_other.response.customer().id(), kAda);
  // Both clients go on: the closed one on a new connection.
  for (Stub* stub : {closed.get(), other.get()}) {
    EXPECT_THAT(stub->GetCustomer(ContextFor(test_namespace()).get(), request,
                                  &response),
                IsOk());
  }
}

// Many clients at once, each on a connection of its own, some of whose calls
// are reset or have their connection closed (also what ThreadSanitizer
// checks: the reset's hand-over to gRPC's core and the socket registry).
TEST_F(NetworkFaultTest, ResetsAndClosesAmidConcurrentCalls) {
  AddRule(
      "{method: GetCustomer, match_metadata: {x-test: reset}, "
      "action: {reset_stream: true}}");
  AddRule(
      "{method: GetCustomer, match_metadata: {x-test: close}, "
      "action: {close_connection: true}}");
  constexpr int kClients = 8;
  constexpr int kCallsEach = 15;
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::unique_ptr<Stub> stub;
      v1::GetCustomerRequest request;
      request.set_id(kAda);
      for (int i = 0; i < kCallsEach; ++i) {
        // A new connection after each closed one: a client's next call on a
        // connection that just dropped fails too, before it is sent.
        if (i == 0 || i % 3 == 2) {
          stub = v1::CustomerService::NewStub(
              Connect(tcp_fake_->address(), 100 + c * kCallsEach + i));
        }
        const char* kind = i % 3 == 0 ? "reset" : i % 3 == 1 ? "close" : "";
        auto context = ContextFor(test_namespace());
        if (*kind != '\0') context->AddMetadata("x-test", kind);
        v1::GetCustomerResponse response;
        grpc::StatusCode code =
            stub->GetCustomer(context.get(), request, &response).error_code();
        grpc::StatusCode want = i % 3 == 0   ? grpc::StatusCode::INTERNAL
                                : i % 3 == 1 ? grpc::StatusCode::UNAVAILABLE
                                             : grpc::StatusCode::OK;
        if (code != want) ++wrong;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong, 0);
  WaitForCalls("GetCustomer", kClients * kCallsEach);
  auto page = tcp_control().ListCalls(test_namespace(), "GetCustomer", 1000);
  ASSERT_TRUE(page.ok());
  std::map<model::CallOutcome, int> outcomes;
  for (const model::CallRecord& call : page->calls) ++outcomes[call.outcome];
  EXPECT_EQ(outcomes[model::CallOutcome::kReset], kClients * kCallsEach / 3);
  EXPECT_EQ(outcomes[model::CallOutcome::kConnectionClosed],
            kClients * kCallsEach / 3);
  EXPECT_EQ(outcomes[model::CallOutcome::kAnswered], kClients * kCallsEach / 3);
}

// ---- bad rules
// -----------------------------------------------------------------

TEST_F(NetworkFaultTest, ABadRuleIsRefusedAndTheRulesStayAsTheyWere) {
  AddRule("{id: kept, method: GetCustomer, action: {code: UNAVAILABLE}}");
  for (const char* bad :
       {"{method: CreateCustomer, action: {serve_first: yes please}}",
        "{method: CreateCustomer, action: {reset_stream: true, "
        "close_connection: true}}",
        "{method: CreateCustomer, action: {serve_first: true, hang: true}}",
        "{method: GetCustomer, action: {serve_first: true, response: "
        "{customer: {id: x}}}}"}) {
    auto added = tcp_control().AddFaultRuleYaml(test_namespace(), bad);
    EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(errors::ReasonOf(added.status()), "INVALID_FAULT_RULE") << bad;
    auto rules = tcp_control().ListFaultRules(test_namespace());
    ASSERT_TRUE(rules.ok());
    ASSERT_THAT(*rules, SizeIs(1)) << bad;
    EXPECT_EQ((*rules)[0].rule.id, "kept");
  }
  auto added = tcp_control().AddFaultRuleYaml(
      test_namespace(),
      "{method: CreateCustomer, action: {reset_stream: true, "
      "close_connection: true}}");
  EXPECT_EQ(std::string(added.status().message()),
            "rule:1:73: action.close_connection: cannot be combined with "
            "reset_stream: a call ends one way");
}

// ---- the journal's filter
// -----------------------------------------------------

TEST_F(NetworkFaultTest, AppliedFilterListsOnlyCallsThatChangedState) {
  AddRule("{method: CreateCustomer, times: 1, action: {code: UNAVAILABLE}}");
  EXPECT_EQ(Create("first@example.com").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(Create("second@example.com"), IsOk());
  v1::GetCustomerRequest get;
  get.set_id(kAda);
  v1::GetCustomerResponse got;
  EXPECT_THAT(
      tcp_stub().GetCustomer(ContextFor(test_namespace()).get(), get, &got),
      IsOk());
  auto applied = tcp_control().ListCalls(test_namespace(), "", 0, "", true);
  ASSERT_TRUE(applied.ok());
  ASSERT_THAT(applied->calls, SizeIs(1));
  EXPECT_EQ(applied->calls[0].RequestJson(),
            "{\"email_address\":\"second@example.com\",\"family_name\":"
            "\"Customer\",\"given_name\":\"Test\",\"language_code\":\"en\","
            "\"phone_number\":\"+4997259173740\"}");
  auto all = tcp_control().ListCalls(test_namespace(), "", 0, "", false);
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(all->calls, SizeIs(3));
}

}  // namespace
}  // namespace customerfake
