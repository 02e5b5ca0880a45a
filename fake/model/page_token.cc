#include "fake/model/page_token.h"

#include <cstring>
#include <random>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "fake/errors/errors.h"

namespace customerfake::model {
namespace {

constexpr size_t kChecksumBytes = sizeof(uint64_t);

uint64_t RandomKey() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

PageTokenCodec::PageTokenCodec() : key_(RandomKey()) {}
PageTokenCodec::PageTokenCodec(uint64_t key) : key_(key) {}

uint64_t PageTokenCodec::Checksum(absl::string_view payload) const {
  // Two rounds so that the key is mixed into the whole payload hash.
  return absl::Hash<std::pair<uint64_t, absl::string_view>>{}(
      {key_ ^ absl::Hash<absl::string_view>{}(payload), payload});
}

std::string PageTokenCodec::Encode(const internal::PageToken& token) const {
  std::string payload = token.SerializeAsString();
  uint64_t sum = Checksum(payload);
  char sum_bytes[kChecksumBytes];
  std::memcpy(sum_bytes, &sum, kChecksumBytes);
  payload.append(sum_bytes, kChecksumBytes);
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<internal::PageToken> PageTokenCodec::Decode(
    absl::string_view text, const internal::PageToken& expected) const {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(text, &raw) || raw.size() < kChecksumBytes) {
    return errors::InvalidPageToken("it is malformed");
  }
  absl::string_view payload(raw.data(), raw.size() - kChecksumBytes);
  uint64_t sum;
  std::memcpy(&sum, raw.data() + payload.size(), kChecksumBytes);
  internal::PageToken token;
  if (sum != Checksum(payload) ||
      !token.ParseFromArray(payload.data(), payload.size())) {
    return errors::InvalidPageToken(
        "it was altered or not issued by this fake");
  }
  if (token.list() != expected.list()) {
    return errors::InvalidPageToken("it was issued for another list");
  }
  if (token.namespace_name() != expected.namespace_name()) {
    return errors::InvalidPageToken("it was issued for another namespace");
  }
  if (token.customer_id() != expected.customer_id()) {
    return errors::InvalidPageToken("it was issued for another customer");
  }
  if (token.generation() != expected.generation()) {
    return errors::InvalidPageToken(
        "the namespace was reset or reloaded since it was issued");
  }
  return token;
}

}  // namespace customerfake::model
