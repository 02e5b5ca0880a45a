#include "fake/errors/errors.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"

namespace customerfake::errors {
namespace {

constexpr absl::string_view kErrorInfoUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
constexpr absl::string_view kRetryInfoUrl =
    "type.googleapis.com/google.rpc.RetryInfo";

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kErrorInfoUrl);
  if (!payload) return std::nullopt;
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}

absl::Status InvalidField(absl::string_view reason, absl::string_view field,
                          absl::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, reason, message,
               {{"field", std::string(field)}});
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message, const Metadata& metadata) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  for (const auto& [key, value] : metadata)
    (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status CustomerNotFound(absl::string_view id) {
  return Error(absl::StatusCode::kNotFound, kCustomerNotFound,
               absl::StrCat("no customer with id \"", id, "\""),
               {{"customer_id", std::string(id)}});
}

absl::Status InvalidName() {
  return Error(absl::StatusCode::kInvalidArgument, kInvalidName,
               "given_name and family_name are both empty; set at least one",
               {{"field", "given_name"}});
}

absl::Status InvalidGivenName(size_t code_points) {
  return InvalidField(kInvalidGivenName, "given_name",
                      absl::StrCat("given_name has ", code_points,
                                   " characters; at most 100 are allowed"));
}

absl::Status InvalidFamilyName(size_t code_points) {
  return InvalidField(kInvalidFamilyName, "family_name",
                      absl::StrCat("family_name has ", code_points,
                                   " characters; at most 100 are allowed"));
}

absl::Status InvalidEmailAddress(absl::string_view why) {
  return InvalidField(kInvalidEmailAddress, "email_address",
                      absl::StrCat("email_address ", why));
}

absl::Status InvalidPhoneNumber(absl::string_view why) {
  return InvalidField(kInvalidPhoneNumber, "phone_number",
                      absl::StrCat("phone_number ", why));
}

absl::Status InvalidLanguageCode(absl::string_view code) {
  return InvalidField(
      kInvalidLanguageCode, "language_code",
      absl::StrCat("language_code \"", code,
                   "\" is not an accepted ISO 639-1 code (two lowercase "
                   "letters, e.g. \"de\" or \"en\")"));
}

absl::Status InvalidPageSize(int32_t page_size) {
  return InvalidField(
      kInvalidPageSize, "page_size",
      absl::StrCat("page_size must not be negative, got ", page_size));
}

absl::Status InvalidPageToken(absl::string_view why) {
  return InvalidField(kInvalidPageToken, "page_token",
                      absl::StrCat("page_token is not valid here: ", why));
}

absl::Status InvalidFlag(absl::string_view flag, absl::string_view why) {
  return Error(absl::StatusCode::kInvalidArgument, kInvalidFlag,
               absl::StrCat("flag \"", flag, "\" ", why),
               {{"field", "flag"}, {"flag", std::string(flag)}});
}

absl::Status FlagReadOnly(absl::string_view flag) {
  return Error(absl::StatusCode::kInvalidArgument, kFlagReadOnly,
               absl::StrCat("flag \"", flag,
                            "\" is read-only and cannot be added or removed"),
               {{"field", "flag"}, {"flag", std::string(flag)}});
}

absl::Status Unauthenticated(absl::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, kUnauthenticated, why);
}

absl::Status CustomerLimitReached(int64_t limit) {
  return Error(absl::StatusCode::kResourceExhausted, kCustomerLimitReached,
               absl::StrCat("the namespace holds its maximum of ", limit,
                            " customers (settings.max_customers)"));
}

absl::Status NamespaceLimitReached(size_t limit) {
  return Error(absl::StatusCode::kResourceExhausted, kNamespaceLimitReached,
               absl::StrCat("the fake holds its maximum of ", limit,
                            " namespaces (--max-namespaces); delete some "
                            "with ControlService.DeleteNamespace"));
}

absl::Status InvalidNamespace(absl::string_view name) {
  return Error(absl::StatusCode::kInvalidArgument, kInvalidNamespace,
               absl::StrCat("x-fake-namespace \"", name,
                            "\" must be 1 to 64 characters of [A-Za-z0-9._-]"),
               {{"header", "x-fake-namespace"}});
}

absl::Status DuplicateCustomerId(absl::string_view id) {
  return Error(absl::StatusCode::kAlreadyExists, kDuplicateCustomerId,
               absl::StrCat("customer id \"", id, "\" is used twice"));
}

absl::Status InvalidScenario(absl::string_view problems) {
  return Error(absl::StatusCode::kInvalidArgument, kInvalidScenario, problems);
}

absl::Status InvalidFaultRule(absl::string_view problems) {
  return Error(absl::StatusCode::kInvalidArgument, kInvalidFaultRule, problems);
}

absl::Status FaultRuleNotFound(absl::string_view id) {
  return Error(absl::StatusCode::kNotFound, kFaultRuleNotFound,
               absl::StrCat("no fault rule with id \"", id, "\""));
}

absl::Status FaultRuleLimitReached(size_t limit) {
  return Error(absl::StatusCode::kResourceExhausted, kFaultRuleLimitReached,
               absl::StrCat("the namespace holds its maximum of ", limit,
                            " fault rules"));
}

absl::Status PermissionDenied(absl::string_view why) {
  return Error(absl::StatusCode::kPermissionDenied, kPermissionDenied, why);
}

absl::Status NamespaceNotFound(absl::string_view name) {
  return Error(absl::StatusCode::kNotFound, kNamespaceNotFound,
               absl::StrCat("no namespace \"", name, "\""));
}

void SetRetryDelay(absl::Status& status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  int64_t nanos = absl::ToInt64Nanoseconds(delay);
  info.mutable_retry_delay()->set_seconds(nanos / 1000000000);
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(nanos % 1000000000));
  status.SetPayload(kRetryInfoUrl, absl::Cord(info.SerializeAsString()));
}

std::string ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  return info ? info->reason() : "";
}

Metadata MetadataOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  if (!info) return {};
  return Metadata(info->metadata().begin(), info->metadata().end());
}

}  // namespace customerfake::errors
