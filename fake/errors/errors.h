#ifndef CUSTOMER_FAKE_ERRORS_ERRORS_H_
#define CUSTOMER_FAKE_ERRORS_ERRORS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// The catalog of every error the fake answers with. Each factory returns an
// absl::Status whose payload carries the google.rpc.ErrorInfo reason (and
// metadata) that ToGrpcStatus turns into rich error details.
namespace customerfake::errors {

// Reason strings of the CustomerService contract.
inline constexpr absl::string_view kCustomerNotFound = "CUSTOMER_NOT_FOUND";
inline constexpr absl::string_view kInvalidName = "INVALID_NAME";
inline constexpr absl::string_view kInvalidGivenName = "INVALID_GIVEN_NAME";
inline constexpr absl::string_view kInvalidFamilyName = "INVALID_FAMILY_NAME";
inline constexpr absl::string_view kInvalidEmailAddress =
    "INVALID_EMAIL_ADDRESS";
inline constexpr absl::string_view kInvalidPhoneNumber = "INVALID_PHONE_NUMBER";
inline constexpr absl::string_view kInvalidLanguageCode =
    "INVALID_LANGUAGE_CODE";
inline constexpr absl::string_view kInvalidPageSize = "INVALID_PAGE_SIZE";
inline constexpr absl::string_view kInvalidPageToken = "INVALID_PAGE_TOKEN";
inline constexpr absl::string_view kInvalidFlag = "INVALID_FLAG";
inline constexpr absl::string_view kFlagReadOnly = "FLAG_READ_ONLY";
inline constexpr absl::string_view kUnauthenticated = "UNAUTHENTICATED";
// The fake's own reasons.
inline constexpr absl::string_view kCustomerLimitReached =
    "CUSTOMER_LIMIT_REACHED";
inline constexpr absl::string_view kNamespaceLimitReached =
    "NAMESPACE_LIMIT_REACHED";
inline constexpr absl::string_view kInvalidNamespace = "INVALID_NAMESPACE";
inline constexpr absl::string_view kDuplicateCustomerId =
    "DUPLICATE_CUSTOMER_ID";
inline constexpr absl::string_view kInvalidScenario = "INVALID_SCENARIO";
inline constexpr absl::string_view kInvalidFaultRule = "INVALID_FAULT_RULE";
inline constexpr absl::string_view kFaultRuleNotFound = "FAULT_RULE_NOT_FOUND";
inline constexpr absl::string_view kFaultRuleLimitReached =
    "FAULT_RULE_LIMIT_REACHED";
inline constexpr absl::string_view kPermissionDenied = "PERMISSION_DENIED";
inline constexpr absl::string_view kNamespaceNotFound = "NAMESPACE_NOT_FOUND";
inline constexpr absl::string_view kFlagLimitReached = "FLAG_LIMIT_REACHED";
inline constexpr absl::string_view kScenarioTooLarge = "SCENARIO_TOO_LARGE";
inline constexpr absl::string_view kResponseTooLarge = "RESPONSE_TOO_LARGE";
inline constexpr absl::string_view kMalformedRequest = "MALFORMED_REQUEST";

// At most this many bytes of an error message reach the client. gRPC clients
// refuse response headers over 8 KiB by default, and a message travels twice
// (grpc-message and google.rpc.Status in grpc-status-details-bin).
inline constexpr size_t kMaxErrorMessageBytes = 2048;
// The same for each ErrorInfo metadata value (they echo request fields).
inline constexpr size_t kMaxErrorMetadataBytes = 256;

using Metadata = std::map<std::string, std::string>;

// A status with an ErrorInfo reason and metadata attached; the message and
// metadata values are made Printable.
absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message, const Metadata& metadata = {});

absl::Status CustomerNotFound(absl::string_view id);
absl::Status InvalidName();
absl::Status InvalidGivenName(size_t code_points);
absl::Status InvalidFamilyName(size_t code_points);
absl::Status InvalidEmailAddress(absl::string_view why);
absl::Status InvalidPhoneNumber(absl::string_view why);
absl::Status InvalidLanguageCode(absl::string_view code);
absl::Status InvalidPageSize(int32_t page_size);
absl::Status InvalidPageToken(absl::string_view why);
absl::Status InvalidFlag(absl::string_view flag, absl::string_view why);
absl::Status FlagReadOnly(absl::string_view flag);
absl::Status Unauthenticated(absl::string_view why);
absl::Status CustomerLimitReached(int64_t limit);
absl::Status NamespaceLimitReached(size_t limit);
absl::Status InvalidNamespace(absl::string_view name);
absl::Status DuplicateCustomerId(absl::string_view id);
absl::Status InvalidScenario(absl::string_view problems);
absl::Status InvalidFaultRule(absl::string_view problems);
absl::Status FaultRuleNotFound(absl::string_view id);
absl::Status FaultRuleLimitReached(size_t limit);
absl::Status PermissionDenied(absl::string_view why);
absl::Status NamespaceNotFound(absl::string_view name);
absl::Status FlagLimitReached(size_t limit);
// `what` names the source ("request", a file path); `flag` the setting.
absl::Status ScenarioTooLarge(absl::string_view what, size_t bytes,
                              size_t limit);
absl::Status ResponseTooLarge(absl::string_view what, size_t bytes,
                              size_t limit);
// A request whose bytes do not parse as `type` (e.g. invalid UTF-8 in a
// string field).
absl::Status MalformedRequest(absl::string_view method, absl::string_view type);

// `text` as valid UTF-8 of at most `max_bytes` plus a short suffix: invalid
// byte sequences become U+FFFD, and a longer text is cut at a character
// boundary and ends with "...(N more bytes)". Error() passes the message,
// reason and metadata through it, so request fields echoed in an error
// break neither the answer's size nor proto3's UTF-8 rule.
std::string Printable(absl::string_view text, size_t max_bytes);
// The offset of the first byte of `text` that is not part of valid UTF-8;
// npos when all of it is.
size_t InvalidUtf8Offset(absl::string_view text);

// Adds a google.rpc.RetryInfo detail to `status`.
void SetRetryDelay(absl::Status& status, absl::Duration delay);

// The ErrorInfo reason of `status`, empty when it has none.
std::string ReasonOf(const absl::Status& status);
// The ErrorInfo metadata of `status`.
Metadata MetadataOf(const absl::Status& status);

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_ERRORS_H_
