#ifndef CUSTOMER_FAKE_MODEL_VERSION_H_
#define CUSTOMER_FAKE_MODEL_VERSION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace customerfake::model {

// This build's version, "MAJOR.MINOR.PATCH" from CMakeLists.txt's project().
absl::string_view FakeVersion();
// The git commit it was built from (the full hash), or "unknown".
absl::string_view FakeCommit();
// "customer-fake 1.0.0 (commit abc1234)": what --version prints and serve
// logs at start.
std::string VersionLine();

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
};

// "1.2.3" (each part 0 to 999999); nullopt for anything else.
std::optional<Version> ParseVersion(absl::string_view text);
// <0, 0 or >0 as a is older than, the same as or newer than b.
int CompareVersions(const Version& a, const Version& b);

// Whether this build may read a file that `written_by` (a version) wrote, as
// `source` names it: OK for the same or an older version; FAILED_PRECONDITION
// naming both versions for a newer one, whose file may hold what this one
// does not know. INVALID_ARGUMENT when written_by is not a version.
absl::Status CheckWrittenBy(absl::string_view written_by,
                            absl::string_view source,
                            absl::string_view current = FakeVersion());

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_VERSION_H_
