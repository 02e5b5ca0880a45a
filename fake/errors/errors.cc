#include "fake/errors/errors.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "fake/errors/rpc_details.h"

namespace customerfake::errors {
namespace {

std::optional<ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kErrorInfoUrl);
  if (!payload) return std::nullopt;
  return ParseErrorInfo(std::string(*payload));
}

// The length of the valid UTF-8 sequence at the start of `s`; 0 when it is
// not one (a stray continuation byte, an overlong form, a surrogate, a
// truncated sequence or a code point above U+10FFFF).
size_t Utf8SequenceLength(absl::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b = byte(0);
  if (b < 0x80) return 1;
  size_t n;
  uint32_t min;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  uint32_t code_point = b & (0x7F >> n);
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// An echoed request value inside a message: short enough that what is said
// about it still fits after it.
std::string Echo(absl::string_view value) { return Printable(value, 128); }

absl::Status InvalidField(absl::string_view reason, absl::string_view field,
                          absl::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, reason, message,
               {{"field", std::string(field)}});
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message, const Metadata& metadata) {
  absl::Status status(code, Printable(message, kMaxErrorMessageBytes));
  Metadata printable;
  for (const auto& [key, value] : metadata) {
    printable[Printable(key, kMaxErrorMetadataBytes)] =
        Printable(value, kMaxErrorMetadataBytes);
  }
  ErrorInfo info(Printable(reason, kMaxErrorMetadataBytes), "",
                 std::move(printable));
  status.SetPayload(kErrorInfoUrl, absl::Cord(SerializeErrorInfo(info)));
  return status;
}

absl::Status CustomerNotFound(absl::string_view id) {
  return Error(absl::StatusCode::kNotFound, kCustomerNotFound,
               absl::StrCat("no customer with id \"", Echo(id), "\""),
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
      absl::StrCat("language_code \"", Echo(code),
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
               absl::StrCat("flag \"", Echo(flag), "\" ", why),
               {{"field", "flag"}, {"flag", std::string(flag)}});
}

absl::Status FlagReadOnly(absl::string_view flag) {
  return Error(absl::StatusCode::kInvalidArgument, kFlagReadOnly,
               absl::StrCat("flag \"", Echo(flag),
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
               absl::StrCat("x-fake-namespace \"", Echo(name),
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
               absl::StrCat("no fault rule with id \"", Echo(id), "\""));
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
               absl::StrCat("no namespace \"", Echo(name), "\""));
}

absl::Status FlagLimitReached(size_t limit) {
  return Error(absl::StatusCode::kResourceExhausted, kFlagLimitReached,
               absl::StrCat("the customer holds its maximum of ", limit,
                            " flags (--max-customer-flags)"),
               {{"field", "flag"}});
}

absl::Status ScenarioTooLarge(absl::string_view what, size_t bytes,
                              size_t limit) {
  return Error(
      absl::StatusCode::kResourceExhausted, kScenarioTooLarge,
      absl::StrCat(what, ": the scenario has ", bytes, " bytes; at most ",
                   limit, " are allowed (--max-scenario-bytes)"));
}

absl::Status ResponseTooLarge(absl::string_view what, size_t bytes,
                              size_t limit) {
  return Error(absl::StatusCode::kResourceExhausted, kResponseTooLarge,
               absl::StrCat(what, " has ", bytes,
                            " bytes, more than the largest message (", limit,
                            " bytes, --max-message-bytes)"));
}

size_t InvalidUtf8Offset(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) return i;
    i += n;
  }
  return absl::string_view::npos;
}

absl::Status MalformedRequest(absl::string_view method,
                              absl::string_view type) {
  return Error(
      absl::StatusCode::kInvalidArgument, kMalformedRequest,
      absl::StrCat("the request to ", method, " does not parse as ", type,
                   ": a string field holds bytes that are not UTF-8 "
                   "(proto3 strings must be), or the bytes are not "
                   "that message"),
      {{"method", std::string(method)}, {"type", std::string(type)}});
}

std::string Printable(absl::string_view text, size_t max_bytes) {
  constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 32);
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8SequenceLength(text.substr(i));
    const size_t width = n == 0 ? kReplacement.size() : n;
    if (out.size() + width > max_bytes) break;
    if (n == 0) {
      out.append(kReplacement.data(), kReplacement.size());
      ++i;
    } else {
      out.append(text.data() + i, n);
      i += n;
    }
  }
  if (i < text.size()) {
    absl::StrAppend(&out, "...(", text.size() - i, " more bytes)");
  }
  return out;
}

void SetRetryDelay(absl::Status& status, absl::Duration delay) {
  status.SetPayload(kRetryInfoUrl, absl::Cord(SerializeRetryInfo(delay)));
}

std::string ReasonOf(const absl::Status& status) {
  std::optional<ErrorInfo> info = ErrorInfoOf(status);
  return info ? info->reason() : "";
}

Metadata MetadataOf(const absl::Status& status) {
  std::optional<ErrorInfo> info = ErrorInfoOf(status);
  if (!info) return {};
  return info->metadata();
}

}  // namespace customerfake::errors
