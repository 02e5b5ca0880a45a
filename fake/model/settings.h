#ifndef CUSTOMER_FAKE_MODEL_SETTINGS_H_
#define CUSTOMER_FAKE_MODEL_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace customerfake::model {

enum class AuthMode { kAnyBearer, kTokens, kNone };

// A namespace's configuration: the `settings` and `flags` of a scenario.
struct Settings {
  int32_t default_page_size = 50;
  int32_t max_page_size = 1000;
  AuthMode auth_mode = AuthMode::kAnyBearer;
  std::vector<std::string> tokens;  // accepted with AuthMode::kTokens
  std::optional<uint64_t> id_seed;  // deterministic ids when set
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

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_SETTINGS_H_
