#include "tests/api/churn_model.h"

#include <memory>

#include "absl/status/statusor.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace customerfake::churn {

using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;

std::vector<Customer> CustomersOf(const char* yaml) {
  absl::StatusOr<model::Scenario> scenario =
      scenario::ParseScenario(yaml, "churn");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  std::vector<Customer> out;
  for (const model::CustomerRecord& record : scenario->customers) {
    Customer customer;
    customer.data.set_id(record.id);
    customer.data.set_email_address(record.fields.email_address);
    customer.data.set_family_name(record.fields.family_name);
    customer.data.set_given_name(record.fields.given_name);
    customer.data.set_language_code(record.fields.language_code);
    customer.data.set_phone_number(record.fields.phone_number);
    customer.flags.insert(record.flags.begin(), record.flags.end());
    out.push_back(std::move(customer));
  }
  return out;
}

bool SameCustomer(const v1::Customer& a, const v1::Customer& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Key(absl::string_view header, absl::string_view method, Code code) {
  return absl::StrCat(header, " ", method, " ", static_cast<int>(code));
}

Met ResolveFaults(std::vector<Rule>& rules, absl::string_view method,
                  const grpc::Status& status,
                  const google::protobuf::Message& response) {
  // The fake's order: the first matching rule past its skip, with budget
  // left and winning its draw, acts. A draw is known from the answer: each
  // probabilistic rule has its own reason.
  for (Rule& rule : rules) {
    if (rule.method != "*" && rule.method != method) continue;
    if (++rule.matched <= rule.skip) continue;
    if (rule.Budget() != 0 && rule.acted >= rule.Budget()) continue;
    if (rule.kind == Rule::kMaybe &&
        ErrorInfoOf(status).reason() != rule.Reason(0)) {
      continue;
    }
    const uint64_t step = rule.acted++;
    switch (rule.kind) {
      case Rule::kError:
      case Rule::kMaybe:
        EXPECT_THAT(status, StatusIs(Code::UNAVAILABLE, rule.Reason(0)))
            << rule.id << " on " << method;
        return Met::kFault;
      case Rule::kDelay:
        return Met::kServed;
      case Rule::kCanned: {
        EXPECT_THAT(status, IsOk()) << rule.id;
        std::unique_ptr<google::protobuf::Message> canned(response.New());
        EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                        rule.CannedJson(), canned.get())
                        .ok());
        EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
            *canned, response))
            << rule.id << " answered " << response.ShortDebugString();
        return Met::kFault;
      }
      case Rule::kSequence:
        if (step == 1) return Met::kServed;  // {code: OK}
        EXPECT_THAT(status, StatusIs(step == 0 ? Code::ABORTED
                                               : Code::RESOURCE_EXHAUSTED,
                                     rule.Reason(step)))
            << rule.id;
        return Met::kFault;
    }
  }
  return Met::kServed;
}

}  // namespace customerfake::churn
