// --max-concurrent-streams over TCP: what a client sees past the limit. A
// gRPC client holds a call past its connection's limit until one of the
// calls in flight there ends; the fake never sees the held call (it is not
// journaled), so the client's deadline ends it. Another connection has its
// own budget.
//
// --max-connections: a connection past the limit is closed as it is
// accepted, so its calls fail UNAVAILABLE; once a connection closes, a new
// one is served again.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/control/control.h"
#include "fake/server/fake.h"
#include "fake/testing/fake_test.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::IsOk;

// A channel of its own connection: channels to the same address otherwise
// share one.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

grpc::Status ListCustomers(const std::shared_ptr<grpc::Channel>& channel,
                           absl::Duration timeout) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer t");
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  v1::ListCustomersResponse response;
  return v1::CustomerService::NewStub(channel)->ListCustomers(&context, {},
                                                              &response);
}

TEST(StreamLimitsTest, ACallPastTheLimitWaitsForOneToEndAndIsNeverServed) {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  options.max_concurrent_streams = 1;
  auto fake = Fake::Start(std::move(options));
  ASSERT_TRUE(fake.ok()) << fake.status();
  ASSERT_TRUE((*fake)
                  ->control()
                  .AddFaultRuleYaml("default",
                                    "{method: GetCustomer, action: {hang: "
                                    "true}}")
                  .ok());
  auto channel = OwnConnection((*fake)->address());

  // The connection's one stream: a call that hangs.
  grpc::ClientContext held;
  held.AddMetadata("authorization", "Bearer t");
  v1::GetCustomerRequest request;
  request.set_id("7ba438cc-4724-4be1-8c59-f82558f4fde8");
  v1::GetCustomerResponse held_response;
  grpc::Status held_status;
  absl::Notification held_done;
  auto stub = v1::CustomerService::NewStub(channel);
  stub->async()->GetCustomer(&held, &request, &held_response,
                             [&](grpc::Status status) {
                               held_status = std::move(status);
                               held_done.Notify();
                             });
  absl::Time wait_until = absl::Now() + absl::Seconds(10);
  while ((*fake)->in_flight() != 1 && absl::Now() < wait_until) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ((*fake)->in_flight(), 1);

  // Past the limit on the same connection: held by the client until its
  // deadline, never reaching the fake.
  grpc::Status past = ListCustomers(channel, absl::Seconds(1));
  EXPECT_EQ(past.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << past.error_message();
  EXPECT_EQ((*fake)->in_flight(), 1);
  auto journal = (*fake)->control().ListCalls("default", "ListCustomers");
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_TRUE(journal->calls.empty());

  // Another connection has its own budget.
  EXPECT_THAT(
      ListCustomers(OwnConnection((*fake)->address()), absl::Seconds(10)),
      IsOk());

  // Once the held call ends, the first connection serves again.
  held.TryCancel();
  held_done.WaitForNotification();
  EXPECT_EQ(held_status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_THAT(ListCustomers(channel, absl::Seconds(10)), IsOk());
}

TEST(ConnectionLimitsTest, AConnectionPastTheLimitIsUnavailableUntilOneCloses) {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  options.max_connections = 2;
  auto fake = Fake::Start(std::move(options));
  ASSERT_TRUE(fake.ok()) << fake.status();
  const std::string address = (*fake)->address();

  auto first = OwnConnection(address);
  auto second = OwnConnection(address);
  EXPECT_THAT(ListCustomers(first, absl::Seconds(10)), IsOk());
  EXPECT_THAT(ListCustomers(second, absl::Seconds(10)), IsOk());

  grpc::Status past = ListCustomers(OwnConnection(address), absl::Seconds(10));
  EXPECT_EQ(past.error_code(), grpc::StatusCode::UNAVAILABLE)
      << past.error_message();
  // The two connections within the limit are untouched.
  EXPECT_THAT(ListCustomers(first, absl::Seconds(10)), IsOk());

  // When a client goes, its place is free (once gRPC has closed the socket).
  second.reset();
  grpc::Status again;
  const absl::Time until = absl::Now() + absl::Seconds(10);
  do {
    again = ListCustomers(OwnConnection(address), absl::Seconds(2));
  } while (!again.ok() && absl::Now() < until);
  EXPECT_THAT(again, IsOk());
}

}  // namespace
}  // namespace customerfake
