#include "fake/transport/auth.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fake/errors/errors.h"

namespace customerfake::transport {
namespace {

constexpr absl::string_view kScheme = "bearer";

// The token of "Bearer <token>" (scheme case-insensitive), or "" if the
// value has another shape.
absl::string_view BearerToken(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return "";
  }
  return absl::StripAsciiWhitespace(value.substr(kScheme.size() + 1));
}

}  // namespace

absl::Status CheckAuth(const model::Settings& settings,
                       const Metadata& metadata,
                       const state::TokenIssuer& issued) {
  if (settings.auth_mode == model::AuthMode::kNone) return absl::OkStatus();
  const std::string* header = nullptr;
  for (const auto& [key, value] : metadata) {
    if (key == "authorization") header = &value;
  }
  if (header == nullptr) {
    return errors::Unauthenticated(
        "missing \"authorization: Bearer <token>\" metadata");
  }
  absl::string_view token = BearerToken(*header);
  if (token.empty()) {
    return errors::Unauthenticated(
        "the authorization metadata is not of the form \"Bearer <token>\"");
  }
  if (settings.auth_mode == model::AuthMode::kTokens &&
      std::find(settings.tokens.begin(), settings.tokens.end(), token) ==
          settings.tokens.end()) {
    return errors::Unauthenticated("the bearer token is not accepted");
  }
  if (settings.auth_mode == model::AuthMode::kOAuth) {
    switch (issued.Check(token)) {
      case state::TokenIssuer::Verdict::kValid:
        break;
      case state::TokenIssuer::Verdict::kExpired:
        return errors::Unauthenticated(
            "the bearer token has expired; fetch a new one from the token "
            "endpoint");
      case state::TokenIssuer::Verdict::kUnknown:
        return errors::Unauthenticated(
            "the bearer token was not issued by the token endpoint (POST "
            "/auth/oauth/token)");
    }
  }
  return absl::OkStatus();
}

bool SecretMatches(absl::string_view given, absl::string_view secret) {
  unsigned char diff = given.size() == secret.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(
                secret.empty() ? 0 : secret[i % secret.size()]);
  }
  return diff == 0;
}

std::string MaskAuthorization(absl::string_view value) {
  absl::string_view token = BearerToken(value);
  if (token.empty()) return "***";
  return absl::StrCat(value.substr(0, kScheme.size()), " ***");
}

}  // namespace customerfake::transport
