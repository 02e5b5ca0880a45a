#ifndef CUSTOMER_FAKE_MODEL_PAGE_TOKEN_H_
#define CUSTOMER_FAKE_MODEL_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerfake/internal/page_token.pb.h"

namespace customerfake::model {

// Opaque page tokens: a PageToken message and a keyed 64-bit checksum,
// web-safe base64. The key is random per process, so a token edited by hand
// or issued by another fake process is refused as INVALID_PAGE_TOKEN.
class PageTokenCodec {
 public:
  PageTokenCodec();                       // random key
  explicit PageTokenCodec(uint64_t key);  // fixed key, for tests

  std::string Encode(const internal::PageToken& token) const;

  // Decodes `text` and checks that it was issued for `expected` list,
  // namespace, customer and generation (the keyset fields are ignored).
  absl::StatusOr<internal::PageToken> Decode(
      absl::string_view text, const internal::PageToken& expected) const;

 private:
  uint64_t Checksum(absl::string_view payload) const;

  uint64_t key_;
};

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_PAGE_TOKEN_H_
