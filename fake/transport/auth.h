#ifndef CUSTOMER_FAKE_TRANSPORT_AUTH_H_
#define CUSTOMER_FAKE_TRANSPORT_AUTH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "fake/model/settings.h"
#include "fake/state/token_issuer.h"

namespace customerfake::transport {

using Metadata = std::vector<std::pair<std::string, std::string>>;

// Checks the `authorization: Bearer <token>` header against the namespace's
// auth mode. The fake accepts what the mode says; it does not verify real
// MOIA tokens. Mode oauth asks `issued` whether the fake's token endpoint
// issued the token and whether it is still valid.
absl::Status CheckAuth(const model::Settings& settings,
                       const Metadata& metadata,
                       const state::TokenIssuer& issued);

// Whether `given` is `secret` (the control token), compared in time
// independent of where the strings differ.
bool SecretMatches(absl::string_view given, absl::string_view secret);

// The header value with the token replaced, for the journal and logs.
std::string MaskAuthorization(absl::string_view value);

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_AUTH_H_
