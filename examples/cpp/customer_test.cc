// A client's tests against the fake, as a project that installed it writes
// them: the shared fixture, and a fake of its own from a scenario file.
#include <memory>
#include <string>

#include "fake/server/fake.h"
#include "fake/testing/fake_test.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;

// MOIA's guide, "Creating a Customer", then reading it back.
TEST_F(FakeTest, CreatesTheGuidesCustomer) {
  v1::CreateCustomerRequest request;
  request.set_email_address("test-customer@moia.io");
  request.set_family_name("Customer");
  request.set_given_name("Test");
  request.set_language_code("en");
  request.set_phone_number("+4997259173740");
  v1::CreateCustomerResponse created;
  ASSERT_THAT(stub().CreateCustomer(Context().get(), request, &created),
              IsOk());
  EXPECT_FALSE(created.customer().id().empty());
  EXPECT_EQ(created.customer().given_name(), "Test");
  EXPECT_EQ(created.customer().phone_number(), "+4997259173740");

  v1::GetCustomerRequest get;
  get.set_id(created.customer().id());
  v1::GetCustomerResponse got;
  ASSERT_THAT(stub().GetCustomer(Context().get(), get, &got), IsOk());
  EXPECT_EQ(got.customer().email_address(), "test-customer@moia.io");
}

TEST_F(FakeTest, UnknownCustomerIsNotFound) {
  v1::GetCustomerRequest request;
  request.set_id("7ba438cc-4724-4be1-8c59-f82558f4fde8");
  v1::GetCustomerResponse response;
  EXPECT_THAT(stub().GetCustomer(Context().get(), request, &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
}

// Other start options: a fake of this test's own, here serving the installed
// default scenario.
TEST(OwnFake, ServesTheDefaultScenario) {
  customerfake::FakeOptions options;
  options.scenario_file = CUSTOMER_FAKE_SCENARIOS_DIR "/default.yaml";
  auto fake = customerfake::Fake::Start(options);
  ASSERT_TRUE(fake.ok()) << fake.status();
  auto stub = v1::CustomerService::NewStub((*fake)->InProcessChannel());

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer example-token");
  v1::GetCustomerRequest request;
  request.set_id("6513270e-269e-4d37-b2a7-4de452e6b438");  // "Test Customer"
  v1::GetCustomerResponse response;
  ASSERT_THAT(stub->GetCustomer(&context, request, &response), IsOk());
  EXPECT_EQ(response.customer().given_name(), "Test");
  EXPECT_EQ(response.customer().family_name(), "Customer");
  (*fake)->Shutdown();
}

}  // namespace
