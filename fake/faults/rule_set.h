#ifndef CUSTOMER_FAKE_FAULTS_RULE_SET_H_
#define CUSTOMER_FAKE_FAULTS_RULE_SET_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/model/fault_rule.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"

namespace customerfake::faults {

// What the fault engine sees of a call.
class CallView {
 public:
  CallView(absl::string_view full_method,
           std::vector<std::pair<std::string, std::string>> const* metadata,
           const google::protobuf::Message* request)
      : full_method_(full_method), metadata_(metadata), request_(request) {}

  absl::string_view full_method() const { return full_method_; }
  // The value of header `key`, nullptr when absent.
  const std::string* Header(absl::string_view key) const;
  // The request field at `path` in JSON form ("" when absent).
  std::string RequestField(absl::string_view path) const;

 private:
  absl::string_view full_method_;
  const std::vector<std::pair<std::string, std::string>>* metadata_;
  const google::protobuf::Message* request_;
  mutable std::optional<google::protobuf::Struct> json_;  // built on demand
};

// The outcome a rule chose for a call.
struct Decision {
  std::string rule_id;
  model::FaultAction action;
};

// The fault rules of one namespace, checked in the order they were added:
// the first rule that matches a call, has budget left, is past its `skip`
// and wins its probability draw takes the call; otherwise the next rule is
// consulted. Not thread-safe: Namespace locks around it.
class RuleSet {
 public:
  explicit RuleSet(std::optional<uint64_t> seed, size_t max_rules);

  // Adds a valid rule (see ValidateRule); returns its id, generated when
  // empty. Refuses a duplicate id and a full set.
  absl::StatusOr<std::string> Add(model::FaultRule rule);
  bool Remove(absl::string_view id);
  void Clear();
  // Drops all rules and restarts the random source.
  void Reset(std::optional<uint64_t> seed);
  std::vector<model::RuleStatus> List() const;
  size_t size() const { return rules_.size(); }

  std::optional<Decision> Decide(const CallView& call);

 private:
  bool Matches(const model::FaultRule& rule, const CallView& call) const;

  size_t max_rules_;
  std::vector<model::RuleStatus> rules_;
  std::mt19937_64 random_;
  uint64_t next_id_ = 1;
};

}  // namespace customerfake::faults

#endif  // CUSTOMER_FAKE_FAULTS_RULE_SET_H_
