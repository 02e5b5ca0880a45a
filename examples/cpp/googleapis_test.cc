// A project that links googleapis' generated google/rpc messages (here
// generated from the same .proto files, as googleapis ships them) beside
// the fake: the program links (no duplicate symbols) and starts (no file
// registered twice in protobuf's generated pool), and the generated
// google::rpc::ErrorInfo reads the fake's error details.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake/testing/fake_test.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::FakeTest;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST_F(FakeTest, GoogleapisErrorInfoReadsTheFakesDetails) {
  v1::CreateCustomerRequest request;
  request.set_email_address("test-customer@moia.io");
  request.set_given_name("Test");
  request.set_language_code("en");
  request.set_phone_number("0172 123");  // not E.164
  v1::CreateCustomerResponse response;
  grpc::Status status =
      stub().CreateCustomer(Context().get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(info.domain(), "trip-api.moia-group.io");
  EXPECT_THAT(info.metadata(),
              UnorderedElementsAre(Pair("field", "phone_number")));
}

}  // namespace
