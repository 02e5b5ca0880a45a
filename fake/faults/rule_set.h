#ifndef CUSTOMER_FAKE_FAULTS_RULE_SET_H_
#define CUSTOMER_FAKE_FAULTS_RULE_SET_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/model/fault_rule.h"
#include "google/protobuf/descriptor.h"
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
  // Whether RequestField(path) is `expected`. `resolved` is `path` resolved
  // on the request's type by ResolveField (empty when it could not be),
  // which reads a plain field straight from the message.
  bool RequestFieldIs(
      absl::string_view path,
      const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
      absl::string_view expected) const;
  const google::protobuf::Message* request() const { return request_; }

 private:
  // The field at `resolved` read straight from the request; false when
  // only its JSON form can tell (see ResolveField).
  bool ReadField(
      const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
      std::string& scratch, absl::string_view& value) const;
  bool ReadFieldUncached(
      const std::vector<const google::protobuf::FieldDescriptor*>& resolved,
      std::string& scratch, absl::string_view& value) const;
  // RequestField through the request's JSON form.
  std::string JsonField(absl::string_view path) const;

  absl::string_view full_method_;
  const std::vector<std::pair<std::string, std::string>>* metadata_;
  const google::protobuf::Message* request_;
  mutable std::optional<google::protobuf::Struct> json_;  // built on demand
  // The last top-level field ReadField read, for the next rule on it.
  mutable const google::protobuf::FieldDescriptor* read_field_ = nullptr;
  mutable bool read_ok_ = false;
  mutable std::string read_scratch_;
  mutable absl::string_view read_value_;
};

// The fields on `path` ("customer.id") of `type`, when the JSON form of the
// last one is a plain value that the message holds as is: a string, an
// integer, a bool or an enum, reached through singular messages. Empty
// otherwise (a float, bytes, a list, a map, a well-known type, a message,
// an unknown name): then only the JSON form can tell.
std::vector<const google::protobuf::FieldDescriptor*> ResolveField(
    const google::protobuf::Descriptor* type, absl::string_view path);

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
  // A rule that may take calls of one method, its request fields resolved
  // on that method's request type.
  struct Candidate {
    size_t rule;  // index in rules_
    std::vector<std::vector<const google::protobuf::FieldDescriptor*>> fields;
  };
  // The rules that may take calls of one method, in order.
  struct MethodRules {
    const google::protobuf::Descriptor* request_type = nullptr;
    std::vector<Candidate> candidates;
  };

  // The rules that name `call`'s method or "*", built on its first call
  // after the rules changed.
  const MethodRules& RulesFor(const CallView& call);
  bool Matches(const model::FaultRule& rule, const Candidate& candidate,
               const CallView& call) const;

  size_t max_rules_;
  std::vector<model::RuleStatus> rules_;
  // By full method name; cleared whenever rules_ changes.
  absl::flat_hash_map<std::string, MethodRules> by_method_;
  std::mt19937_64 random_;
  uint64_t next_id_ = 1;
};

}  // namespace customerfake::faults

#endif  // CUSTOMER_FAKE_FAULTS_RULE_SET_H_
