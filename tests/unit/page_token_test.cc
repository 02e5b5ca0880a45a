// Unit tests of PageTokenCodec: round trip, and every way a token is refused
// as INVALID_PAGE_TOKEN (each with its own message).
#include "fake/model/page_token.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "fake/errors/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::model {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kKey = 0x5eed5eed12345678;

internal::PageToken Token(const std::string& list = "customers",
                          const std::string& ns = "ns-a",
                          const std::string& customer = "",
                          uint64_t generation = 3) {
  internal::PageToken token;
  token.set_list(list);
  token.set_namespace_name(ns);
  token.set_customer_id(customer);
  token.set_generation(generation);
  return token;
}

// A token positioned after key 17 / flag "vip".
internal::PageToken Positioned(internal::PageToken token) {
  token.set_after_key(17);
  token.set_after_flag("vip");
  return token;
}

// Asserts INVALID_ARGUMENT INVALID_PAGE_TOKEN naming page_token; returns the
// message.
std::string ExpectInvalid(const absl::StatusOr<internal::PageToken>& decoded) {
  EXPECT_FALSE(decoded.ok());
  if (decoded.ok()) return "";
  const absl::Status& status = decoded.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(errors::ReasonOf(status), errors::kInvalidPageToken) << status;
  EXPECT_EQ(errors::MetadataOf(status)["field"], "page_token") << status;
  return std::string(status.message());
}

// `text` decoded to bytes, changed by `edit`, encoded again.
template <typename Edit>
std::string EditRaw(const std::string& text, Edit edit) {
  std::string raw;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(text, &raw));
  edit(raw);
  return absl::WebSafeBase64Escape(raw);
}

TEST(PageTokenCodecTest, RoundTripKeepsEveryField) {
  PageTokenCodec codec(kKey);
  const internal::PageToken token = Positioned(Token("flags", "ns-a", "c1", 9));
  absl::StatusOr<internal::PageToken> decoded =
      codec.Decode(codec.Encode(token), Token("flags", "ns-a", "c1", 9));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->SerializeAsString(), token.SerializeAsString());
  EXPECT_EQ(decoded->after_key(), 17u);
  EXPECT_EQ(decoded->after_flag(), "vip");
}

TEST(PageTokenCodecTest, KeysetFieldsOfExpectedAreIgnored) {
  PageTokenCodec codec(kKey);
  absl::StatusOr<internal::PageToken> decoded =
      codec.Decode(codec.Encode(Positioned(Token())), Positioned(Token()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  internal::PageToken expected = Token();
  expected.set_after_key(99);
  decoded = codec.Decode(codec.Encode(Positioned(Token())), expected);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->after_key(), 17u);
}

TEST(PageTokenCodecTest, EncodingIsWebSafeAndDeterministic) {
  PageTokenCodec codec(kKey);
  const std::string text = codec.Encode(Positioned(Token()));
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << text;
  EXPECT_EQ(codec.Encode(Positioned(Token())), text);
  EXPECT_NE(PageTokenCodec(kKey + 1).Encode(Positioned(Token())), text);
}

TEST(PageTokenCodecTest, EachMismatchIsRefusedWithItsOwnMessage) {
  PageTokenCodec codec(kKey);
  const std::string text =
      codec.Encode(Positioned(Token("flags", "ns", "c1", 3)));
  const std::string list =
      ExpectInvalid(codec.Decode(text, Token("customers", "ns", "c1", 3)));
  const std::string ns =
      ExpectInvalid(codec.Decode(text, Token("flags", "ns-b", "c1", 3)));
  const std::string customer =
      ExpectInvalid(codec.Decode(text, Token("flags", "ns", "c2", 3)));
  const std::string generation =
      ExpectInvalid(codec.Decode(text, Token("flags", "ns", "c1", 4)));
  EXPECT_THAT(list, HasSubstr("another list"));
  EXPECT_THAT(ns, HasSubstr("another namespace"));
  EXPECT_THAT(customer, HasSubstr("another customer"));
  EXPECT_THAT(generation, HasSubstr("reset"));
  EXPECT_EQ(std::set<std::string>({list, ns, customer, generation}).size(), 4u);
  EXPECT_TRUE(codec.Decode(text, Token("flags", "ns", "c1", 3)).ok());
}

TEST(PageTokenCodecTest, OlderGenerationIsRefusedToo) {
  PageTokenCodec codec(kKey);
  const std::string text = codec.Encode(Token("customers", "ns", "", 5));
  EXPECT_THAT(
      ExpectInvalid(codec.Decode(text, Token("customers", "ns", "", 4))),
      HasSubstr("reset"));
}

TEST(PageTokenCodecTest, EveryTamperedByteIsRefused) {
  PageTokenCodec codec(kKey);
  const std::string text = codec.Encode(Positioned(Token()));
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(text, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {  // payload and checksum bytes
    SCOPED_TRACE(i);
    std::string tampered = EditRaw(text, [i](std::string& r) { r[i] ^= 0x01; });
    EXPECT_THAT(ExpectInvalid(codec.Decode(tampered, Token())),
                HasSubstr("altered or not issued by this fake"));
  }
}

TEST(PageTokenCodecTest, TruncatedOrExtendedPayloadIsRefused) {
  PageTokenCodec codec(kKey);
  const std::string text = codec.Encode(Positioned(Token()));
  ExpectInvalid(codec.Decode(
      EditRaw(text, [](std::string& r) { r.erase(0, 1); }), Token()));
  ExpectInvalid(codec.Decode(
      EditRaw(text, [](std::string& r) { r.insert(0, "\x08\x01"); }), Token()));
  ExpectInvalid(codec.Decode(
      EditRaw(text, [](std::string& r) { r.push_back('\0'); }), Token()));
}

TEST(PageTokenCodecTest, TokenOfAnotherKeyIsRefused) {
  const std::string text = PageTokenCodec(kKey).Encode(Positioned(Token()));
  EXPECT_THAT(ExpectInvalid(PageTokenCodec(kKey ^ 1).Decode(text, Token())),
              HasSubstr("altered or not issued by this fake"));
  // Random keys: another process's codec refuses this one's tokens.
  PageTokenCodec a, b;
  const std::string random_text = a.Encode(Token());
  EXPECT_TRUE(a.Decode(random_text, Token()).ok());
  ExpectInvalid(b.Decode(random_text, Token()));
}

TEST(PageTokenCodecTest, MalformedTextIsRefused) {
  PageTokenCodec codec(kKey);
  for (const char* text : {"", "!!!!", "a b", "AAAA", "AAAAAAAAAA", "%%"}) {
    SCOPED_TRACE(text);
    const std::string message = ExpectInvalid(codec.Decode(text, Token()));
    EXPECT_TRUE(absl::StrContains(message, "malformed") ||
                absl::StrContains(message, "altered"))
        << message;
  }
  // Too short to hold a checksum.
  EXPECT_THAT(ExpectInvalid(codec.Decode("AAAA", Token())),
              HasSubstr("malformed"));
}

TEST(PageTokenCodecTest, ChecksumOverEmptyPayloadStillNeedsTheKey) {
  // Eight zero bytes: an empty payload with a made-up checksum.
  PageTokenCodec codec(kKey);
  ExpectInvalid(codec.Decode(absl::WebSafeBase64Escape(std::string(8, '\0')),
                             internal::PageToken()));
}

}  // namespace
}  // namespace customerfake::model
