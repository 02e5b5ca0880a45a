// The conformance kit (fake/conformance/) against the fake: everything
// passes; with a fault rule that changes one behaviour, exactly the checks
// of that behaviour differ. (Against bench's bare server: tests/cli.)
#include "fake/conformance/conformance.h"

#include <atomic>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "fake/conformance/checks.h"
#include "fake/testing/fake_test.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake {
namespace {

using ::customerfake::testing::StartFake;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

struct Report {
  int exit_code;
  google::protobuf::Struct json;
  std::string err;
};

Report RunKit(const Fake& fake, const std::string& ns) {
  conformance::Options options;
  options.endpoint.address = fake.address();
  options.endpoint.token = "conformance";
  options.endpoint.ns = ns;
  options.json = true;
  std::ostringstream out, err;
  std::atomic<bool> interrupted{false};
  Report report;
  report.exit_code = conformance::Run(options, out, err, interrupted);
  report.err = err.str();
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(out.str(), &report.json).ok())
      << out.str();
  return report;
}

std::vector<std::string> IdsWith(const Report& report,
                                 const std::string& result) {
  std::vector<std::string> ids;
  for (const auto& check :
       report.json.fields().at("checks").list_value().values()) {
    const auto& fields = check.struct_value().fields();
    if (fields.at("result").string_value() == result) {
      ids.push_back(fields.at("id").string_value());
    }
  }
  return ids;
}

class ConformanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    FakeOptions options;
    options.listen_address = "127.0.0.1:0";
    fake_ = StartFake(options).release();
  }
  static void TearDownTestSuite() { delete fake_; }
  static Fake* fake_;
};

Fake* ConformanceTest::fake_ = nullptr;

TEST_F(ConformanceTest, EverythingPassesAgainstTheFake) {
  ASSERT_NE(fake_, nullptr);
  Report report = RunKit(*fake_, "conformance-all");
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(IdsWith(report, "differs"), IsEmpty());
  EXPECT_THAT(IdsWith(report, "skipped"), IsEmpty());
  EXPECT_EQ(IdsWith(report, "pass").size(), conformance::Checks().size());
  // It leaves nothing behind: the namespace holds no customer of its own.
  auto exported = fake_->control().ExportState("conformance-all");
  ASSERT_TRUE(exported.ok());
  EXPECT_FALSE(absl::StrContains(*exported, "cfk-conformance"));
  EXPECT_THAT(report.json.fields().at("not_deleted").list_value().values(),
              IsEmpty());
}

TEST_F(ConformanceTest, ACannedListDiffersInExactlyTheChecksThatList) {
  ASSERT_NE(fake_, nullptr);
  const std::string ns = "conformance-canned";
  ASSERT_TRUE(
      fake_->control()
          .AddFaultRuleYaml(ns,
                            "{method: ListCustomers, action: {code: OK, "
                            "response: {customers: []}}}")
          .ok());
  Report report = RunKit(*fake_, ns);
  EXPECT_EQ(report.exit_code, 1);
  // The checks that read ListCustomers' page; a page size check that only
  // counts what came back still passes, and one that needs a token skips.
  EXPECT_THAT(
      IdsWith(report, "differs"),
      ElementsAreArray({"list.creation_order", "list.page_size_negative",
                        "list.default_page_size"}));
  EXPECT_THAT(
      IdsWith(report, "skipped"),
      ElementsAreArray({"list.no_trailing_empty_page", "list.token_tampered",
                        "list.token_from_other_list"}));
}

}  // namespace
}  // namespace customerfake
