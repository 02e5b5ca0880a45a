// Unit tests of the customer field and flag validation (no gRPC involved).
#include "fake/model/validation.h"

#include <string>

#include "absl/status/status.h"
#include "fake/errors/errors.h"
#include "fake/model/customer.h"
#include "fake/model/settings.h"
#include "gtest/gtest.h"

namespace customerfake::model {
namespace {

using model::CustomerFields;
using model::Settings;

std::string Repeat(absl::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

CustomerFields Valid() {
  CustomerFields f;
  f.given_name = "Erika";
  f.family_name = "Mustermann";
  f.email_address = "erika.mustermann@example.com";
  f.phone_number = "+4997259173740";
  f.language_code = "de";
  return f;
}

// Asserts `status` is INVALID_ARGUMENT with `reason` and metadata field
// `field`.
void ExpectInvalid(const absl::Status& status, absl::string_view reason,
                   absl::string_view field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(errors::ReasonOf(status), reason) << status;
  errors::Metadata md = errors::MetadataOf(status);
  EXPECT_EQ(md["field"], field) << status;
}

absl::Status WithEmail(absl::string_view email) {
  CustomerFields f = Valid();
  f.email_address = std::string(email);
  return ValidateCustomerFields(f, Settings());
}

absl::Status WithPhone(absl::string_view phone) {
  CustomerFields f = Valid();
  f.phone_number = std::string(phone);
  return ValidateCustomerFields(f, Settings());
}

absl::Status WithLanguage(absl::string_view code,
                          const Settings& settings = Settings()) {
  CustomerFields f = Valid();
  f.language_code = std::string(code);
  return ValidateCustomerFields(f, settings);
}

// ---- CodePoints ----

TEST(CodePointsTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CodePoints(""), 0u);
  EXPECT_EQ(CodePoints("abc"), 3u);
  EXPECT_EQ(CodePoints("\xC3\xBC"), 1u);          // ü
  EXPECT_EQ(CodePoints("\xE2\x82\xAC"), 1u);      // €
  EXPECT_EQ(CodePoints("\xF0\x9F\x98\x80"), 1u);  // 😀
  EXPECT_EQ(CodePoints("M\xC3\xBCller \xF0\x9F\x98\x80"), 8u);
  EXPECT_EQ(CodePoints(Repeat("\xC3\xBC", 100)), 100u);
}

// ---- Valid data ----

TEST(ValidateCustomerFieldsTest, AcceptsValidCustomer) {
  EXPECT_TRUE(ValidateCustomerFields(Valid(), Settings()).ok());
}

TEST(ValidateCustomerFieldsTest, AcceptsOnlyOneNameSet) {
  CustomerFields f = Valid();
  f.given_name = "";
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
  f = Valid();
  f.family_name = "";
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
}

// ---- Names ----

TEST(ValidateCustomerFieldsTest, BothNamesEmptyIsInvalidName) {
  CustomerFields f = Valid();
  f.given_name = "";
  f.family_name = "";
  absl::Status s = ValidateCustomerFields(f, Settings());
  ExpectInvalid(s, errors::kInvalidName, "given_name");
}

TEST(ValidateCustomerFieldsTest, GivenNameLengthInCodePoints) {
  CustomerFields f = Valid();
  f.given_name = Repeat("\xC3\xBC", 100);  // 200 bytes, 100 code points
  ASSERT_EQ(f.given_name.size(), 200u);
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
  f.given_name = Repeat("\xC3\xBC", 101);
  absl::Status s = ValidateCustomerFields(f, Settings());
  ExpectInvalid(s, errors::kInvalidGivenName, "given_name");
  EXPECT_NE(s.message().find("101"), absl::string_view::npos) << s;
  f.given_name = Repeat("a", 100);
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
  f.given_name = Repeat("a", 101);
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidGivenName, "given_name");
}

TEST(ValidateCustomerFieldsTest, FamilyNameLengthInCodePoints) {
  CustomerFields f = Valid();
  f.family_name = Repeat("\xE2\x82\xAC", 100);  // 300 bytes
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
  f.family_name = Repeat("\xE2\x82\xAC", 101);
  absl::Status s = ValidateCustomerFields(f, Settings());
  ExpectInvalid(s, errors::kInvalidFamilyName, "family_name");
  EXPECT_NE(s.message().find("101"), absl::string_view::npos) << s;
}

TEST(ValidateCustomerFieldsTest, GivenNameCheckedBeforeFamilyName) {
  CustomerFields f = Valid();
  f.given_name = Repeat("a", 101);
  f.family_name = Repeat("b", 101);
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidGivenName, "given_name");
}

// ---- Email ----

TEST(ValidateEmailTest, AcceptsPlausibleAddresses) {
  for (absl::string_view email :
       {"a@b.de", "erika.mustermann@example.com", "first+tag@sub.example.org",
        "o'brien@example.co.uk", "x_y-z@my-host.example",
        "user@m\xC3\xBCnchen.de", "j\xC3\xB6rg@example.com", "a@b.xn--p1ai"}) {
    EXPECT_TRUE(WithEmail(email).ok()) << email << ": " << WithEmail(email);
  }
}

TEST(ValidateEmailTest, EmptyIsInvalid) {
  absl::Status s = WithEmail("");
  ExpectInvalid(s, errors::kInvalidEmailAddress, "email_address");
  EXPECT_NE(s.message().find("is empty"), absl::string_view::npos) << s;
}

TEST(ValidateEmailTest, LengthBoundaryIs250CodePoints) {
  // 64 + "@" + 60 + "." + 60 + "." + top-level label padded to length n.
  auto email_of_length = [](size_t n) {
    return Repeat("a", 64) + "@" + Repeat("b", 60) + "." + Repeat("b", 60) +
           "." + Repeat("c", n - 64 - 1 - 60 - 1 - 60 - 1);
  };
  std::string e250 = email_of_length(250);
  ASSERT_EQ(CodePoints(e250), 250u);
  EXPECT_TRUE(WithEmail(e250).ok()) << WithEmail(e250);
  std::string e251 = email_of_length(251);
  ASSERT_EQ(CodePoints(e251), 251u);
  absl::Status s = WithEmail(e251);
  ExpectInvalid(s, errors::kInvalidEmailAddress, "email_address");
  EXPECT_NE(s.message().find("has 251 characters; at most 250 are allowed"),
            absl::string_view::npos)
      << s;
}

TEST(ValidateEmailTest, LengthCountsCodePointsNotBytes) {
  // 250 code points with multi-byte characters in the domain: > 250 bytes.
  std::string e = "a@" + Repeat("\xC3\xBC", 60) + "." + Repeat("\xC3\xBC", 60) +
                  "." + Repeat("\xC3\xBC", 60) + "." + Repeat("\xC3\xBC", 65);
  ASSERT_EQ(CodePoints(e), 250u);
  ASSERT_GT(e.size(), 250u);
  EXPECT_TRUE(WithEmail(e).ok()) << WithEmail(e);
  e += "\xC3\xBC";
  ExpectInvalid(WithEmail(e), errors::kInvalidEmailAddress, "email_address");
}

TEST(ValidateEmailTest, RejectsImplausibleAddresses) {
  struct Case {
    const char* email;
    const char* why;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"erika.example.com", "missing '@'"},
           {"a@b@example.com", "more than one '@'"},
           {"@example.com", "nothing before '@'"},
           {"erika@", "nothing after '@'"},
           {"erika@localhost", "the domain has no '.'"},
           {"erika@example.c", "shorter than 2 characters"},
           {"erika@example..com", "empty label"},
           {"erika@.example.com", "empty label"},
           {"erika@example.com.", "empty label"},
           {"erika@-example.com", "starts or ends with '-'"},
           {"erika@example-.com", "starts or ends with '-'"},
           {"erika@exa_mple.com", "only letters, digits"},
           {"erika@exa!mple.com", "only letters, digits"},
           {".erika@example.com", "starts or ends with '.'"},
           {"erika.@example.com", "starts or ends with '.'"},
           {"er..ika@example.com", "contains \"..\""},
           {"erika @example.com", "whitespace or control"},
           {"erika@example.com ", "whitespace or control"},
           {"erika\t@example.com", "whitespace or control"},
           {"erika\x7F@example.com", "whitespace or control"},
           {"erika\xC2\xA0@example.com", "whitespace or control"},  // U+00A0
           {"erika\xC2\x85@example.com", "whitespace or control"},  // U+0085
           {"erika\xC2\x9F@example.com", "whitespace or control"},  // U+009F
           {"erika\xE3\x80\x80@example.com", "whitespace or control"},
       }) {
    absl::Status s = WithEmail(c.email);
    ExpectInvalid(s, errors::kInvalidEmailAddress, "email_address");
    EXPECT_NE(s.message().find("is not a plausible address"),
              absl::string_view::npos)
        << c.email << ": " << s;
    EXPECT_NE(s.message().find(c.why), absl::string_view::npos)
        << c.email << ": " << s;
  }
}

TEST(ValidateEmailTest, LocalPartAtMost64Bytes) {
  EXPECT_TRUE(WithEmail(Repeat("a", 64) + "@example.com").ok());
  absl::Status s = WithEmail(Repeat("a", 65) + "@example.com");
  ExpectInvalid(s, errors::kInvalidEmailAddress, "email_address");
  EXPECT_NE(s.message().find("65 bytes"), absl::string_view::npos) << s;
  // Bytes, not code points: 33 x "ü" is 66 bytes.
  ExpectInvalid(WithEmail(Repeat("\xC3\xBC", 33) + "@example.com"),
                errors::kInvalidEmailAddress, "email_address");
}

// ---- Phone ----

TEST(ValidatePhoneTest, AcceptsE164) {
  for (absl::string_view phone :
       {"+4997259173740", "+12345678", "+123456789012345", "+491701234567"}) {
    EXPECT_TRUE(WithPhone(phone).ok()) << phone << ": " << WithPhone(phone);
  }
}

TEST(ValidatePhoneTest, DigitCountBoundaries) {
  absl::Status s = WithPhone("+1234567");  // 7 digits
  ExpectInvalid(s, errors::kInvalidPhoneNumber, "phone_number");
  EXPECT_NE(s.message().find("has 7 digits"), absl::string_view::npos) << s;
  EXPECT_TRUE(WithPhone("+12345678").ok());         // 8 digits
  EXPECT_TRUE(WithPhone("+123456789012345").ok());  // 15 digits
  s = WithPhone("+1234567890123456");               // 16 digits
  ExpectInvalid(s, errors::kInvalidPhoneNumber, "phone_number");
  EXPECT_NE(s.message().find("has 16 digits"), absl::string_view::npos) << s;
  ExpectInvalid(WithPhone("+"), errors::kInvalidPhoneNumber, "phone_number");
}

TEST(ValidatePhoneTest, RejectsNonE164) {
  for (absl::string_view phone :
       {"", "4997259173740", "+04997259173740", "+49 9725 9173740",
        "+49-9725-9173740", "+49(0)97259173740", "++4997259173740",
        "+4997259173740 ", " +4997259173740", "+49972591737a0",
        "00499725917374"}) {
    ExpectInvalid(WithPhone(phone), errors::kInvalidPhoneNumber,
                  "phone_number");
  }
}

// ---- Language ----

TEST(IsAssignedIso6391Test, RealTable) {
  for (absl::string_view code : {"aa", "ab", "de", "en", "fr", "ja", "nb", "zh",
                                 "zu", "yo", "he", "id", "yi", "jv"}) {
    EXPECT_TRUE(IsAssignedIso6391(code)) << code;
  }
  for (absl::string_view code :
       {"xx", "qq", "zz", "ac", "", "e", "eng", "EN", "De", "dE", "iw", "in",
        "ji", "jw", "mo", "sh", "1a", "d\xC3\xBC"}) {
    EXPECT_FALSE(IsAssignedIso6391(code)) << code;
  }
}

TEST(IsAssignedIso6391Test, ExactlyTheAssignedCodesOfAllTwoLetterOnes) {
  size_t assigned = 0;
  for (char a = 'a'; a <= 'z'; ++a) {
    for (char b = 'a'; b <= 'z'; ++b) {
      const char code[2] = {a, b};
      if (IsAssignedIso6391(absl::string_view(code, 2))) ++assigned;
    }
  }
  EXPECT_EQ(assigned, 184u);
}

TEST(ValidateLanguageTest, AcceptsAssignedCodes) {
  for (absl::string_view code : {"de", "en", "zu", "aa"}) {
    EXPECT_TRUE(WithLanguage(code).ok()) << code;
  }
}

TEST(ValidateLanguageTest, RejectsUnassignedAndUppercase) {
  for (absl::string_view code : {"xx", "qq", "EN", "", "deu", "iw"}) {
    absl::Status s = WithLanguage(code);
    ExpectInvalid(s, errors::kInvalidLanguageCode, "language_code");
  }
}

TEST(ValidateLanguageTest, SettingsLanguagesNarrow) {
  Settings settings;
  settings.languages = {"de", "en"};
  EXPECT_TRUE(WithLanguage("de", settings).ok());
  EXPECT_TRUE(WithLanguage("en", settings).ok());
  ExpectInvalid(WithLanguage("fr", settings), errors::kInvalidLanguageCode,
                "language_code");
  // The list narrows, it does not widen: an unassigned code stays invalid.
  settings.languages = {"xx", "de"};
  ExpectInvalid(WithLanguage("xx", settings), errors::kInvalidLanguageCode,
                "language_code");
}

// ---- Check order ----

TEST(ValidateCustomerFieldsTest, CheckOrderNameEmailPhoneLanguage) {
  CustomerFields f;
  f.given_name = "";
  f.family_name = "";
  f.email_address = "nope";
  f.phone_number = "123";
  f.language_code = "xx";
  ExpectInvalid(ValidateCustomerFields(f, Settings()), errors::kInvalidName,
                "given_name");
  f.family_name = Repeat("x", 101);
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidFamilyName, "family_name");
  f.family_name = "Mustermann";
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidEmailAddress, "email_address");
  f.email_address = "erika@example.com";
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidPhoneNumber, "phone_number");
  f.phone_number = "+4997259173740";
  ExpectInvalid(ValidateCustomerFields(f, Settings()),
                errors::kInvalidLanguageCode, "language_code");
  f.language_code = "en";
  EXPECT_TRUE(ValidateCustomerFields(f, Settings()).ok());
}

// ---- Flags ----

void ExpectInvalidFlag(absl::string_view flag, const Settings& settings,
                       absl::string_view why) {
  absl::Status s = ValidateFlag(flag, settings);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << flag;
  EXPECT_EQ(errors::ReasonOf(s), errors::kInvalidFlag) << flag << ": " << s;
  errors::Metadata md = errors::MetadataOf(s);
  EXPECT_EQ(md["field"], "flag");
  EXPECT_EQ(md["flag"], flag);
  EXPECT_NE(s.message().find(why), absl::string_view::npos)
      << flag << ": " << s;
}

TEST(ValidateFlagTest, AcceptsOrdinaryFlags) {
  Settings settings;
  for (absl::string_view flag : {"autonomous_trips", "a", "FLAG-1.x",
                                 "gr\xC3\xBCn", "autonomous:trips/enabled"}) {
    EXPECT_TRUE(ValidateFlag(flag, settings).ok()) << flag;
  }
}

TEST(ValidateFlagTest, EmptyIsInvalid) {
  ExpectInvalidFlag("", Settings(), "is empty");
}

TEST(ValidateFlagTest, LengthIn100CodePoints) {
  Settings settings;
  EXPECT_TRUE(ValidateFlag(Repeat("\xC3\xBC", 100), settings).ok());
  EXPECT_TRUE(ValidateFlag(Repeat("f", 100), settings).ok());
  ExpectInvalidFlag(Repeat("\xC3\xBC", 101), settings, "has 101 characters");
  ExpectInvalidFlag(Repeat("f", 101), settings, "has 101 characters");
}

TEST(ValidateFlagTest, WhitespaceAndControlCharactersAreInvalid) {
  Settings settings;
  for (absl::string_view flag : {
           "a b",
           " a",
           "a ",
           "a\tb",
           "a\nb",
           "a\rb",
           "a\x01",
           "a\x7F"
           "b",
           "a\xC2\x80"
           "b",              // U+0080
           "a\xC2\x85",      // U+0085
           "a\xC2\x9F",      // U+009F
           "a\xC2\xA0",      // U+00A0
           "a\xE1\x9A\x80",  // U+1680
           "a\xE2\x80\x80",  // U+2000
           "a\xE2\x80\x8A",  // U+200A
           "a\xE2\x80\xA8",  // U+2028
           "a\xE2\x80\xA9",  // U+2029
           "a\xE2\x80\xAF",  // U+202F
           "a\xE2\x81\x9F",  // U+205F
           "a\xE3\x80\x80",  // U+3000
       }) {
    ExpectInvalidFlag(flag, settings, "whitespace or control");
  }
  // Neighbours of those characters are fine.
  for (absl::string_view flag : {"a\xC2\xA1", "a\xE2\x80\x8B", "a\xE2\x80\x90",
                                 "a\xE3\x80\x81", "a\xC2\xBF"}) {
    EXPECT_TRUE(ValidateFlag(flag, settings).ok()) << flag;
  }
}

TEST(ValidateFlagTest, KnownFlagsAllowList) {
  Settings settings;
  settings.known_flags = {"autonomous_trips", "vip"};
  EXPECT_TRUE(ValidateFlag("vip", settings).ok());
  EXPECT_TRUE(ValidateFlag("autonomous_trips", settings).ok());
  ExpectInvalidFlag("other", settings, "known flags");
  ExpectInvalidFlag("VIP", settings, "known flags");
  // Empty list: every well-formed flag is allowed.
  settings.known_flags.clear();
  EXPECT_TRUE(ValidateFlag("other", settings).ok());
}

TEST(ValidateFlagTest, ReadOnly) {
  Settings settings;
  settings.read_only_flags = {"locked"};
  absl::Status s = ValidateFlag("locked", settings);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(errors::ReasonOf(s), errors::kFlagReadOnly) << s;
  errors::Metadata md = errors::MetadataOf(s);
  EXPECT_EQ(md["field"], "flag");
  EXPECT_EQ(md["flag"], "locked");
  EXPECT_TRUE(ValidateFlag("unlocked", settings).ok());
}

TEST(ValidateFlagTest, InvalidFlagCheckedBeforeReadOnly) {
  Settings settings;
  settings.known_flags = {"vip"};
  settings.read_only_flags = {"locked", "a b"};
  // Read-only but not among the known flags: INVALID_FLAG wins.
  ExpectInvalidFlag("locked", settings, "known flags");
  // Read-only but malformed: INVALID_FLAG wins.
  settings.known_flags.clear();
  ExpectInvalidFlag("a b", settings, "whitespace or control");
  // Known and read-only: FLAG_READ_ONLY.
  settings.known_flags = {"locked"};
  EXPECT_EQ(errors::ReasonOf(ValidateFlag("locked", settings)),
            errors::kFlagReadOnly);
}

}  // namespace
}  // namespace customerfake::model
