// Unit tests of the state file format: what WriteState writes reads back to
// the same namespaces, and a damaged file is refused with the position, key
// path and message of each problem (those inside a namespace's scenario text
// at their line of the file).
#include "fake/scenario/state_file.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "fake/model/version.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

model::CustomerRecord Customer(std::string id, std::string given,
                               std::vector<std::string> flags = {}) {
  model::CustomerRecord record;
  record.id = std::move(id);
  record.fields.given_name = given;
  record.fields.family_name = "Tester";
  record.fields.email_address = "someone@example.com";
  record.fields.language_code = "de";
  record.fields.phone_number = "+4997259173740";
  record.flags = std::move(flags);
  return record;
}

std::vector<SavedNamespace> TwoNamespaces() {
  SavedNamespace a;
  a.name = "default";
  a.state.settings.id_seed = 7;
  a.state.customers = {
      Customer("7ba438cc-4724-4be1-8c59-f82558f4fde8", "Ada", {"vip"}),
      // Text that YAML must quote or escape.
      Customer("1c5e0f2a-8d44-4e9b-9a41-0d0f7f3b2c11", "Zoë: \"#1\"")};
  model::FaultRule rule;
  rule.id = "rule-3";
  rule.method = "GetCustomer";
  rule.times = 2;
  rule.action = model::FaultAction{};
  rule.action->code = absl::StatusCode::kUnavailable;
  a.state.faults = {rule};
  a.ids = {7, 12};
  SavedNamespace b;
  b.name = "team-b.run_1";
  b.ids = {18446744073709551615ull, 0};
  b.baseline = model::Scenario{};
  b.baseline->customers = {
      Customer("2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b", "Bea")};
  b.baseline_ids = {99, 3};
  return {a, b};
}

TEST(StateFile, WriteThenParseGivesTheSameNamespaces) {
  const std::vector<SavedNamespace> saved = TwoNamespaces();
  const std::string text = WriteState(saved);
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  ASSERT_THAT(*parsed, SizeIs(2));
  for (size_t i = 0; i < saved.size(); ++i) {
    SCOPED_TRACE(saved[i].name);
    const SavedNamespace& got = (*parsed)[i];
    EXPECT_EQ(got.name, saved[i].name);
    EXPECT_EQ(got.ids.seed, saved[i].ids.seed);
    EXPECT_EQ(got.ids.drawn, saved[i].ids.drawn);
    // The scenario writer is exact: equal text means equal scenarios.
    EXPECT_EQ(WriteScenario(got.state), WriteScenario(saved[i].state));
    ASSERT_EQ(got.baseline.has_value(), saved[i].baseline.has_value());
    if (got.baseline) {
      EXPECT_EQ(WriteScenario(*got.baseline),
                WriteScenario(*saved[i].baseline));
      EXPECT_EQ(got.baseline_ids.seed, saved[i].baseline_ids.seed);
      EXPECT_EQ(got.baseline_ids.drawn, saved[i].baseline_ids.drawn);
    }
  }
  EXPECT_EQ((*parsed)[0].state.customers[1].fields.given_name, "Zoë: \"#1\"");
  EXPECT_EQ((*parsed)[0].state.faults[0].id, "rule-3");
}

TEST(StateFile, AStateEqualToItsBaselineIsReadOnce) {
  std::vector<SavedNamespace> saved = TwoNamespaces();
  saved[1].state = *saved[1].baseline;  // as right after a LoadScenario
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(WriteState(saved), "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_THAT(*parsed, SizeIs(2));
  EXPECT_FALSE((*parsed)[0].state_is_baseline);  // no baseline of its own
  const SavedNamespace& b = (*parsed)[1];
  EXPECT_TRUE(b.state_is_baseline);
  EXPECT_TRUE(b.state.customers.empty());
  ASSERT_TRUE(b.baseline.has_value());
  EXPECT_EQ(WriteScenario(*b.baseline), WriteScenario(saved[1].state));

  // One customer more in the state: both are read.
  saved[1].state.customers.push_back(
      Customer("3a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Cy"));
  parsed = ParseState(WriteState(saved), "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE((*parsed)[1].state_is_baseline);
  EXPECT_THAT((*parsed)[1].state.customers, SizeIs(2));
  EXPECT_THAT((*parsed)[1].baseline->customers, SizeIs(1));
}

// Right after a LoadScenario the state is the baseline: its text, a million
// customers' perhaps, is in the file once, the baseline an alias of it.
TEST(StateFile, AStateThatIsItsBaselineIsWrittenOnce) {
  std::vector<SavedNamespace> saved = TwoNamespaces();
  saved[1].state_is_baseline = true;
  const std::string text = WriteState(saved);
  EXPECT_THAT(text, HasSubstr("  state: &state-2 |\n    version: 1\n"));
  EXPECT_THAT(text, HasSubstr("    scenario: *state-2\n"));
  const size_t bea = text.find("given_name: \"Bea\"");
  ASSERT_NE(bea, std::string::npos) << text;
  EXPECT_EQ(text.find("given_name: \"Bea\"", bea + 1), std::string::npos);
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  ASSERT_THAT(*parsed, SizeIs(2));
  const SavedNamespace& b = (*parsed)[1];
  EXPECT_TRUE(b.state_is_baseline);
  EXPECT_TRUE(b.state.customers.empty());
  ASSERT_TRUE(b.baseline.has_value());
  EXPECT_EQ(WriteScenario(*b.baseline), WriteScenario(*saved[1].baseline));
  EXPECT_EQ(b.ids.drawn, saved[1].ids.drawn);
  EXPECT_EQ(b.baseline_ids.drawn, saved[1].baseline_ids.drawn);
}

// A restore marks the file it read `resumed` by overwriting five bytes, so
// the parser says where they are; only `false` there can be overwritten.
TEST(StateFile, SaysWhetherAndWhereTheFileIsMarkedResumed) {
  std::string text = WriteState(TwoNamespaces());
  ResumeMark mark;
  ASSERT_TRUE(ParseState(text, "state.yaml", nullptr, &mark).ok());
  EXPECT_FALSE(mark.resumed);
  ASSERT_NE(mark.offset, std::string::npos);
  EXPECT_EQ(text.substr(mark.offset - 9, 14), "resumed: false");

  text.replace(mark.offset, kResumedText.size(), std::string(kResumedText));
  ResumeMark marked;
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml", nullptr, &marked);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(*parsed, SizeIs(2));
  EXPECT_TRUE(marked.resumed);
  EXPECT_EQ(marked.offset, std::string::npos);

  // A file from before the mark: not resumed, nothing to overwrite.
  ResumeMark older;
  ASSERT_TRUE(ParseState(absl::StrReplaceAll(text, {{"resumed: true \n", ""}}),
                         "state.yaml", nullptr, &older)
                  .ok());
  EXPECT_FALSE(older.resumed);
  EXPECT_EQ(older.offset, std::string::npos);
}

// The server may grow a namespace past --max-scenario-bytes one call at a
// time; its saved state must still read back rather than come back empty.
TEST(StateFile, ANamespaceOverTheScenarioByteCapReadsBack) {
  std::vector<SavedNamespace> saved = TwoNamespaces();
  std::string text = WriteState(saved);
  // A comment line in the first namespace's state text, indented like the
  // line after "state: |".
  const size_t block = text.find("state: |");
  ASSERT_NE(block, std::string::npos) << text;
  const size_t line = text.find('\n', block) + 1;
  const size_t indent = text.find_first_not_of(' ', line) - line;
  text.insert(line,
              absl::StrCat(std::string(indent, ' '), "# ",
                           std::string(model::kMaxScenarioBytes, 'x'), "\n"));
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message().substr(0, 500);
  ASSERT_THAT(*parsed, SizeIs(2));
  EXPECT_EQ(WriteScenario((*parsed)[0].state), WriteScenario(saved[0].state));
}

TEST(StateFile, TokensReadBackWithTheirExpiry) {
  const std::vector<SavedToken> tokens = {
      {"eyJvcmciOiJkZWZhdWx0In0=", absl::FromUnixSeconds(1800000000)},
      {"second", absl::FromUnixMillis(1800000000250)}};
  const std::string text = WriteState(TwoNamespaces(), tokens);
  EXPECT_THAT(text, HasSubstr("tokens:\n- {token: eyJvcmciOiJkZWZhdWx0In0=, "
                              "expires: '2027-01-15T08:00:00+00:00'}\n"));
  std::vector<SavedToken> parsed_tokens;
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml", &parsed_tokens);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  EXPECT_THAT(*parsed, SizeIs(2));
  EXPECT_EQ(parsed_tokens, tokens);
  // Without tokens there is no key; a file without one has none.
  EXPECT_THAT(WriteState(TwoNamespaces()), Not(HasSubstr("tokens")));
  ASSERT_TRUE(ParseState(WriteState({}), "s", &parsed_tokens).ok());
  EXPECT_THAT(parsed_tokens, SizeIs(0));
}

TEST(StateFile, NoNamespacesIsAValidState) {
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(WriteState({}), "state.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(*parsed, SizeIs(0));
}

struct Damage {
  std::string name;
  std::string text;
  std::string problem;  // how the message starts, after the path
};

std::ostream& operator<<(std::ostream& out, const Damage& d) {
  return out << d.name;
}

class DamagedStateFile : public ::testing::TestWithParam<Damage> {};

TEST_P(DamagedStateFile, IsRefusedNamingTheProblem) {
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(GetParam().text, "state.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(parsed.status().message()),
      ::testing::StartsWith(absl::StrCat("state.yaml:", GetParam().problem)));
}

// A valid file to damage: line 4 is "  - name: default", line 5 its ids,
// line 6 "    state: |" and its scenario text starts on line 7, indented 6.
const std::string kValid = absl::StrCat(
    "# customer-fake state\nformat: customer-fake-state\nversion: 1\n"
    "namespaces:\n  - name: default\n    ids: {seed: 5, drawn: 1}\n"
    "    state: |\n      version: 1\n      customers:\n"
    "        - id: 7ba438cc-4724-4be1-8c59-f82558f4fde8\n"
    "          given_name: Ada\n          family_name: Tester\n"
    "          email_address: ada@example.com\n"
    "          language_code: de\n"
    "          phone_number: \"+4997259173740\"\n");

std::string Replace(absl::string_view from, absl::string_view to) {
  return absl::StrReplaceAll(kValid, {{from, to}});
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DamagedStateFile,
    ::testing::Values(
        Damage{"Empty", "", "1:1: (document): the file is empty"},
        // Cut after the ids line: the namespace has lost its state.
        Damage{"Truncated", kValid.substr(0, kValid.find("    state:")),
               "5:5: namespaces[0].state: missing"},
        Damage{"NotYaml", "format: [customer-fake-state\n",
               "2:1: (document): not valid YAML: did not find expected ',' "
               "or ']' (while parsing a flow sequence at line 1, column 9)"},
        Damage{"AScenarioNotAState", "version: 1\ncustomers: []\n",
               "1:1: format: missing\nstate.yaml:1:1: namespaces: "
               "missing\nstate.yaml:2:1: customers: unknown key; expected one "
               "of: format, version, fake_version, resumed, namespaces, "
               "tokens"},
        Damage{"WrongFormat",
               Replace("format: customer-fake-state", "format: something-else"),
               "2:9: format: \"something-else\" is not "
               "\"customer-fake-state\": not a customer-fake state file"},
        Damage{"FutureVersion",
               Replace("version: 1\nnamespaces", "version: 2\nnamespaces"),
               "3:10: version: must be between 1 and 1, got 2"},
        Damage{"TokenWithoutExpiry",
               absl::StrCat(kValid, "tokens:\n  - {token: abc}\n"),
               "17:5: tokens[0].expires: missing"},
        Damage{"TokenExpiryNotATime",
               absl::StrCat(kValid,
                            "tokens:\n  - {token: abc, expires: tomorrow}\n"),
               "17:27: tokens[0].expires: \"tomorrow\" is not an RFC 3339 "
               "time, like 2027-01-15T08:00:00+00:00"},
        Damage{"BadName", Replace("name: default", "name: no/slash"),
               "5:11: namespaces[0].name: \"no/slash\" is not a namespace "
               "name (1-64 of A-Z a-z 0-9 . _ -)"},
        Damage{"MissingIds", Replace("    ids: {seed: 5, drawn: 1}\n", ""),
               "5:5: namespaces[0].ids: missing"},
        Damage{"DrawnTooMany", Replace("drawn: 1}", "drawn: 100000001}"),
               "6:27: namespaces[0].ids.drawn: must be between 0 and "
               "100000000, got 100000001"},
        Damage{"NegativeSeed", Replace("seed: 5", "seed: -5"),
               "6:17: namespaces[0].ids.seed: must be an integer from 0 to "
               "18446744073709551615"},
        Damage{"NoVersionWroteIt",
               Replace("version: 1\nnamespaces",
                       "version: 1\nfake_version: soon\nnamespaces"),
               "4:15: fake_version: \"soon\" is not a version like 1.0.0"},
        // Inside the scenario text: line 13 of the file, column 26.
        Damage{"BadCustomerInState", Replace("ada@example.com", "not-an-email"),
               "13:26: namespaces[0].state.customers[0].email_address: "
               "INVALID_EMAIL_ADDRESS"}));

// The restore hands its text over to be freed before the scenarios in it
// are parsed; their problems still point at their lines of the file.
TEST(StateFile, ParsingATextItOwnsFreesItAndFindsTheSameProblems) {
  const std::string damaged =
      Replace("ada@example.com", "not-an-email") + "tokens: {}\n";
  absl::StatusOr<std::vector<SavedNamespace>> viewed =
      ParseState(absl::string_view(damaged), "state.yaml");
  std::string owned = damaged;
  absl::StatusOr<std::vector<SavedNamespace>> freed =
      ParseState(std::move(owned), "state.yaml");
  EXPECT_TRUE(owned.empty());  // NOLINT(bugprone-use-after-move): the contract
  ASSERT_FALSE(freed.ok());
  EXPECT_EQ(freed.status(), viewed.status());
  EXPECT_EQ(std::string(freed.status().message()),
            "state.yaml:13:26: namespaces[0].state.customers[0]."
            "email_address: INVALID_EMAIL_ADDRESS: email_address is not a "
            "plausible address: missing '@'\n"
            "state.yaml:16:9: tokens: must be a list, got a mapping");
}

TEST(StateFile, RecordsTheVersionThatWroteIt) {
  EXPECT_THAT(
      WriteState({}),
      HasSubstr(absl::StrCat("\nfake_version: ", model::FakeVersion(), "\n")));
}

TEST(StateFile, ReadsFilesWithoutAVersionAndOfOlderVersions) {
  EXPECT_TRUE(ParseState(kValid, "state.yaml").ok());  // before 1.0.0
  absl::StatusOr<std::vector<SavedNamespace>> older =
      ParseState(Replace("version: 1\nnamespaces",
                         "version: 1\nfake_version: 0.1.0\nnamespaces"),
                 "state.yaml");
  ASSERT_TRUE(older.ok()) << older.status();
  EXPECT_THAT(*older, SizeIs(1));
}

TEST(StateFile, ANewerVersionsFileIsRefusedNamingBothVersions) {
  model::Version self = *model::ParseVersion(model::FakeVersion());
  const std::string newer = absl::StrCat(self.major, ".", self.minor + 1, ".0");
  // With a key this version does not know: the version is what is reported.
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(Replace("version: 1\nnamespaces",
                         absl::StrCat("version: 1\nfake_version: ", newer,
                                      "\nsomething_new: true\nnamespaces")),
                 "/state/state.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(parsed.status().message(),
            absl::StrCat("/state/state.yaml: written by customer-fake ", newer,
                         ", newer than this customer-fake ",
                         model::FakeVersion(), "; run customer-fake ", newer,
                         " or later, or move the file away to start from the "
                         "scenario"));
}

TEST(StateFile, ADuplicateNamespaceIsRefused) {
  std::string text = WriteState(TwoNamespaces());
  text = absl::StrReplaceAll(text, {{"name: team-b.run_1", "name: default"}});
  absl::StatusOr<std::vector<SavedNamespace>> parsed =
      ParseState(text, "state.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("namespaces[1].name: namespace \"default\" appears "
                        "twice"));
}

}  // namespace
}  // namespace customerfake::scenario
