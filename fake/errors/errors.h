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

using Metadata = std::map<std::string, std::string>;

// A status with an ErrorInfo reason and metadata attached.
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

// Adds a google.rpc.RetryInfo detail to `status`.
void SetRetryDelay(absl::Status& status, absl::Duration delay);

// The ErrorInfo reason of `status`, empty when it has none.
std::string ReasonOf(const absl::Status& status);
// The ErrorInfo metadata of `status`.
Metadata MetadataOf(const absl::Status& status);

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_ERRORS_H_
