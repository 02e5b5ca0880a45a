// Field validation of CustomerService requests: customer data fields and flags.
#include "fake/model/validation.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/errors/errors.h"

namespace customerfake::model {
namespace {

constexpr size_t kMaxNameCodePoints = 100;
constexpr size_t kMaxEmailCodePoints = 250;
constexpr size_t kMaxEmailLocalBytes = 64;
constexpr size_t kMinPhoneDigits = 8;
constexpr size_t kMaxPhoneDigits = 15;
constexpr size_t kMaxFlagCodePoints = 100;

// All assigned ISO 639-1 codes, sorted (the Library of Congress ISO 639-2
// table's alpha-2 column, 184 codes; withdrawn codes such as "iw", "in", "ji",
// "jw", "mo" and "sh" are not in it). Reconstructed rule: the contract only
// says "an assigned ISO 639-1 code".
constexpr char kIso6391[][3] = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az",
    "ba", "be", "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce",
    "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee",
    "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr",
    "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is",
    "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn",
    "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms",
    "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv",
    "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu",
    "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta",
    "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw",
    "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi",
    "yo", "za", "zh", "zu",
};
constexpr size_t kIso6391Count = sizeof(kIso6391) / sizeof(kIso6391[0]);
static_assert(kIso6391Count == 184, "ISO 639-1 table has 184 codes");

constexpr bool CodeLess(const char* a, const char* b) {
  return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

constexpr bool IsStrictlySorted() {
  for (size_t i = 1; i < kIso6391Count; ++i) {
    if (!CodeLess(kIso6391[i - 1], kIso6391[i])) return false;
  }
  return true;
}
static_assert(IsStrictlySorted(), "ISO 639-1 table must be sorted, unique");

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// True when `s` holds an ASCII whitespace or control character, a C1 control
// (U+0080-U+009F) or one of the non-ASCII Unicode whitespace characters
// U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000. Works on the UTF-8 bytes directly, without decoding.
bool HasSpaceOrControl(absl::string_view s) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b <= 0x20 || b == 0x7F) return true;  // controls, space, DEL
      continue;
    }
    const auto b1 = i + 1 < n ? static_cast<unsigned char>(s[i + 1]) : 0;
    const auto b2 = i + 2 < n ? static_cast<unsigned char>(s[i + 2]) : 0;
    switch (b) {
      case 0xC2:  // U+0080-U+00BF: C1 controls (incl. U+0085) and U+00A0
        if ((b1 >= 0x80 && b1 <= 0x9F) || b1 == 0xA0) return true;
        break;
      case 0xE1:  // U+1680
        if (b1 == 0x9A && b2 == 0x80) return true;
        break;
      case 0xE2:
        if (b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8A) ||  // U+2000-U+200A
                           b2 == 0xA8 || b2 == 0xA9 ||    // U+2028, U+2029
                           b2 == 0xAF)) {                 // U+202F
          return true;
        }
        if (b1 == 0x81 && b2 == 0x9F) return true;  // U+205F
        break;
      case 0xE3:  // U+3000
        if (b1 == 0x80 && b2 == 0x80) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

bool Contains(const std::vector<std::string>& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Reconstructed rule: what counts as a "plausible" address is the fake's own
// choice (a practical subset of RFC 5321/5322 that also admits IDN domains).
absl::Status ValidateEmail(absl::string_view email) {
  if (email.empty()) return errors::InvalidEmailAddress("is empty");
  const size_t code_points = CodePoints(email);
  if (code_points > kMaxEmailCodePoints) {
    return errors::InvalidEmailAddress(
        absl::StrCat("has ", code_points, " characters; at most ",
                     kMaxEmailCodePoints, " are allowed"));
  }
  auto implausible = [](absl::string_view why) {
    return errors::InvalidEmailAddress(
        absl::StrCat("is not a plausible address: ", why));
  };
  if (HasSpaceOrControl(email)) {
    return implausible("contains whitespace or control characters");
  }
  const size_t at = email.find('@');
  if (at == absl::string_view::npos) return implausible("missing '@'");
  if (email.find('@', at + 1) != absl::string_view::npos) {
    return implausible("more than one '@'");
  }
  const absl::string_view local = email.substr(0, at);
  const absl::string_view domain = email.substr(at + 1);
  if (local.empty()) return implausible("nothing before '@'");
  if (local.size() > kMaxEmailLocalBytes) {
    return implausible(absl::StrCat("the part before '@' has ", local.size(),
                                    " bytes; at most ", kMaxEmailLocalBytes,
                                    " are allowed"));
  }
  if (local.front() == '.' || local.back() == '.') {
    return implausible("the part before '@' starts or ends with '.'");
  }
  if (local.find("..") != absl::string_view::npos) {
    return implausible("the part before '@' contains \"..\"");
  }
  if (domain.empty()) return implausible("nothing after '@'");
  if (domain.find('.') == absl::string_view::npos) {
    return implausible("the domain has no '.'");
  }
  size_t label_start = 0;
  while (true) {
    size_t label_end = domain.find('.', label_start);
    const bool last = label_end == absl::string_view::npos;
    if (last) label_end = domain.size();
    const absl::string_view label =
        domain.substr(label_start, label_end - label_start);
    if (label.empty()) return implausible("the domain has an empty label");
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-' &&
          static_cast<unsigned char>(c) < 0x80) {
        return implausible(
            "the domain may contain only letters, digits, '-' and '.'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return implausible("a domain label starts or ends with '-'");
    }
    if (last) {
      if (CodePoints(label) < 2) {
        return implausible("the top-level domain is shorter than 2 characters");
      }
      break;
    }
    label_start = label_end + 1;
  }
  return absl::OkStatus();
}

// Reconstructed rule: E.164 as "+", a first digit 1-9, 8 to 15 digits in all.
absl::Status ValidatePhone(absl::string_view phone) {
  if (phone.empty()) {
    return errors::InvalidPhoneNumber(
        "is empty; expected E.164 such as \"+4997259173740\"");
  }
  if (phone.front() != '+') {
    return errors::InvalidPhoneNumber(
        "must start with '+' (E.164, e.g. \"+4997259173740\")");
  }
  const absl::string_view digits = phone.substr(1);
  for (char c : digits) {
    if (!IsDigit(c)) {
      return errors::InvalidPhoneNumber(
          "may contain only digits after '+' (E.164, no spaces or "
          "separators)");
    }
  }
  if (!digits.empty() && digits.front() == '0') {
    return errors::InvalidPhoneNumber(
        "must not start with 0 after '+' (E.164 country code)");
  }
  if (digits.size() < kMinPhoneDigits || digits.size() > kMaxPhoneDigits) {
    return errors::InvalidPhoneNumber(
        absl::StrCat("has ", digits.size(), " digits; E.164 allows ",
                     kMinPhoneDigits, " to ", kMaxPhoneDigits));
  }
  return absl::OkStatus();
}

absl::Status ValidateLanguage(absl::string_view code,
                              const model::Settings& settings) {
  if (!IsAssignedIso6391(code)) return errors::InvalidLanguageCode(code);
  if (!settings.languages.empty() && !Contains(settings.languages, code)) {
    return errors::InvalidLanguageCode(code);
  }
  return absl::OkStatus();
}

}  // namespace

size_t CodePoints(absl::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool IsAssignedIso6391(absl::string_view code) {
  if (code.size() != 2) return false;
  const char key[2] = {code[0], code[1]};
  if (key[0] < 'a' || key[0] > 'z' || key[1] < 'a' || key[1] > 'z') {
    return false;
  }
  const auto* end = kIso6391 + kIso6391Count;
  const auto* it = std::lower_bound(
      kIso6391, end, key,
      [](const char* entry, const char* k) { return CodeLess(entry, k); });
  return it != end && (*it)[0] == key[0] && (*it)[1] == key[1];
}

namespace {

// Calls `report` with each rule `fields` breaks, in the contract's order,
// until it returns false. A status is made only for a broken rule.
template <typename Report>
void CheckCustomerFields(const model::CustomerFields& fields,
                         const model::Settings& settings, Report report) {
  if (fields.given_name.empty() && fields.family_name.empty() &&
      !report(errors::InvalidName())) {
    return;
  }
  if (const size_t n = CodePoints(fields.given_name);
      n > kMaxNameCodePoints && !report(errors::InvalidGivenName(n))) {
    return;
  }
  if (const size_t n = CodePoints(fields.family_name);
      n > kMaxNameCodePoints && !report(errors::InvalidFamilyName(n))) {
    return;
  }
  for (absl::Status status :
       {ValidateEmail(fields.email_address), ValidatePhone(fields.phone_number),
        ValidateLanguage(fields.language_code, settings)}) {
    if (!status.ok() && !report(std::move(status))) return;
  }
}

}  // namespace

absl::Status ValidateCustomerFields(const model::CustomerFields& fields,
                                    const model::Settings& settings) {
  absl::Status first;
  CheckCustomerFields(fields, settings, [&](absl::Status status) {
    first = std::move(status);
    return false;
  });
  return first;
}

std::vector<absl::Status> CustomerFieldProblems(
    const model::CustomerFields& fields, const model::Settings& settings) {
  std::vector<absl::Status> problems;
  CheckCustomerFields(fields, settings, [&](absl::Status status) {
    problems.push_back(std::move(status));
    return true;
  });
  return problems;
}

absl::Status ValidateFlag(absl::string_view flag,
                          const model::Settings& settings) {
  // Reconstructed rules (INVALID_FLAG and FLAG_READ_ONLY are the fake's).
  if (flag.empty()) return errors::InvalidFlag(flag, "is empty");
  if (const size_t n = CodePoints(flag); n > kMaxFlagCodePoints) {
    return errors::InvalidFlag(
        flag, absl::StrCat("has ", n, " characters; at most ",
                           kMaxFlagCodePoints, " are allowed"));
  }
  if (HasSpaceOrControl(flag)) {
    return errors::InvalidFlag(flag,
                               "contains whitespace or control characters");
  }
  if (!settings.known_flags.empty() && !Contains(settings.known_flags, flag)) {
    return errors::InvalidFlag(flag, "is not among the scenario's known flags");
  }
  if (Contains(settings.read_only_flags, flag)) {
    return errors::FlagReadOnly(flag);
  }
  return absl::OkStatus();
}

}  // namespace customerfake::model
