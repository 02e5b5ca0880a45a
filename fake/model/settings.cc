#include "fake/model/settings.h"

namespace customerfake::model {
namespace {

constexpr std::pair<AuthMode, absl::string_view> kAuthModes[] = {
    {AuthMode::kAnyBearer, "any_bearer"},
    {AuthMode::kTokens, "tokens"},
    {AuthMode::kNone, "none"},
    {AuthMode::kOAuth, "oauth"},
};

}  // namespace

std::string AuthModeName(AuthMode mode) {
  for (const auto& [value, name] : kAuthModes) {
    if (value == mode) return std::string(name);
  }
  return "any_bearer";
}

bool ParseAuthMode(absl::string_view name, AuthMode* mode) {
  for (const auto& [value, known] : kAuthModes) {
    if (known == name) {
      *mode = value;
      return true;
    }
  }
  return false;
}

}  // namespace customerfake::model
