// scenarios/lost-responses.yaml with FakeTest, as a C++ client's test would
// use it: the write happens, the answer is lost. A naive retry creates a
// duplicate; looking for the customer by email before retrying creates none.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::SizeIs;

v1::CreateCustomerRequest Ada(const std::string& email) {
  v1::CreateCustomerRequest request;
  request.set_email_address(email);
  request.set_family_name("Customer");
  request.set_given_name("Ada");
  request.set_language_code("en");
  request.set_phone_number("+4915100000001");
  return request;
}

bool Retryable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

class LostResponsesTest : public FakeTest {
 protected:
  void SetUp() override {
    FakeTest::SetUp();
    FakeOptions options;
    options.scenario_file =
        (std::filesystem::path(CUSTOMER_FAKE_SCENARIOS_DIR) /
         "lost-responses.yaml")
            .string();
    ASSERT_NE(UseOwnFake(options), nullptr);
  }

  grpc::Status Create(const v1::CreateCustomerRequest& request,
                      v1::Customer* created) {
    auto context = Context();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    v1::CreateCustomerResponse response;
    grpc::Status status =
        stub().CreateCustomer(context.get(), request, &response);
    *created = response.customer();
    return status;
  }

  // Up to three attempts; `before_retry` may find what a lost answer made.
  grpc::Status CreateWithRetries(
      const v1::CreateCustomerRequest& request, v1::Customer* created,
      const std::function<std::optional<v1::Customer>()>& before_retry) {
    grpc::Status status;
    for (int attempt = 0; attempt < 3; ++attempt) {
      status = Create(request, created);
      if (!Retryable(status)) return status;
      if (std::optional<v1::Customer> found = before_retry()) {
        *created = *found;
        return grpc::Status::OK;
      }
    }
    return status;
  }

  std::vector<v1::Customer> WithEmail(const std::string& email) {
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    v1::ListCustomersResponse response;
    EXPECT_THAT(stub().ListCustomers(Context().get(), request, &response),
                IsOk());
    std::vector<v1::Customer> found;
    for (const v1::Customer& customer : response.customers()) {
      if (customer.email_address() == email) found.push_back(customer);
    }
    return found;
  }
};

TEST_F(LostResponsesTest, NaiveRetryCreatesADuplicate) {
  v1::Customer created;
  EXPECT_THAT(CreateWithRetries(Ada("ada@example.com"), &created,
                                [] { return std::nullopt; }),
              IsOk());
  EXPECT_THAT(WithEmail("ada@example.com"), SizeIs(2));
  auto calls = control().ListCalls(test_namespace(), "CreateCustomer");
  ASSERT_TRUE(calls.ok());
  ASSERT_THAT(calls->calls, SizeIs(2));
  EXPECT_EQ(calls->calls[0].outcome, model::CallOutcome::kErrorInjected);
  EXPECT_TRUE(calls->calls[0].applied);
  EXPECT_EQ(calls->calls[1].attempt, 2);
}

TEST_F(LostResponsesTest, DeduplicationBeforeTheRetryCreatesNone) {
  const std::string email = "ada@example.com";
  v1::Customer created;
  EXPECT_THAT(CreateWithRetries(Ada(email), &created,
                                [&]() -> std::optional<v1::Customer> {
                                  std::vector<v1::Customer> found =
                                      WithEmail(email);
                                  if (found.empty()) return std::nullopt;
                                  return found[0];
                                }),
              IsOk());
  std::vector<v1::Customer> stored = WithEmail(email);
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].id(), created.id());
}

TEST_F(LostResponsesTest, SlowSuccessOutlastsAOneSecondDeadline) {
  v1::Customer created;
  // The scenario's first CreateCustomer loses its answer.
  EXPECT_THAT(Create(Ada("first@example.com"), &created),
              StatusIs(grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"));
  EXPECT_EQ(Create(Ada("slow@example.com"), &created).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(WithEmail("slow@example.com"), SizeIs(1));
}

}  // namespace
}  // namespace customerfake
