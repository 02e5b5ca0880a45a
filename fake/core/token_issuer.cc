#include "fake/core/token_issuer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace customerfake::core {

TokenIssuer::TokenIssuer(const Clock& clock, size_t capacity)
    : clock_(clock), capacity_(capacity), random_(std::random_device{}()) {}

std::string TokenIssuer::Issue(absl::string_view ns,
                               absl::string_view client_id,
                               absl::Duration ttl) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  // Forget expired tokens first, then the oldest ones over capacity.
  while (!order_.empty()) {
    auto it = expiry_.find(order_.front());
    bool gone =
        it == expiry_.end() || it->second <= now || expiry_.size() >= capacity_;
    if (!gone) break;
    if (it != expiry_.end()) expiry_.erase(it);
    order_.pop_front();
  }
  std::string token;
  do {
    // Escaped, so the JSON stays whole whatever the client id holds.
    token = absl::Base64Escape(absl::StrFormat(
        R"({"org":"%s","client":"%s","id":"%016x%016x"})", absl::CHexEscape(ns),
        absl::CHexEscape(client_id), random_(), random_()));
  } while (expiry_.contains(token));
  expiry_.emplace(token, now + ttl);
  order_.push_back(token);
  return token;
}

TokenIssuer::Verdict TokenIssuer::Check(absl::string_view token) const {
  absl::MutexLock lock(&mu_);
  auto it = expiry_.find(token);
  if (it == expiry_.end()) return Verdict::kUnknown;
  return clock_.Now() < it->second ? Verdict::kValid : Verdict::kExpired;
}

}  // namespace customerfake::core
