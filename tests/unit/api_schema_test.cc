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
      EXPECT_TRUE(method.request.fields->identical()) << method.full_name;
      EXPECT_TRUE(method.response.fields->identical()) << method.full_name;
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
  EXPECT_FALSE(get.request.fields->identical());
  EXPECT_EQ(get.request.declared->file()->pool(), (*schema)->pool());
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

  std::string declared;
  ASSERT_TRUE(wire.fields->ToExternal(ours.SerializeAsString(), &declared));
  // A client reads it as the declared type.
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> received(
      factory.GetPrototype(wire.declared)->New());
  ASSERT_TRUE(received->ParseFromString(declared));
  const auto* customers = wire.declared->FindFieldByName("customers");
  ASSERT_EQ(received->GetReflection()->FieldSize(*received, customers), 2);
  const google::protobuf::Message& first =
      received->GetReflection()->GetRepeatedMessage(*received, customers, 0);
  EXPECT_EQ(first.GetReflection()->GetString(
                first, first.GetDescriptor()->FindFieldByName("phone_number")),
            "+4915100000000");
  std::string back_bytes;
  ASSERT_TRUE(wire.fields->ToInternal(declared, &back_bytes));
  v1::ListCustomersResponse back;
  ASSERT_TRUE(back.ParseFromString(back_bytes));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ours, back))
      << back.DebugString();
  // Not the same bytes: the numbers differ.
  EXPECT_NE(declared, ours.SerializeAsString());
}

TEST(ApiSchemaTest, FieldsTheFakeDoesNotKnowAreDropped) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const MessageWire& wire = Method(**schema, 0, "CreateCustomer").request;
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> sent(
      factory.GetPrototype(wire.declared)->New());
  const google::protobuf::Reflection& fields = *sent->GetReflection();
  fields.SetString(sent.get(), wire.declared->FindFieldByName("given_name"),
                   "Ada");
  fields.SetString(sent.get(), wire.declared->FindFieldByName("middle_name"),
                   "unknown");
  std::string ours_bytes;
  ASSERT_TRUE(wire.fields->ToInternal(sent->SerializeAsString(), &ours_bytes));
  v1::CreateCustomerRequest ours;
  ASSERT_TRUE(ours.ParseFromString(ours_bytes));
  EXPECT_EQ(ours.given_name(), "Ada");
  EXPECT_TRUE(ours.GetReflection()->GetUnknownFields(ours).empty());
}

TEST(ApiSchemaTest, TruncatedBytesAreRefused) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  std::string out;
  // Field 4 (id), length 10, but only two bytes follow.
  EXPECT_FALSE(Method(**schema, 0, "GetCustomer")
                   .request.fields->ToInternal(std::string("\x22\x0a"
                                                           "ab"),
                                               &out));
}

TEST(ApiSchemaTest, PresenceOfPageSizeSurvivesTheCopy) {
  auto schema = ApiSchema::Load(CUSTOMER_FAKE_OFFICIAL_PROTOS_DIR);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const MessageWire& wire = Method(**schema, 0, "ListCustomers").request;
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> sent(
      factory.GetPrototype(wire.declared)->New());
  sent->GetReflection()->SetInt32(
      sent.get(), wire.declared->FindFieldByName("page_size"), 0);
  std::string bytes;
  ASSERT_TRUE(wire.fields->ToInternal(sent->SerializeAsString(), &bytes));
  v1::ListCustomersRequest ours;
  ASSERT_TRUE(ours.ParseFromString(bytes));
  EXPECT_TRUE(ours.has_page_size());  // 0, set: the default page size
  EXPECT_EQ(ours.page_size(), 0);
  bytes.clear();
  ASSERT_TRUE(wire.fields->ToInternal("", &bytes));
  v1::ListCustomersRequest unset;
  ASSERT_TRUE(unset.ParseFromString(bytes));
  EXPECT_FALSE(unset.has_page_size());
}

}  // namespace
}  // namespace customerfake::wire
