// Fault rule matching, budgets, seeded probability and validation, on
// RuleSet, ValidateRule and CallView directly (no gRPC).
#include "fake/faults/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fake/errors/errors.h"
#include "fake/model/fault_rule.h"
#include "moia/trip/customer/v1/customer.pb.h"

namespace customerfake::faults {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Metadata = std::vector<std::pair<std::string, std::string>>;
using model::RuleProblem;
using model::RuleStatus;
using model::ValidateRule;

constexpr char kService[] = "/moia.trip.customer.v1.CustomerService/";

model::FaultAction Act(absl::StatusCode code) {
  model::FaultAction action;
  action.code = code;
  return action;
}

model::FaultRule Rule(std::string id, std::string method,
                      absl::StatusCode code = absl::StatusCode::kUnavailable) {
  model::FaultRule rule;
  rule.id = std::move(id);
  rule.method = std::move(method);
  rule.action = Act(code);
  return rule;
}

v1::GetCustomerRequest Get(const std::string& id) {
  v1::GetCustomerRequest request;
  request.set_id(id);
  return request;
}

// The decision for one call of `method` (short name).
std::optional<Decision> Decide(RuleSet& rules, const std::string& method,
                               const google::protobuf::Message& request,
                               const Metadata& metadata = {}) {
  return rules.Decide(
      CallView(std::string(kService) + method, &metadata, &request));
}

// The id of the rule that took the call, "" when it passed.
std::string Taker(RuleSet& rules, const std::string& method,
                  const google::protobuf::Message& request,
                  const Metadata& metadata = {}) {
  std::optional<Decision> decision = Decide(rules, method, request, metadata);
  return decision ? decision->rule_id : "";
}

// Which of `n` GetCustomer calls a rule took.
std::vector<bool> Pattern(RuleSet& rules, int n) {
  std::vector<bool> acted;
  for (int i = 0; i < n; ++i) {
    acted.push_back(Decide(rules, "GetCustomer", Get("x")).has_value());
  }
  return acted;
}

RuleSet With(std::vector<model::FaultRule> rules, uint64_t seed = 1) {
  RuleSet set(seed, 100);
  for (auto& rule : rules) EXPECT_TRUE(set.Add(std::move(rule)).ok());
  return set;
}

std::vector<std::string> ProblemKeys(const model::FaultRule& rule) {
  std::vector<std::string> keys;
  for (const RuleProblem& problem : ValidateRule(rule)) {
    keys.push_back(problem.key);
  }
  return keys;
}

TEST(RuleSetTest, ShortMethodNameMatchesOnlyThatMethod) {
  RuleSet rules = With({Rule("r", "GetCustomer")});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "r");
  EXPECT_EQ(Taker(rules, "DeleteCustomer", v1::DeleteCustomerRequest()), "");
}

TEST(RuleSetTest, FullMethodNameMatches) {
  RuleSet rules = With({Rule("r", std::string(kService) + "GetCustomer")});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "r");
  EXPECT_EQ(Taker(rules, "ListCustomers", v1::ListCustomersRequest()), "");
}

TEST(RuleSetTest, StarMatchesEveryMethod) {
  RuleSet rules = With({Rule("r", "*")});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "r");
  EXPECT_EQ(Taker(rules, "CreateCustomer", v1::CreateCustomerRequest()), "r");
  EXPECT_EQ(Taker(rules, "ListCustomerFlags", v1::ListCustomerFlagsRequest()),
            "r");
}

TEST(RuleSetTest, MatchMetadataIsExact) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.match_metadata = {{"x-client", "app"}};
  RuleSet rules = With({rule});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a"), {{"x-client", "app"}}), "r");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a"), {{"x-client", "app2"}}), "");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a"), {{"x-client", "ap"}}), "");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a"), {{"x-other", "app"}}), "");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "");
}

TEST(RuleSetTest, MatchRequestTopLevelField) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.match_request = {{"id", "slow-id"}};
  RuleSet rules = With({rule});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("slow-id")), "r");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("other")), "");
}

TEST(RuleSetTest, MatchRequestDottedNestedField) {
  model::FaultRule rule = Rule("r", "UpdateCustomer");
  rule.match_request = {{"customer.email_address", "slow@example.com"}};
  RuleSet rules = With({rule});
  v1::UpdateCustomerRequest slow;
  slow.mutable_customer()->set_email_address("slow@example.com");
  v1::UpdateCustomerRequest fast;
  fast.mutable_customer()->set_email_address("fast@example.com");
  EXPECT_EQ(Taker(rules, "UpdateCustomer", slow), "r");
  EXPECT_EQ(Taker(rules, "UpdateCustomer", fast), "");
  EXPECT_EQ(Taker(rules, "UpdateCustomer", v1::UpdateCustomerRequest()), "");
}

TEST(RuleSetTest, MatchRequestComparesIntAsJsonText) {
  model::FaultRule rule = Rule("r", "ListCustomers");
  rule.match_request = {{"page_size", "5"}};
  RuleSet rules = With({rule});
  v1::ListCustomersRequest five, fifty;
  five.set_page_size(5);
  fifty.set_page_size(50);
  EXPECT_EQ(Taker(rules, "ListCustomers", five), "r");
  EXPECT_EQ(Taker(rules, "ListCustomers", fifty), "");
  EXPECT_EQ(Taker(rules, "ListCustomers", v1::ListCustomersRequest()), "");
}

// A message-valued field reads as JSON with sorted keys, the same for every
// call with an equal request (a Struct's map order differs between copies).
// Found by fuzz_request_match (fuzz/corpus/request_match/whole-customer.bin).
TEST(RuleSetTest, MatchRequestOnAMessageFieldIsStable) {
  v1::UpdateCustomerRequest request;
  v1::Customer& customer = *request.mutable_customer();
  customer.set_given_name("Test");
  customer.set_family_name("Customer");
  customer.set_language_code("en");
  customer.set_phone_number("+4997259173740");
  const std::string expected =
      R"({"email_address":"","family_name":"Customer","given_name":"Test",)"
      R"("id":"","language_code":"en","phone_number":"+4997259173740"})";
  model::FaultRule rule = Rule("r", "UpdateCustomer");
  rule.match_request = {{"customer", expected}};
  ASSERT_THAT(ValidateRule(rule), IsEmpty());
  RuleSet rules = With({rule});
  const Metadata metadata;
  for (int i = 0; i < 20; ++i) {
    CallView call(std::string(kService) + "UpdateCustomer", &metadata,
                  &request);
    EXPECT_EQ(call.RequestField("customer"), expected) << "call " << i;
    EXPECT_EQ(Taker(rules, "UpdateCustomer", request), "r") << "call " << i;
  }
  customer.set_given_name("Other");
  EXPECT_EQ(Taker(rules, "UpdateCustomer", request), "");
}

TEST(RuleSetTest, CallViewReadsFieldsAndHeaders) {
  v1::ListCustomersRequest request;
  request.set_page_size(5);
  Metadata metadata = {{"x-a", "1"}};
  CallView call(std::string(kService) + "ListCustomers", &metadata, &request);
  EXPECT_EQ(call.RequestField("page_size"), "5");
  EXPECT_EQ(call.RequestField("page_token"), "");
  EXPECT_EQ(call.RequestField("no_such.field"), "");
  ASSERT_NE(call.Header("x-a"), nullptr);
  EXPECT_EQ(*call.Header("x-a"), "1");
  EXPECT_EQ(call.Header("x-b"), nullptr);
}

TEST(RuleSetTest, SkipLetsTheFirstMatchingCallsThrough) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.skip = 2;
  RuleSet rules = With({rule});
  EXPECT_THAT(Pattern(rules, 4), ElementsAre(false, false, true, true));
}

TEST(RuleSetTest, TimesActsOnExactlyMThenPasses) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.times = 3;
  RuleSet rules = With({rule});
  EXPECT_THAT(Pattern(rules, 5), ElementsAre(true, true, true, false, false));
}

TEST(RuleSetTest, FirstMatchingRuleWins) {
  RuleSet rules = With({Rule("first", "GetCustomer"), Rule("second", "*")});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "first");
  EXPECT_EQ(Taker(rules, "DeleteCustomer", v1::DeleteCustomerRequest()),
            "second");
}

TEST(RuleSetTest, SpentRuleFallsThroughToTheNext) {
  model::FaultRule once = Rule("once", "GetCustomer");
  once.times = 1;
  RuleSet rules = With({once, Rule("always", "*")});
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "once");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "always");
  EXPECT_EQ(Taker(rules, "GetCustomer", Get("a")), "always");
}

model::FaultRule Probable(double probability) {
  model::FaultRule rule = Rule("p", "GetCustomer");
  rule.probability = probability;
  return rule;
}

TEST(RuleSetTest, ProbabilitySameSeedGivesSamePattern) {
  RuleSet a = With({Probable(0.3)}, 42);
  RuleSet b = With({Probable(0.3)}, 42);
  std::vector<bool> pattern = Pattern(a, 1000);
  EXPECT_EQ(pattern, Pattern(b, 1000));
  RuleSet other = With({Probable(0.3)}, 43);
  EXPECT_NE(pattern, Pattern(other, 1000));
  a.Reset(42);  // restarts the random source
  ASSERT_TRUE(a.Add(Probable(0.3)).ok());
  EXPECT_EQ(Pattern(a, 1000), pattern);
}

TEST(RuleSetTest, ProbabilityRateIsNearTheConfiguredOne) {
  RuleSet rules = With({Probable(0.3)}, 7);
  std::vector<bool> pattern = Pattern(rules, 5000);
  double rate = std::count(pattern.begin(), pattern.end(), true) / 5000.0;
  EXPECT_NEAR(rate, 0.3, 0.04);
  EXPECT_EQ(rules.List()[0].acted,
            std::count(pattern.begin(), pattern.end(), true));
}

TEST(RuleSetTest, ProbabilityZeroNeverActs) {
  RuleSet rules = With({Probable(0.0)});
  std::vector<bool> pattern = Pattern(rules, 1000);
  EXPECT_EQ(std::count(pattern.begin(), pattern.end(), true), 0);
}

TEST(RuleSetTest, SequenceGivesKthActionThenIsSpent) {
  model::FaultRule rule = Rule("s", "GetCustomer");
  rule.action.reset();
  rule.sequence = {Act(absl::StatusCode::kUnavailable),
                   Act(absl::StatusCode::kOk),
                   Act(absl::StatusCode::kInternal)};
  RuleSet rules = With({rule});
  std::vector<absl::StatusCode> codes;
  for (int i = 0; i < 3; ++i) {
    std::optional<Decision> decision = Decide(rules, "GetCustomer", Get("a"));
    ASSERT_TRUE(decision.has_value()) << "call " << i + 1;
    EXPECT_EQ(decision->rule_id, "s");
    codes.push_back(decision->action.code);
  }
  EXPECT_THAT(codes,
              ElementsAre(absl::StatusCode::kUnavailable, absl::StatusCode::kOk,
                          absl::StatusCode::kInternal));
  EXPECT_FALSE(Decide(rules, "GetCustomer", Get("a")).has_value());
}

TEST(RuleSetTest, CountersAreExact) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.skip = 2;
  rule.times = 3;
  RuleSet rules = With({rule, Rule("later", "GetCustomer")});
  for (int i = 0; i < 10; ++i) Decide(rules, "GetCustomer", Get("a"));
  for (int i = 0; i < 3; ++i) {
    Decide(rules, "ListCustomers", v1::ListCustomersRequest());
  }
  std::vector<RuleStatus> status = rules.List();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].matched, 10u);
  EXPECT_EQ(status[0].acted, 3u);
  // The 7 calls the first rule let through.
  EXPECT_EQ(status[1].matched, 7u);
  EXPECT_EQ(status[1].acted, 7u);
}

TEST(ValidateRuleTest, ValidRuleHasNoProblems) {
  model::FaultRule rule = Rule("r", "UpdateCustomer");
  rule.match_request = {{"customer.email_address", "a@example.com"}};
  rule.probability = 0.5;
  EXPECT_THAT(ValidateRule(rule), IsEmpty());
  EXPECT_THAT(ValidateRule(Rule("r", "*")), IsEmpty());
}

TEST(ValidateRuleTest, UnknownMethod) {
  std::vector<RuleProblem> problems = ValidateRule(Rule("r", "GetCustomers"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "method");
  EXPECT_THAT(problems[0].message, HasSubstr("GetCustomers"));
}

TEST(ValidateRuleTest, ProbabilityOutsideZeroToOne) {
  for (double p : {std::numeric_limits<double>::quiet_NaN(), 1.5, -0.1}) {
    EXPECT_THAT(ProblemKeys(Probable(p)), ElementsAre("probability"))
        << "probability " << p;
  }
}

TEST(ValidateRuleTest, MatchRequestUnknownField) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.match_request = {{"email_address", "a@example.com"}};
  EXPECT_THAT(ProblemKeys(rule), ElementsAre("match_request.email_address"));
  model::FaultRule any = Rule("r", "*");
  any.match_request = {{"nickname", "x"}};
  EXPECT_THAT(ProblemKeys(any), ElementsAre("match_request.nickname"));
  any.match_request = {{"customer.nickname", "x"}};
  EXPECT_THAT(ProblemKeys(any), ElementsAre("match_request.customer.nickname"));
}

TEST(ValidateRuleTest, NeedsExactlyOneOfActionAndSequence) {
  model::FaultRule both = Rule("r", "GetCustomer");
  both.sequence = {Act(absl::StatusCode::kUnavailable)};
  EXPECT_THAT(ProblemKeys(both), ElementsAre("sequence"));
  model::FaultRule neither = Rule("r", "GetCustomer");
  neither.action.reset();
  EXPECT_THAT(ProblemKeys(neither), ElementsAre("action"));
}

model::FaultRule Canned(std::string method, absl::StatusCode code,
                        std::string json) {
  model::FaultRule rule = Rule("r", std::move(method), code);
  rule.action->response_json = std::move(json);
  return rule;
}

TEST(ValidateRuleTest, ResponseProblems) {
  constexpr char kCustomer[] = R"({"customer": {"id": "c1"}})";
  EXPECT_THAT(
      ValidateRule(Canned("CreateCustomer", absl::StatusCode::kOk, kCustomer)),
      IsEmpty());
  EXPECT_THAT(ProblemKeys(Canned("CreateCustomer",
                                 absl::StatusCode::kUnavailable, kCustomer)),
              ElementsAre("action.response"));
  EXPECT_THAT(ProblemKeys(Canned("*", absl::StatusCode::kOk, kCustomer)),
              ElementsAre("action.response"));
  std::vector<RuleProblem> wrong = ValidateRule(Canned(
      "CreateCustomer", absl::StatusCode::kOk, R"({"costumer": {"id": "c"}})"));
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].key, "action.response");
  EXPECT_THAT(wrong[0].message, HasSubstr("CreateCustomerResponse"));
}

TEST(ValidateRuleTest, NegativeDelay) {
  model::FaultRule rule = Rule("r", "GetCustomer");
  rule.action->delay = absl::Milliseconds(-1);
  EXPECT_THAT(ProblemKeys(rule), ElementsAre("action.delay"));
  model::FaultRule seq = Rule("r", "GetCustomer");
  seq.action.reset();
  seq.sequence = {Act(absl::StatusCode::kOk), Act(absl::StatusCode::kOk)};
  seq.sequence[1].delay = absl::Seconds(-2);
  EXPECT_THAT(ProblemKeys(seq), ElementsAre("sequence[1].delay"));
}

TEST(RuleSetAddTest, GeneratesIdsAndRefusesDuplicates) {
  RuleSet rules(1, 10);
  model::FaultRule unnamed = Rule("", "GetCustomer");
  absl::StatusOr<std::string> id = rules.Add(unnamed);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_FALSE(id->empty());
  ASSERT_TRUE(rules.Add(Rule("dup", "GetCustomer")).ok());
  absl::StatusOr<std::string> again = rules.Add(Rule("dup", "*"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(errors::ReasonOf(again.status()), errors::kInvalidFaultRule);
  EXPECT_THAT(again.status().message(), HasSubstr("dup"));
  EXPECT_THAT(
      rules.List(),
      ElementsAre(
          Field(&RuleStatus::rule, Field(&model::FaultRule::id, *id)),
          Field(&RuleStatus::rule, Field(&model::FaultRule::id, "dup"))));
}

TEST(RuleSetAddTest, RespectsMaxRules) {
  RuleSet rules(1, 2);
  ASSERT_TRUE(rules.Add(Rule("a", "*")).ok());
  ASSERT_TRUE(rules.Add(Rule("b", "*")).ok());
  absl::StatusOr<std::string> third = rules.Add(Rule("c", "*"));
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(errors::ReasonOf(third.status()), errors::kFaultRuleLimitReached);
  EXPECT_EQ(rules.size(), 2u);
  ASSERT_TRUE(rules.Remove("a"));
  EXPECT_TRUE(rules.Add(Rule("c", "*")).ok());
}

}  // namespace
}  // namespace customerfake::faults
