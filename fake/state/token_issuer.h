#ifndef CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_
#define CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fake/model/clock.h"

namespace customerfake::state {

// The access tokens the OAuth token endpoint hands out, with their expiry on
// the fake's clock. Tokens are opaque: base64 of a small JSON object, like
// the real service's, with 128 random bits in it.
class TokenIssuer {
 public:
  // Keeps at most `capacity` tokens; past it the oldest are forgotten.
  explicit TokenIssuer(const model::Clock& clock, size_t capacity = 100000);

  std::string Issue(absl::string_view ns, absl::string_view client_id,
                    absl::Duration ttl);

  enum class Verdict { kValid, kExpired, kUnknown };
  Verdict Check(absl::string_view token) const;

 private:
  const model::Clock& clock_;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> expiry_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // oldest first
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_
