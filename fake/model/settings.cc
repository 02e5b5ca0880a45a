#include "fake/model/settings.h"

namespace customerfake::model {

std::string AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kAnyBearer:
      return "any_bearer";
    case AuthMode::kTokens:
      return "tokens";
    case AuthMode::kNone:
      return "none";
  }
  return "any_bearer";
}

}  // namespace customerfake::model
