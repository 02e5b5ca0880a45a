#ifndef CUSTOMER_FAKE_MODEL_SETTINGS_H_
#define CUSTOMER_FAKE_MODEL_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace customerfake::model {

// any_bearer: any bearer token; tokens: only the listed ones; none: no
// header needed; oauth: only tokens the fake's token endpoint issued and that
// have not expired.
enum class AuthMode { kAnyBearer, kTokens, kNone, kOAuth };

// A client of the OAuth token endpoint (client credentials flow).
struct OAuthClient {
  std::string id;
  std::string secret;
};

// A namespace's configuration: the `settings` and `flags` of a scenario.
struct Settings {
  int32_t default_page_size = 50;
  int32_t max_page_size = 1000;
  AuthMode auth_mode = AuthMode::kAnyBearer;
  std::vector<std::string> tokens;  // accepted with AuthMode::kTokens
  // Who may fetch tokens from the token endpoint; anyone when empty.
  std::vector<OAuthClient> oauth_clients;
  absl::Duration token_ttl = absl::Hours(1);  // of the tokens it issues
  std::optional<uint64_t> id_seed;            // deterministic ids when set
  std::optional<uint64_t> fault_seed;
  std::string error_domain = "trip-api.moia-group.io";
  std::vector<std::string> languages;  // narrows ISO 639-1 when not empty
  int64_t max_customers = 100000;
  std::vector<std::string> known_flags;  // allow-list when not empty
  std::vector<std::string> read_only_flags;

  // The seed of the fault rules' random source: fault_seed, else id_seed.
  std::optional<uint64_t> EffectiveFaultSeed() const {
    return fault_seed ? fault_seed : id_seed;
  }
};

std::string AuthModeName(AuthMode mode);
// The mode a name (AuthModeName's) stands for; false for none.
bool ParseAuthMode(absl::string_view name, AuthMode* mode);
inline constexpr char kAuthModeNames[] = "any_bearer, tokens, none or oauth";

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_SETTINGS_H_
