#include "fake/state/token_issuer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fake/errors/errors.h"
#include "fake/model/json_string.h"

namespace customerfake::state {

TokenIssuer::TokenIssuer(const model::Clock& clock, size_t capacity)
    : clock_(clock), capacity_(capacity), random_([] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(),
                           device(), device(), device(), device()};
        return std::mt19937_64(seed);
      }()) {}

std::string TokenIssuer::Issue(absl::string_view ns,
                               absl::string_view client_id,
                               absl::Duration ttl) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  MakeRoomLocked();
  std::string token;
  do {
    // Escaped, so the JSON stays whole whatever the client id holds.
    token = absl::Base64Escape(absl::StrFormat(
        R"({"org":%s,"client":%s,"id":"%016x%016x"})", model::JsonString(ns),
        model::JsonString(errors::Printable(client_id, 1024)), random_(),
        random_()));
  } while (expiry_.contains(token));
  expiry_.emplace(token, now + ttl);
  order_.push_back(token);
  ++revision_;
  return token;
}

void TokenIssuer::MakeRoomLocked() {
  // Forget the oldest tokens over capacity. Expired ones are kept until
  // then, so that a client using one hears "expired", not "not issued".
  while (expiry_.size() >= capacity_ && !order_.empty()) {
    expiry_.erase(order_.front());
    order_.pop_front();
  }
}

TokenIssuer::Verdict TokenIssuer::Check(absl::string_view token) const {
  absl::MutexLock lock(&mu_);
  auto it = expiry_.find(token);
  if (it == expiry_.end()) return Verdict::kUnknown;
  return clock_.Now() < it->second ? Verdict::kValid : Verdict::kExpired;
}

uint64_t TokenIssuer::revision() const {
  absl::MutexLock lock(&mu_);
  return revision_;
}

std::vector<TokenIssuer::Issued> TokenIssuer::Unexpired() const {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  std::vector<Issued> tokens;
  for (const std::string& token : order_) {
    const absl::Time expires = expiry_.at(token);
    if (now < expires) tokens.push_back({token, expires});
  }
  return tokens;
}

void TokenIssuer::Restore(const std::vector<Issued>& tokens) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  for (const Issued& issued : tokens) {
    if (issued.expires <= now || expiry_.contains(issued.token)) continue;
    MakeRoomLocked();
    expiry_.emplace(issued.token, issued.expires);
    order_.push_back(issued.token);
    ++revision_;
  }
}

}  // namespace customerfake::state
