// Page-token decoding: PageTokenCodec::Decode on the `page_token` a client
// sends, which is arbitrary text.
//
// Checksums use absl::Hash, which is seeded per process, so a token saved in
// the corpus never passes the checksum in a later run. The input is therefore
// used twice:
// - as the token text: Decode must refuse it with INVALID_PAGE_TOKEN unless
//   it is one this process issued (it never is);
// - as a serialized PageToken (the payload of a real token), when it parses
//   as one: the token this process issues for it must decode to the same
//   message for its own list, namespace, customer and generation, be refused
//   for any other, and be refused or decode to the same message after any
//   one-character edit, truncation or extension (no forgery).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "customerfake/internal/page_token.pb.h"
#include "fake/errors/errors.h"
#include "fake/model/page_token.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"

namespace {

using customerfake::internal::PageToken;
using customerfake::model::PageTokenCodec;
namespace errors = customerfake::errors;

constexpr uint64_t kKey = 0x5eed5eed12345678;
// Edits are tried at this many positions of the token text at most.
constexpr size_t kMaxEditedPositions = 64;

void CheckRefused(const absl::StatusOr<PageToken>& decoded,
                  absl::string_view what) {
  FUZZ_CHECK(!decoded.ok(), "%.*s was accepted", static_cast<int>(what.size()),
             what.data());
  FUZZ_CHECK(
      decoded.status().code() == absl::StatusCode::kInvalidArgument &&
          errors::ReasonOf(decoded.status()) == errors::kInvalidPageToken,
      "%s", decoded.status().ToString().c_str());
}

bool Same(const PageToken& a, const PageToken& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// Refused, or decoded to `token` itself.
void CheckRefusedOrSame(const PageTokenCodec& codec, const std::string& text,
                        const PageToken& token) {
  absl::StatusOr<PageToken> decoded = codec.Decode(text, token);
  if (decoded.ok()) {
    FUZZ_CHECK(Same(*decoded, token), "edited token \"%s\" decoded to %s",
               text.c_str(), decoded->ShortDebugString().c_str());
  } else {
    CheckRefused(decoded, "");
  }
}

void CheckIssued(const PageTokenCodec& codec, const PageToken& token) {
  const std::string text = codec.Encode(token);
  absl::StatusOr<PageToken> decoded = codec.Decode(text, token);
  FUZZ_CHECK(decoded.ok(), "own token refused: %s",
             decoded.status().ToString().c_str());
  FUZZ_CHECK(Same(*decoded, token), "round trip changed %s into %s",
             token.ShortDebugString().c_str(),
             decoded->ShortDebugString().c_str());

  PageToken other = token;
  other.set_list(token.list() + "x");
  CheckRefused(codec.Decode(text, other), "a token of another list");
  other = token;
  other.set_namespace_name(token.namespace_name() + "x");
  CheckRefused(codec.Decode(text, other), "a token of another namespace");
  other = token;
  other.set_customer_id(token.customer_id() + "x");
  CheckRefused(codec.Decode(text, other), "a token of another customer");
  other = token;
  other.set_generation(token.generation() + 1);
  CheckRefused(codec.Decode(text, other), "a token of another generation");
  CheckRefused(PageTokenCodec(kKey + 1).Decode(text, token),
               "a token of another key");

  for (size_t i = 0; i < text.size() && i < kMaxEditedPositions; ++i) {
    std::string edited = text;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    CheckRefusedOrSame(codec, edited, token);
  }
  CheckRefusedOrSame(codec, text.substr(0, text.size() - 1), token);
  CheckRefusedOrSame(codec, text + "A", token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const PageTokenCodec codec(kKey);
  absl::string_view text(reinterpret_cast<const char*>(data), size);

  PageToken expected;
  expected.set_list("customers");
  expected.set_namespace_name("default");
  CheckRefused(codec.Decode(text, expected), "a token from outside");

  PageToken token;
  if (token.ParseFromArray(data, static_cast<int>(size))) {
    CheckIssued(codec, token);
  }
  return 0;
}
