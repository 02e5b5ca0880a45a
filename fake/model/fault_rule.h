#ifndef CUSTOMER_FAKE_MODEL_FAULT_RULE_H_
#define CUSTOMER_FAKE_MODEL_FAULT_RULE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace customerfake::model {

// What happens to a call that a fault rule takes.
struct FaultAction {
  absl::StatusCode code = absl::StatusCode::kOk;  // kOk serves the call
  std::string message;
  std::string reason;  // ErrorInfo reason; the code's name when empty
  std::map<std::string, std::string> error_metadata;
  std::optional<absl::Duration> retry_delay;  // adds RetryInfo
  absl::Duration delay = absl::ZeroDuration();
  bool hang = false;
  // With kOk: the canned response as the response message's JSON form.
  std::optional<std::string> response_json;
  // Serve the call first (its write takes effect), then answer with the
  // rest of the action instead: the error, the delay, or one of the two
  // below. The write stays whatever happens to the answer.
  bool serve_first = false;
  // Reset the call's HTTP/2 stream (RST_STREAM) instead of answering.
  bool reset_stream = false;
  // Close the client's connection instead of answering; other calls on it
  // fail as the client library reports a dropped connection.
  bool close_connection = false;
};

// Which calls a rule takes, and what happens to them.
struct FaultRule {
  std::string id;
  // "*", a short method name ("CreateCustomer") or a full one
  // ("/moia.trip.customer.v1.CustomerService/CreateCustomer").
  std::string method = "*";
  std::map<std::string, std::string> match_metadata;
  // Proto field name (dotted for nested fields) -> value in JSON form.
  std::map<std::string, std::string> match_request;
  uint32_t skip = 0;
  uint32_t times = 0;  // 0 = no limit
  double probability = 1.0;
  // Exactly one of action and sequence is set.
  std::optional<FaultAction> action;
  std::vector<FaultAction> sequence;
};

// A rule with its counters, as ListFaultRules reports it.
struct RuleStatus {
  FaultRule rule;
  uint64_t matched = 0;
  uint64_t acted = 0;
};

// One problem of a rule: the key it concerns, relative to the rule
// ("probability", "match_request.foo", "sequence[1].code"), and what is wrong.
struct RuleProblem {
  std::string key;
  std::string message;
};

// Every problem of `rule`; empty when it is valid.
std::vector<RuleProblem> ValidateRule(const FaultRule& rule);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_FAULT_RULE_H_
