// Unit tests of the version: its form, the comparison, and the refusal of a
// file that a newer customer-fake wrote, with its exact message.
#include "fake/model/version.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::model {
namespace {

using ::testing::MatchesRegex;

TEST(Version, IsTheProjectVersion) {
  // CMakeLists.txt's project(VERSION); the CLI test checks the same for
  // --version against CMake's PROJECT_VERSION.
  EXPECT_EQ(FakeVersion(), CUSTOMER_FAKE_PROJECT_VERSION);
  EXPECT_TRUE(ParseVersion(FakeVersion()).has_value());
}

TEST(Version, LineNamesVersionAndCommit) {
  EXPECT_THAT(VersionLine(),
              MatchesRegex("customer-fake [0-9]+\\.[0-9]+\\.[0-9]+ "
                           "\\(commit ([0-9a-f]{7}|unknown)\\)"));
  EXPECT_EQ(VersionLine().rfind(
                "customer-fake " + std::string(FakeVersion()) + " (commit ", 0),
            0u);
}

TEST(Version, ParsesOnlyThreeNumbers) {
  std::optional<Version> v = ParseVersion("1.20.3");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 20);
  EXPECT_EQ(v->patch, 3);
  for (const char* bad : {"", "1", "1.0", "1.0.0.0", "1.0.x", "v1.0.0",
                          "1.0.0-rc1", "+1.0.0", "1..0", "1.0.1234567"}) {
    EXPECT_FALSE(ParseVersion(bad).has_value()) << bad;
  }
}

TEST(Version, ComparesNumbersNotText) {
  auto cmp = [](const char* a, const char* b) {
    return CompareVersions(*ParseVersion(a), *ParseVersion(b));
  };
  EXPECT_EQ(cmp("1.0.0", "1.0.0"), 0);
  EXPECT_LT(cmp("1.0.0", "1.0.1"), 0);
  EXPECT_GT(cmp("1.10.0", "1.9.9"), 0);  // text order would say less
  EXPECT_GT(cmp("2.0.0", "1.99.99"), 0);
  EXPECT_LT(cmp("0.9.0", "1.0.0"), 0);
}

TEST(Version, ReadsFilesOfItsOwnAndOlderVersions) {
  EXPECT_TRUE(CheckWrittenBy("1.0.0", "state.yaml", "1.0.0").ok());
  EXPECT_TRUE(CheckWrittenBy("0.9.7", "state.yaml", "1.0.0").ok());
  EXPECT_TRUE(CheckWrittenBy("1.2.3", "state.yaml", "1.10.0").ok());
}

TEST(Version, RefusesANewerVersionsFileNamingBoth) {
  absl::Status status = CheckWrittenBy("1.1.0", "/state/state.yaml", "1.0.0");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "/state/state.yaml: written by customer-fake 1.1.0, newer than "
            "this customer-fake 1.0.0; run customer-fake 1.1.0 or later, or "
            "move the file away to start from the scenario");
  EXPECT_EQ(CheckWrittenBy("1.0.1", "s", "1.0.0").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Version, SaysWhenWhatWroteTheFileIsNoVersion) {
  absl::Status status = CheckWrittenBy("soon", "state.yaml", "1.0.0");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "\"soon\" is not a version like 1.0.0");
}

}  // namespace
}  // namespace customerfake::model
