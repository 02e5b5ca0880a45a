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
  // The state is *baseline, as right after a LoadScenario, and `state` is
  // empty. WriteState writes the text once; ParseState sets it when the
  // file's state text is its baseline's and reads that text once.
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

// Whether a server has resumed from a state file since it was written: the
// file's `resumed`, which every write sets to false and a restore sets to
// true in place, so that a later restore knows the ids may have moved on
// (see StateKeeper).
struct ResumeMark {
  bool resumed = false;
  // Where the value `false` stands in the file, to be overwritten with
  // kResumedText; npos when the file has no such value (an older file).
  size_t offset = std::string::npos;
};
inline constexpr absl::string_view kResumedText = "true ";  // as long

// The most ids a saved sequence may have drawn: resuming replays them.
inline constexpr uint64_t kMaxSavedIdsDrawn = 100'000'000;

// The state file: YAML holding each namespace's state as scenario text, so
// it reads like the scenarios it came from. A state that is its baseline is
// written once, the baseline an alias of it.
std::string WriteState(const std::vector<SavedNamespace>& namespaces,
                       const std::vector<SavedToken>& tokens = {});

// Parses a state file. FAILED_PRECONDITION, naming both versions, for a file
// a newer customer-fake wrote (its `fake_version`). INVALID_ARGUMENT naming
// every problem as
// "source:line:column: key: message" (positions inside a namespace's
// scenario text are given relative to that text, with the key path).
// The file's tokens go to `tokens` and its `resumed` to `mark`, when given.
absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    absl::string_view text, absl::string_view source,
    std::vector<SavedToken>* tokens = nullptr, ResumeMark* mark = nullptr);
// The same, freeing `text` once the file's YAML is read and before the
// scenarios in it are, so a restore does not hold the file's text and a
// million customers at once (`text` is empty after).
absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    std::string&& text, absl::string_view source,
    std::vector<SavedToken>* tokens = nullptr, ResumeMark* mark = nullptr);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_STATE_FILE_H_
