#include "fake/model/version.h"

#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "customer_fake/version.h"  // generated

namespace customerfake::model {

absl::string_view FakeVersion() { return CUSTOMER_FAKE_VERSION; }

absl::string_view FakeCommit() { return CUSTOMER_FAKE_COMMIT; }

std::string VersionLine() {
  return absl::StrCat("customer-fake ", CUSTOMER_FAKE_VERSION, " (commit ",
                      CUSTOMER_FAKE_COMMIT_SHORT, ")");
}

std::optional<Version> ParseVersion(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 3) return std::nullopt;
  int numbers[3];
  for (int i = 0; i < 3; ++i) {
    // Digits only: SimpleAtoi would take "+1" or " 1".
    if (parts[i].empty() || parts[i].size() > 6 ||
        parts[i].find_first_not_of("0123456789") != absl::string_view::npos ||
        !absl::SimpleAtoi(parts[i], &numbers[i])) {
      return std::nullopt;
    }
  }
  return Version{numbers[0], numbers[1], numbers[2]};
}

int CompareVersions(const Version& a, const Version& b) {
  auto key = [](const Version& v) {
    return std::tie(v.major, v.minor, v.patch);
  };
  if (key(a) < key(b)) return -1;
  return key(b) < key(a) ? 1 : 0;
}

absl::Status CheckWrittenBy(absl::string_view written_by,
                            absl::string_view source,
                            absl::string_view current) {
  std::optional<Version> file = ParseVersion(written_by);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", written_by, "\" is not a version like 1.0.0"));
  }
  std::optional<Version> self = ParseVersion(current);
  if (self && CompareVersions(*file, *self) > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        source, ": written by customer-fake ", written_by,
        ", newer than this customer-fake ", current, "; run customer-fake ",
        written_by,
        " or later, or move the file away to start from the scenario"));
  }
  return absl::OkStatus();
}

}  // namespace customerfake::model
