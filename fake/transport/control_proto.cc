#include "fake/transport/control_proto.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "fake/errors/errors.h"
#include "fake/errors/grpc_status.h"
#include "fake/transport/auth.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace customerfake::transport {
namespace {

using google::protobuf::util::TimeUtil;

std::string DurationText(absl::Duration duration) {
  return absl::FormatDuration(duration);
}

void ToProto(const model::FaultAction& action, cv1::FaultAction* out) {
  out->set_code(errors::CodeName(action.code));
  out->set_message(action.message);
  out->set_reason(action.reason);
  out->mutable_error_metadata()->insert(action.error_metadata.begin(),
                                        action.error_metadata.end());
  if (action.retry_delay) {
    out->set_retry_delay(DurationText(*action.retry_delay));
  }
  if (action.delay > absl::ZeroDuration()) {
    out->set_delay(DurationText(action.delay));
  }
  out->set_hang(action.hang);
  out->set_serve_first(action.serve_first);
  out->set_reset_stream(action.reset_stream);
  out->set_close_connection(action.close_connection);
  if (action.response_json) {
    (void)google::protobuf::util::JsonStringToMessage(*action.response_json,
                                                      out->mutable_response());
  }
}

google::protobuf::Duration ToProto(absl::Duration duration) {
  return TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(duration));
}

}  // namespace

google::protobuf::Timestamp ToProto(absl::Time time) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

void ToProto(const model::FaultRule& rule, cv1::FaultRule* out) {
  out->set_id(rule.id);
  out->set_method(rule.method);
  out->mutable_match_metadata()->insert(rule.match_metadata.begin(),
                                        rule.match_metadata.end());
  out->mutable_match_request()->insert(rule.match_request.begin(),
                                       rule.match_request.end());
  out->set_skip(rule.skip);
  out->set_times(rule.times);
  out->set_probability(rule.probability);
  if (rule.action) ToProto(*rule.action, out->mutable_action());
  for (const model::FaultAction& action : rule.sequence) {
    ToProto(action, out->add_sequence());
  }
}

void ToProto(const model::CallRecord& record, cv1::Call* out) {
  out->set_sequence(record.sequence);
  out->set_method(record.method);
  out->set_request_json(record.RequestJson());
  for (const auto& [key, value] : record.metadata) {
    // Binary headers hold any bytes, and proto3 strings must be UTF-8:
    // they are shown in base64, as gRPC's text tools show them.
    (*out->mutable_metadata())[key] =
        key == "authorization"        ? MaskAuthorization(value)
        : absl::EndsWith(key, "-bin") ? absl::Base64Escape(value)
                                      : errors::Printable(value, SIZE_MAX);
  }
  out->set_code(errors::CodeName(record.code));
  out->set_reason(record.reason);
  out->set_message(record.message);
  out->set_fault_rule(record.fault_rule);
  *out->mutable_arrival_time() = ToProto(record.arrival);
  if (record.deadline) *out->mutable_deadline() = ToProto(*record.deadline);
  *out->mutable_duration() = ToProto(record.duration);
  out->set_attempt(record.attempt);
  if (record.since_previous_attempt) {
    *out->mutable_since_previous_attempt() =
        ToProto(*record.since_previous_attempt);
  }
  out->set_applied(record.applied);
  out->set_outcome(std::string(model::CallOutcomeName(record.outcome)));
}

}  // namespace customerfake::transport
