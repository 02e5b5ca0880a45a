#ifndef CUSTOMER_FAKE_SCENARIO_STATE_FILE_H_
#define CUSTOMER_FAKE_SCENARIO_STATE_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fake/model/scenario.h"

namespace customerfake::scenario {

// An id sequence: the seed and the ids drawn from it so far.
struct SavedIds {
  uint64_t seed = 0;
  uint64_t drawn = 0;
};

// One namespace as the state file keeps it.
struct SavedNamespace {
  std::string name;
  model::Scenario state;  // settings, customers (with ids) and rules now
  SavedIds ids;
  // The scenario a reset returns to, when the namespace loaded its own;
  // nullopt means the server's scenario.
  std::optional<model::Scenario> baseline;
  SavedIds baseline_ids;
  // Set by ParseState when the file's state text is its baseline's, as
  // right after a LoadScenario: the text is read once, into `baseline`, and
  // `state` stays empty; the state is *baseline.
  bool state_is_baseline = false;
};

// An access token the OAuth token endpoint issued, kept until it expires so
// that clients that cache their token outlive a restart.
struct SavedToken {
  std::string token;
  absl::Time expires;
  bool operator==(const SavedToken& other) const {
    return token == other.token && expires == other.expires;
  }
};

// The most ids a saved sequence may have drawn: resuming replays them.
inline constexpr uint64_t kMaxSavedIdsDrawn = 100'000'000;

// The state file: YAML holding each namespace's state as scenario text, so
// it reads like the scenarios it came from.
std::string WriteState(const std::vector<SavedNamespace>& namespaces,
                       const std::vector<SavedToken>& tokens = {});

// Parses a state file. FAILED_PRECONDITION, naming both versions, for a file
// a newer customer-fake wrote (its `fake_version`). INVALID_ARGUMENT naming
// every problem as
// "source:line:column: key: message" (positions inside a namespace's
// scenario text are given relative to that text, with the key path).
// The file's tokens go to `tokens` when given.
absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    absl::string_view text, absl::string_view source,
    std::vector<SavedToken>* tokens = nullptr);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_STATE_FILE_H_
