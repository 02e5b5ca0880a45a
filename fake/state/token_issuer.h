#ifndef CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_
#define CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

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

  // Changes with every token issued or restored (for the state file).
  uint64_t revision() const;

  // A token and when it expires, as the state file keeps it.
  struct Issued {
    std::string token;
    absl::Time expires;
    bool operator==(const Issued& other) const {
      return token == other.token && expires == other.expires;
    }
  };
  // The tokens that have not expired, oldest first.
  std::vector<Issued> Unexpired() const;
  // Adds tokens issued before a restart (those expired already are left
  // out), as if issued now in their order.
  void Restore(const std::vector<Issued>& tokens);

 private:
  // Room for one more token.
  void MakeRoomLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const model::Clock& clock_;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> expiry_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // oldest first
  uint64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_TOKEN_ISSUER_H_
