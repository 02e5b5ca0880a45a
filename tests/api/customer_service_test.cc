#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;

TEST_F(FakeTest, CreateThenGetReturnsTheStoredCustomer) {
  v1::CreateCustomerRequest create;
  create.set_email_address("test-customer@moia.io");
  create.set_family_name("Customer");
  create.set_given_name("Test");
  create.set_language_code("en");
  create.set_phone_number("+4997259173740");
  v1::CreateCustomerResponse created;
  ASSERT_THAT(stub().CreateCustomer(Context().get(), create, &created), IsOk());

  v1::GetCustomerRequest get;
  get.set_id(created.customer().id());
  v1::GetCustomerResponse got;
  ASSERT_THAT(stub().GetCustomer(Context().get(), get, &got), IsOk());
  EXPECT_EQ(got.customer().SerializeAsString(),
            created.customer().SerializeAsString());
  EXPECT_EQ(got.customer().email_address(), "test-customer@moia.io");
}

TEST_F(FakeTest, GetUnknownIsCustomerNotFound) {
  v1::GetCustomerRequest get;
  get.set_id("7ba438cc-4724-4be1-8c59-f82558f4fde8");
  v1::GetCustomerResponse got;
  EXPECT_THAT(stub().GetCustomer(Context().get(), get, &got),
              StatusIs(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
}

}  // namespace
}  // namespace customerfake
