// wire::ApiSchema and FieldMap directly: the bundled files fit the fake and
// have its wire form; an official-like set (tests/official_protos) fits by
// name only, and messages copied to it and back come back whole.
#include "fake/wire/api_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/message_differencer.h"
#include "moia/trip/customer/v1/customer.pb.h"

namespace customerfake::wire {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const MethodWire& Method(const ApiSchema& schema, size_t service,
                         const std::string& name) {
  for (const MethodWire& method : schema.services()[service].methods) {
    if (method.method->short_name == name) return method;
  }
  ADD_FAILURE() << "no method " << name;
  std::abort();
}

TEST(ApiSchemaTest, BundledFilesHaveTheFakesWireForm) {
  auto schema = ApiSchema::Bundled();
  ASSERT_TRUE(schema.ok()) << schema.status();
  ASSERT_THAT((*schema)->services(), SizeIs(2));
  EXPECT_EQ((*schema)->services()[0].declared->full_name(),
            "moia.trip.customer.v1.CustomerService");
  EXPECT_TRUE((*schema)->services()[0].rich_errors);
  EXPECT_EQ((*schema)->services()[1].declared->full_name(),
            "moia.ridepooling.customer.v1beta1.CustomerService");
  EXPECT_FALSE((*schema)->services()[1].rich_errors);
  for (const ServiceWire& service : (*schema)->services()) {
    ASSERT_THAT(service.methods, SizeIs(8));
    for (const MethodWire& method : service.methods) {
      // Read and written directly as the fake's own messages.
      EXPECT_EQ(method.request.declared, nullptr) << method.full_name;
      EXPECT_EQ(method.response.declared, nullptr) << method.full_name;
      EXPECT_TRUE(method.request.fields->identical()) << method.full_name;
    }
  }
  EXPECT_THAT((*schema)->unknown(), IsEmpty());
  EXPECT_EQ((*schema)->pool(), nullptr);
}

TEST(ApiSchemaTest, OfficialLikeFilesFitByNameOnly) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const MethodWire& get = Method(**schema, 0, "GetCustomer");
  EXPECT_EQ(get.full_name,
            "/moia.trip.customer.v1.CustomerService/GetCustomer");
  ASSERT_NE(get.request.declared, nullptr);
  EXPECT_EQ(get.request.declared->GetDescriptor()->file()->pool(),
            (*schema)->pool());
  EXPECT_THAT(
      (*schema)->unknown(),
      ElementsAre("moia.trip.customer.v1.CustomerService.SearchCustomers",
                  "moia.trip.customer.v1.CreateCustomerRequest.middle_name",
                  "moia.trip.customer.v1.Customer.create_time",
                  "moia.trip.customer.v1.Customer.middle_name"));
}

TEST(ApiSchemaTest, AMessageCopiedToTheOfficialTypeAndBackIsWhole) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const MessageWire& wire = Method(**schema, 0, "ListCustomers").response;
  v1::ListCustomersResponse ours;
  for (int i = 0; i < 2; ++i) {
    v1::Customer* customer = ours.add_customers();
    customer->set_id(absl::StrCat("id-", i));
    customer->set_email_address("a@example.com");
    customer->set_family_name("Family");
    customer->set_given_name("Given");
    customer->set_language_code("de");
    customer->set_phone_number("+4915100000000");
  }
  ours.set_next_page_token("token");

  std::unique_ptr<google::protobuf::Message> declared(wire.declared->New());
  wire.fields->ToExternal(ours, declared.get());
  // Read as the declared type from its bytes, as a client would.
  std::unique_ptr<google::protobuf::Message> received(wire.declared->New());
  ASSERT_TRUE(received->ParseFromString(declared->SerializeAsString()));
  v1::ListCustomersResponse back;
  wire.fields->ToInternal(*received, &back);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ours, back))
      << back.DebugString();
  // Not the same bytes: the numbers differ.
  EXPECT_NE(declared->SerializeAsString(), ours.SerializeAsString());
}

TEST(ApiSchemaTest, PresenceOfPageSizeSurvivesTheCopy) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const MessageWire& wire = Method(**schema, 0, "ListCustomers").request;
  std::unique_ptr<google::protobuf::Message> declared(wire.declared->New());
  const auto* page_size =
      declared->GetDescriptor()->FindFieldByName("page_size");
  declared->GetReflection()->SetInt32(declared.get(), page_size, 0);
  v1::ListCustomersRequest ours;
  wire.fields->ToInternal(*declared, &ours);
  EXPECT_TRUE(ours.has_page_size());  // 0, set: the default page size
  EXPECT_EQ(ours.page_size(), 0);
  v1::ListCustomersRequest unset;
  wire.fields->ToInternal(*wire.declared, &unset);
  EXPECT_FALSE(unset.has_page_size());
}

}  // namespace
}  // namespace customerfake::wire
