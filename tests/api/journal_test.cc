// The call journal through ControlService.ListCalls: what each entry holds,
// attempt numbering with exact times (a ManualClock), filtering, pagination,
// clearing and the bound on its size.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/core/core.h"
#include "fake/model/clock.h"
#include "fake/testing/fake_test.h"
#include "google/protobuf/util/time_util.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ControlStub = cv1::ControlService::Stub;
using Stub = v1::CustomerService::Stub;

constexpr char kCreate[] =
    "/moia.trip.customer.v1.CustomerService/CreateCustomer";
constexpr char kGet[] = "/moia.trip.customer.v1.CustomerService/GetCustomer";
constexpr char kIdA[] = "7ba438cc-4724-4be1-8c59-f82558f4fde8";
constexpr char kIdB[] = "d23f0824-128b-4f33-8c5c-7fd0a6a3a450";

// A refused GetCustomer or DeleteCustomer of an unknown id.
auto NotFound() {
  return StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
}

v1::CreateCustomerRequest NewCustomer(const std::string& given) {
  v1::CreateCustomerRequest request;
  request.set_given_name(given);
  request.set_email_address("ann@example.com");
  request.set_language_code("en");
  request.set_phone_number("+4997259173740");
  return request;
}

grpc::Status Create(Stub& stub, const std::string& ns,
                    const std::string& given) {
  v1::CreateCustomerResponse response;
  return stub.CreateCustomer(ContextFor(ns).get(), NewCustomer(given),
                             &response);
}

grpc::Status Get(Stub& stub, const std::string& ns, const std::string& id) {
  v1::GetCustomerRequest request;
  request.set_id(id);
  v1::GetCustomerResponse response;
  return stub.GetCustomer(ContextFor(ns).get(), request, &response);
}

grpc::Status ListCalls(ControlStub& control, const std::string& ns,
                       const std::string& method, int page_size,
                       const std::string& token, cv1::ListCallsResponse* out) {
  cv1::ListCallsRequest request;
  request.set_method(method);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return control.ListCalls(ContextFor(ns).get(), request, out);
}

// Every entry, in one page.
std::vector<cv1::Call> Calls(ControlStub& control, const std::string& ns,
                             const std::string& method = "") {
  cv1::ListCallsResponse response;
  EXPECT_THAT(ListCalls(control, ns, method, 1000, "", &response), IsOk());
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  return {response.calls().begin(), response.calls().end()};
}

std::vector<uint64_t> Sequences(const std::vector<cv1::Call>& calls) {
  std::vector<uint64_t> out;
  for (const cv1::Call& call : calls) out.push_back(call.sequence());
  return out;
}

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Nanoseconds(TimeUtil::DurationToNanoseconds(d));
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(t));
}

// A fake of its own with a stub for each service; no fake (and a failed
// test) when it did not start.
struct Server {
  explicit Server(FakeOptions options) : fake(StartFake(std::move(options))) {
    if (fake == nullptr) return;
    api = v1::CustomerService::NewStub(fake->InProcessChannel());
    control = cv1::ControlService::NewStub(fake->InProcessChannel());
  }
  std::unique_ptr<Fake> fake;
  std::unique_ptr<Stub> api;
  std::unique_ptr<ControlStub> control;
};

class JournalTest : public FakeTest {
 protected:
  void SetUp() override {
    FakeTest::SetUp();
    fake().core().namespaces().Delete(test_namespace());  // --gtest_repeat
    control_ = cv1::ControlService::NewStub(fake().InProcessChannel());
  }
  ControlStub& Control() { return *control_; }
  const std::string& Ns() const { return test_namespace(); }

 private:
  std::unique_ptr<ControlStub> control_;
};

TEST_F(JournalTest, RecordsEveryDetailOfACall) {
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(Ns(),
                                    "{id: locked, method: DeleteCustomer, "
                                    "action: {code: FAILED_PRECONDITION, "
                                    "reason: LOCKED, message: \"is locked\"}}")
                  .ok());
  ASSERT_TRUE(control()
                  .AddFaultRuleYaml(Ns(),
                                    "{id: slow, method: ListCustomers, "
                                    "action: {code: OK, delay: 50ms}}")
                  .ok());
  const absl::Time before = absl::Now();
  const absl::Time deadline = before + absl::Seconds(30);
  {
    auto context = ContextFor(Ns(), "sekrit-token-123");
    context->set_deadline(absl::ToChronoTime(deadline));
    v1::CreateCustomerResponse response;
    ASSERT_THAT(
        stub().CreateCustomer(context.get(), NewCustomer("Ann"), &response),
        IsOk());
  }
  EXPECT_THAT(Get(stub(), Ns(), kIdA), NotFound());
  v1::DeleteCustomerRequest del;
  del.set_id(kIdB);
  v1::DeleteCustomerResponse deleted;
  EXPECT_THAT(stub().DeleteCustomer(ContextFor(Ns()).get(), del, &deleted),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, "LOCKED"));
  v1::ListCustomersResponse listed;
  EXPECT_THAT(stub().ListCustomers(ContextFor(Ns()).get(),
                                   v1::ListCustomersRequest(), &listed),
              IsOk());

  cv1::ListCallsResponse response;
  ASSERT_THAT(ListCalls(Control(), Ns(), "", 0, "", &response), IsOk());
  EXPECT_THAT(response.SerializeAsString(), Not(HasSubstr("sekrit")));
  const std::vector<cv1::Call> calls(response.calls().begin(),
                                     response.calls().end());
  ASSERT_THAT(calls, SizeIs(4));
  EXPECT_THAT(Sequences(calls), ElementsAre(1, 2, 3, 4));

  const cv1::Call& create = calls[0];
  EXPECT_EQ(create.method(), kCreate);
  EXPECT_EQ(create.request_json(),
            R"({"email_address":"ann@example.com","given_name":"Ann",)"
            R"("language_code":"en","phone_number":"+4997259173740"})");
  EXPECT_EQ(create.metadata().at("authorization"), "Bearer ***");
  EXPECT_EQ(create.metadata().at("x-fake-namespace"), Ns());
  EXPECT_EQ(create.code(), "OK");
  EXPECT_EQ(create.reason(), "");
  EXPECT_EQ(create.message(), "");
  EXPECT_EQ(create.fault_rule(), "");
  ASSERT_TRUE(create.has_deadline());
  EXPECT_LE(absl::AbsDuration(FromProto(create.deadline()) - deadline),
            absl::Seconds(1));
  EXPECT_GE(FromProto(create.arrival_time()), before - absl::Seconds(1));
  EXPECT_LE(FromProto(create.arrival_time()), absl::Now());
  EXPECT_EQ(create.attempt(), 1);
  EXPECT_FALSE(create.has_since_previous_attempt());

  const cv1::Call& get = calls[1];
  EXPECT_EQ(get.method(), kGet);
  EXPECT_EQ(get.request_json(), absl::StrCat(R"({"id":")", kIdA, R"("})"));
  EXPECT_EQ(get.metadata().at("authorization"), "Bearer ***");
  EXPECT_EQ(get.code(), "NOT_FOUND");
  EXPECT_EQ(get.reason(), "CUSTOMER_NOT_FOUND");
  EXPECT_EQ(get.message(), absl::StrCat("no customer with id \"", kIdA, "\""));
  EXPECT_FALSE(get.has_deadline());

  const cv1::Call& refused = calls[2];
  EXPECT_EQ(refused.method(),
            "/moia.trip.customer.v1.CustomerService/DeleteCustomer");
  EXPECT_EQ(refused.code(), "FAILED_PRECONDITION");
  EXPECT_EQ(refused.reason(), "LOCKED");
  EXPECT_EQ(refused.message(), "is locked");
  EXPECT_EQ(refused.fault_rule(), "locked");

  const cv1::Call& slow = calls[3];
  EXPECT_EQ(slow.request_json(), "{}");
  EXPECT_EQ(slow.code(), "OK");
  EXPECT_EQ(slow.fault_rule(), "slow");
  EXPECT_GE(FromProto(slow.duration()), absl::Milliseconds(50));
  EXPECT_LT(FromProto(slow.duration()), absl::Seconds(10));
}

TEST_F(JournalTest, EqualRequestsAreNumberedAsAttempts) {
  model::ManualClock clock(absl::FromUnixSeconds(1700000000));
  FakeOptions options;
  options.clock = &clock;
  Server server(options);
  ASSERT_NE(server.fake, nullptr);
  const std::string ns = "attempts";

  EXPECT_THAT(Get(*server.api, ns, kIdA), NotFound());
  clock.Advance(absl::Milliseconds(100));
  EXPECT_THAT(Get(*server.api, ns, kIdA), NotFound());
  clock.Advance(absl::Milliseconds(250));
  EXPECT_THAT(Get(*server.api, ns, kIdA), NotFound());
  clock.Advance(absl::Seconds(1));
  EXPECT_THAT(Get(*server.api, ns, kIdB), NotFound());
  v1::DeleteCustomerRequest del;  // the same bytes, another method
  del.set_id(kIdA);
  v1::DeleteCustomerResponse deleted;
  EXPECT_THAT(server.api->DeleteCustomer(ContextFor(ns).get(), del, &deleted),
              NotFound());

  const std::vector<cv1::Call> calls = Calls(*server.control, ns);
  ASSERT_THAT(calls, SizeIs(5));
  std::vector<int> attempts;
  for (const cv1::Call& call : calls) {
    attempts.push_back(call.attempt());
    EXPECT_EQ(FromProto(call.duration()), absl::ZeroDuration());
  }
  EXPECT_THAT(attempts, ElementsAre(1, 2, 3, 1, 1));
  EXPECT_FALSE(calls[0].has_since_previous_attempt());
  EXPECT_EQ(FromProto(calls[1].since_previous_attempt()),
            absl::Milliseconds(100));
  EXPECT_EQ(FromProto(calls[2].since_previous_attempt()),
            absl::Milliseconds(250));
  EXPECT_FALSE(calls[3].has_since_previous_attempt());
  EXPECT_FALSE(calls[4].has_since_previous_attempt());
  EXPECT_EQ(FromProto(calls[0].arrival_time()),
            absl::FromUnixSeconds(1700000000));
  EXPECT_EQ(FromProto(calls[2].arrival_time()),
            absl::FromUnixSeconds(1700000000) + absl::Milliseconds(350));
}

TEST_F(JournalTest, ListCallsFiltersByShortOrFullMethodName) {
  ASSERT_THAT(Create(stub(), Ns(), "One"), IsOk());
  ASSERT_THAT(Get(stub(), Ns(), kIdA), NotFound());
  ASSERT_THAT(Create(stub(), Ns(), "Two"), IsOk());
  EXPECT_THAT(Sequences(Calls(Control(), Ns(), "CreateCustomer")),
              ElementsAre(1, 3));
  EXPECT_THAT(Sequences(Calls(Control(), Ns(), kCreate)), ElementsAre(1, 3));
  EXPECT_THAT(Sequences(Calls(Control(), Ns(), "GetCustomer")), ElementsAre(2));
  EXPECT_THAT(Sequences(Calls(Control(), Ns(), kGet)), ElementsAre(2));
  EXPECT_THAT(Calls(Control(), Ns(), "DeleteCustomer"), IsEmpty());
  EXPECT_THAT(Sequences(Calls(Control(), Ns())), ElementsAre(1, 2, 3));
}

TEST_F(JournalTest, ListCallsPagesWithoutATrailingEmptyPage) {
  for (const char* given : {"A", "B", "C", "D"}) {
    ASSERT_THAT(Create(stub(), Ns(), given), IsOk());
  }
  ASSERT_THAT(Get(stub(), Ns(), kIdA), NotFound());

  std::vector<std::vector<uint64_t>> pages;
  std::string token;
  do {
    cv1::ListCallsResponse page;
    ASSERT_THAT(ListCalls(Control(), Ns(), "", 2, token, &page), IsOk());
    pages.push_back(Sequences({page.calls().begin(), page.calls().end()}));
    token = page.next_page_token();
  } while (!token.empty() && pages.size() < 10);
  EXPECT_THAT(
      pages, ElementsAre(ElementsAre(1, 2), ElementsAre(3, 4), ElementsAre(5)));

  // Four CreateCustomer calls fill exactly two pages: the second has no token.
  cv1::ListCallsResponse first;
  ASSERT_THAT(ListCalls(Control(), Ns(), "CreateCustomer", 2, "", &first),
              IsOk());
  cv1::ListCallsResponse second;
  ASSERT_THAT(ListCalls(Control(), Ns(), "CreateCustomer", 2,
                        first.next_page_token(), &second),
              IsOk());
  EXPECT_THAT(Sequences({second.calls().begin(), second.calls().end()}),
              ElementsAre(3, 4));
  EXPECT_THAT(second.next_page_token(), IsEmpty());

  // A token only works with the filter it was issued for.
  cv1::ListCallsResponse other;
  EXPECT_THAT(
      ListCalls(Control(), Ns(), "GetCustomer", 2, first.next_page_token(),
                &other),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_THAT(
      ListCalls(Control(), Ns(), "", 2, "garbage", &other),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_THAT(
      ListCalls(Control(), Ns(), "", -1, "", &other),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_SIZE"));
}

TEST_F(JournalTest, ClearCallsEmptiesTheJournal) {
  ASSERT_THAT(Get(stub(), Ns(), kIdA), NotFound());
  ASSERT_THAT(Get(stub(), Ns(), kIdA), NotFound());
  ASSERT_THAT(Calls(Control(), Ns()), SizeIs(2));
  cv1::ClearCallsResponse cleared;
  ASSERT_THAT(Control().ClearCalls(ContextFor(Ns()).get(),
                                   cv1::ClearCallsRequest(), &cleared),
              IsOk());
  EXPECT_THAT(Calls(Control(), Ns()), IsEmpty());
  // Attempts count from 1 again; sequence numbers never repeat.
  ASSERT_THAT(Get(stub(), Ns(), kIdA), NotFound());
  const std::vector<cv1::Call> calls = Calls(Control(), Ns());
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].attempt(), 1);
  EXPECT_EQ(calls[0].sequence(), 3u);
}

TEST_F(JournalTest, JournalKeepsOnlyTheNewestEntries) {
  FakeOptions options;
  options.journal_entries = 3;
  Server server(options);
  ASSERT_NE(server.fake, nullptr);
  for (const char* given : {"A", "B", "C", "D", "E"}) {
    ASSERT_THAT(Create(*server.api, "bounded", given), IsOk());
  }
  const std::vector<cv1::Call> calls = Calls(*server.control, "bounded");
  EXPECT_THAT(Sequences(calls), ElementsAre(3, 4, 5));
  std::vector<std::string> requests;
  for (const cv1::Call& call : calls) requests.push_back(call.request_json());
  EXPECT_THAT(requests[0], HasSubstr(R"("given_name":"C")"));
  EXPECT_THAT(requests[2], HasSubstr(R"("given_name":"E")"));
}

}  // namespace
}  // namespace customerfake
