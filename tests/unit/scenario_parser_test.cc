// Unit tests of the scenario parser (no gRPC): every kind of bad file is
// refused with the exact position, key path and message of its problem; the
// shipped scenarios parse; WriteScenario's output reads back to the same
// scenario.
#include "fake/scenario/scenario_parser.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fake/errors/errors.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/scenario/yaml_reader.h"
#include "fake/scenario/yaml_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kId[] = "7ba438cc-4724-4be1-8c59-f82558f4fde8";

// A valid `customers:` item of four lines: given_name (value at column 17),
// email_address (column 20), language_code (column 20), phone_number
// (column 19); `tail` adds lines after them (an `id:` value is at column 9).
std::string Person(absl::string_view given = "Test",
                   absl::string_view email = "t@example.com",
                   absl::string_view language = "en",
                   absl::string_view phone = "\"+4997259173740\"",
                   absl::string_view tail = "") {
  return absl::StrCat("  - given_name: ", given, "\n    email_address: ", email,
                      "\n    language_code: ", language,
                      "\n    phone_number: ", phone, "\n", tail);
}

std::string IdLine(absl::string_view id) {
  return absl::StrCat("    id: ", id, "\n");
}

// A `faults:` list with one rule whose lines follow `  - method: GetCustomer`.
std::string Rule(absl::string_view lines) {
  return absl::StrCat("faults:\n  - method: GetCustomer\n", lines);
}

struct BadCase {
  std::string name;
  std::string yaml;
  int line;
  int column;
  std::string key;
  std::string message;  // a distinctive part
};

std::ostream& operator<<(std::ostream& out, const BadCase& c) {
  return out << c.name;
}

std::vector<BadCase> BadCases() {
  const std::string long_name(101, 'a');
  return {
      {"UnknownTopLevelKey", "version: 1\ncolour: red\n", 2, 1, "colour",
       "unknown key; expected one of: version, settings"},
      {"UnknownSettingsKey", "settings:\n  id_seed: 1\n  colour: red\n", 3, 3,
       "settings.colour", "unknown key"},
      {"UnknownCustomerKey",
       absl::StrCat("customers:\n",
                    Person("Test", "t@example.com", "en", "\"+4997259173740\"",
                           "    nickname: T\n")),
       6, 5, "customers[0].nickname", "unknown key"},
      {"MisspelledKeyGetsAHint",
       absl::StrCat("customers:\n",
                    Person("Test", "t@example.com", "en", "\"+4997259173740\"",
                           "    famly_name: T\n")),
       6, 5, "customers[0].famly_name",
       "unknown key (did you mean family_name?); expected one of: id, "
       "given_name, family_name"},
      {"StringForInt", "settings:\n  id_seed: lots\n", 2, 12,
       "settings.id_seed", "must be an integer, got \"lots\""},
      {"ListForMap", "settings: [a, b]\n", 1, 11, "settings",
       "must be a mapping, got a list"},
      {"MapForString", "settings:\n  error_domain: {a: b}\n", 2, 17,
       "settings.error_domain", "must be a string, got a mapping"},
      {"Version2", "version: 2\n", 1, 10, "version",
       "must be between 1 and 1, got 2"},
      {"PageSizeDefaultAboveMax",
       "settings:\n  page_size: {default: 100, max: 10}\n", 2, 14,
       "settings.page_size", "default (100) must not exceed max (10)"},
      {"PageSizeDefaultZero", "settings:\n  page_size: {default: 0}\n", 2, 24,
       "settings.page_size.default", "must be between 1 and 1048576, got 0"},
      {"AuthModeUnknown", "settings:\n  auth:\n    mode: sometimes\n", 3, 11,
       "settings.auth.mode", "\"sometimes\" is not a mode"},
      {"TokensModeWithoutTokens", "settings:\n  auth:\n    mode: tokens\n", 3,
       5, "settings.auth.tokens", "mode tokens needs at least one token"},
      {"IdSeedNegative", "settings:\n  id_seed: -1\n", 2, 12,
       "settings.id_seed", "got -1"},
      {"BadSettingsLanguage", "settings:\n  languages: [de, xx]\n", 2, 19,
       "settings.languages[1]", "\"xx\" is not an ISO 639-1 code"},
      {"InvalidName", absl::StrCat("customers:\n", Person("\"\"")), 2, 17,
       "customers[0].given_name", "INVALID_NAME: "},
      {"InvalidEmail",
       absl::StrCat("customers:\n", Person("Test", "not-an-email")), 3, 20,
       "customers[0].email_address",
       "INVALID_EMAIL_ADDRESS: email_address is not a plausible address: "
       "missing '@'"},
      {"InvalidPhone",
       absl::StrCat("customers:\n",
                    Person("Test", "t@example.com", "en", "\"040123456\"")),
       5, 19, "customers[0].phone_number",
       "INVALID_PHONE_NUMBER: phone_number must start with '+'"},
      {"InvalidLanguage",
       absl::StrCat("customers:\n", Person("Test", "t@example.com", "xx")), 4,
       20, "customers[0].language_code",
       "INVALID_LANGUAGE_CODE: language_code \"xx\""},
      {"GivenName101Chars", absl::StrCat("customers:\n", Person(long_name)), 2,
       17, "customers[0].given_name",
       "INVALID_GIVEN_NAME: given_name has 101 characters"},
      {"IdNotUuid",
       absl::StrCat("customers:\n",
                    Person("Test", "t@example.com", "en", "\"+4997259173740\"",
                           IdLine("customer-1"))),
       6, 9, "customers[0].id", "\"customer-1\" is not a UUID"},
      {"DuplicateCustomerIds",
       absl::StrCat("customers:\n",
                    Person("A", "a@example.com", "en", "\"+4997259173740\"",
                           IdLine(kId)),
                    Person("B", "b@example.com", "en", "\"+4997259173741\"",
                           IdLine(kId))),
       11, 9, "customers[1].id", "duplicate id: customers[0] has it too"},
      {"CustomerFlagNotKnown",
       absl::StrCat("flags:\n  known: [A]\ncustomers:\n",
                    Person("Test", "t@example.com", "en", "\"+4997259173740\"",
                           "    flags: [A, B]\n")),
       8, 16, "customers[0].flags[1]",
       "flag \"B\" is not among the scenario's known flags"},
      {"ReadOnlyFlagNotKnown", "flags:\n  known: [A]\n  read_only: [B]\n", 3,
       15, "flags.read_only[0]", "\"B\" is not in flags.known"},
      {"FlagWithSpace", "flags:\n  known: [\"A B\"]\n", 2, 11, "flags.known[0]",
       "flag \"A B\" contains whitespace"},
      {"FaultUnknownMethod",
       "faults:\n  - method: Fly\n    action: {code: UNAVAILABLE}\n", 2, 13,
       "faults[0].method", "\"Fly\" is not a CustomerService method"},
      {"FaultBadCodeName", Rule("    action: {code: BROKEN}\n"), 3, 20,
       "faults[0].action.code", "\"BROKEN\" is not a gRPC code"},
      {"FaultProbabilityAboveOne",
       Rule("    probability: 1.5\n    action: {code: UNAVAILABLE}\n"), 3, 18,
       "faults[0].probability", "must be between 0 and 1, got 1.5"},
      {"FaultProbabilityNan",
       Rule("    probability: .nan\n    action: {code: UNAVAILABLE}\n"), 3, 18,
       "faults[0].probability", "must be a finite number, got \".nan\""},
      {"FaultNegativeDelay",
       Rule("    action:\n      code: OK\n      delay: -1s\n"), 5, 14,
       "faults[0].action.delay", "must not be negative, got -1s"},
      {"FaultBadDuration",
       Rule("    action:\n      code: UNAVAILABLE\n      retry_delay: soon\n"),
       5, 20, "faults[0].action.retry_delay",
       "must be a duration like 200ms or 1.5s, got \"soon\""},
      {"FaultMatchRequestUnknownField",
       Rule("    match_request:\n      email_address: x@example.com\n"
            "    action: {code: NOT_FOUND}\n"),
       4, 22, "faults[0].match_request.email_address",
       "moia.trip.customer.v1.GetCustomerRequest has no field "
       "\"email_address\""},
      {"FaultActionAndSequence",
       Rule("    action: {code: UNAVAILABLE}\n    sequence: [{code: OK}]\n"), 4,
       15, "faults[0].sequence",
       "a rule needs exactly one of action and sequence"},
      {"FaultResponseWithError",
       Rule("    action:\n      code: UNAVAILABLE\n      response: {}\n"), 5,
       17, "faults[0].action.response", "needs code OK"},
      {"FaultResponseOnAnyMethod",
       "faults:\n  - method: \"*\"\n    action:\n      code: OK\n"
       "      response: {}\n",
       5, 17, "faults[0].action.response", "needs a single method, not \"*\""},
      {"FaultServeFirstNotBool", Rule("    action: {serve_first: maybe}\n"), 3,
       27, "faults[0].action.serve_first", "must be true or false"},
      {"FaultResetStreamNotBool", Rule("    action: {reset_stream: 1}\n"), 3,
       28, "faults[0].action.reset_stream", "must be true or false"},
      {"FaultCloseConnectionNotBool",
       Rule("    action: {close_connection: [x]}\n"), 3, 32,
       "faults[0].action.close_connection", "must be true or false"},
      {"FaultResetAndClose",
       Rule("    action: {reset_stream: true, close_connection: true}\n"), 3,
       52, "faults[0].action.close_connection",
       "cannot be combined with reset_stream"},
      {"FaultResetWithCode",
       Rule("    action: {code: UNAVAILABLE, reset_stream: true}\n"), 3, 47,
       "faults[0].action.reset_stream", "cannot be combined with a code"},
      {"FaultServeFirstWithHang",
       Rule("    action: {serve_first: true, hang: true}\n"), 3, 27,
       "faults[0].action.serve_first", "cannot be combined with hang"},
      {"FaultServeFirstWithResponse",
       Rule("    action:\n      serve_first: true\n      response: {}\n"), 4,
       20, "faults[0].action.serve_first", "cannot be combined with response"},
      {"DuplicateFaultIds",
       "faults:\n  - id: a\n    method: GetCustomer\n    action: {code: OK}\n"
       "  - id: a\n    method: GetCustomer\n    action: {code: OK}\n",
       5, 9, "faults[1].id", "duplicate id: faults[0] has it too"},
      {"YamlSyntaxError", "version: 1\nsettings: {id_seed: 1\n", 3, 1, "",
       "not valid YAML: did not find expected ',' or '}' (while parsing a "
       "flow mapping at line 2, column 11)"},
      // Found by fuzzing: an alias inside its own anchor made a cycle that
      // the response's JSON conversion followed until the stack overflowed.
      // A cycle expands without end, so it is over any budget.
      {"AliasCycleInResponse",
       Rule("    action:\n      code: OK\n"
            "      response: &r {customer: [*r]}\n"),
       1, 1, "", "with its aliases expanded, the document is larger than"},
      // Found by fuzzing: bytes that are not UTF-8 were taken, and came back
      // changed from ExportState (and unreadable to clients' protobuf). The
      // whole document is checked before it is parsed.
      {"FlagNotUtf8",
       "flags:\n  known: [A, WHEEL\x87\x87"
       "CHAIR]\n",
       2, 19, "", "(0x87) is not valid UTF-8"},
      {"ErrorMetadataKeyNotUtf8",
       Rule("    action:\n      code: UNAVAILABLE\n"
            "      error_metadata: {\xff: v}\n"),
       5, 24, "", "(0xff) is not valid UTF-8"},
      {"MaxCustomersExceeded",
       absl::StrCat("settings:\n  max_customers: 1\ncustomers:\n",
                    Person("A", "a@example.com"), Person("B", "b@example.com")),
       4, 3, "customers", "2 customers exceed settings.max_customers (1)"},
  };
}

class BadScenarioTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenarioTest, ReportsTheProblemWhereItIs) {
  const BadCase& c = GetParam();
  std::vector<Problem> problems;
  absl::StatusOr<model::Scenario> parsed =
      ParseScenario(c.yaml, "bad.yaml", &problems);
  ASSERT_FALSE(parsed.ok()) << c.yaml;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(errors::ReasonOf(parsed.status()), "INVALID_SCENARIO");
  ASSERT_THAT(problems, SizeIs(1)) << parsed.status().message();
  EXPECT_EQ(problems[0].line, c.line) << c.yaml;
  EXPECT_EQ(problems[0].column, c.column) << c.yaml;
  EXPECT_EQ(problems[0].key, c.key);
  EXPECT_THAT(problems[0].message, HasSubstr(c.message));
  EXPECT_EQ(std::string(parsed.status().message()),
            absl::StrCat("bad.yaml:", c.line, ":", c.column, ": ",
                         c.key.empty() ? "(document)" : c.key, ": ",
                         problems[0].message));
}

INSTANTIATE_TEST_SUITE_P(Rows, BadScenarioTest, ::testing::ValuesIn(BadCases()),
                         [](const ::testing::TestParamInfo<BadCase>& param) {
                           return param.param.name;
                         });

TEST(ScenarioParserTest, ReportsEveryProblemInLineOrder) {
  // Read in the order settings, customers, faults; reported by position.
  const std::string yaml = absl::StrCat(
      "faults:\n  - method: Fly\n    action: {code: OK}\ncustomers:\n",
      Person("Test", "bad"), "settings:\n  id_seed: x\ncolour: red\n");
  std::vector<Problem> problems;
  absl::StatusOr<model::Scenario> parsed =
      ParseScenario(yaml, "several.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(errors::ReasonOf(parsed.status()), "INVALID_SCENARIO");
  std::vector<std::string> where;
  for (const Problem& p : problems) {
    where.push_back(absl::StrCat(p.line, ":", p.column, " ", p.key));
  }
  EXPECT_THAT(where, ElementsAre("2:13 faults[0].method",
                                 "6:20 customers[0].email_address",
                                 "10:12 settings.id_seed", "11:1 colour"));
  const std::string message(parsed.status().message());
  EXPECT_THAT(message, HasSubstr("several.yaml:2:13: faults[0].method: "));
  EXPECT_THAT(message, HasSubstr("\nseveral.yaml:11:1: colour: unknown key"));
}

TEST(ScenarioParserTest, AliasesWithinTheBudgetParse) {
  absl::StatusOr<model::Scenario> parsed = ParseScenario(
      "flags:\n  known: &k [A, B]\n  read_only: *k\n", "alias.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->settings.read_only_flags, ElementsAre("A", "B"));
}

TEST(ScenarioParserTest, AnchorsWithoutAliasesParse) {
  absl::StatusOr<model::Scenario> parsed = ParseScenario(
      "settings:\n  id_seed: &seed 7\n  error_domain: \"*\"\n", "anchor.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->settings.id_seed, 7u);
  EXPECT_EQ(parsed->settings.error_domain, "*");
}

// Ten lines whose response stands for 10^9 strings once aliases are read:
// refused once the expansion passes the budget, before anything is read.
TEST(ScenarioParserTest, FaultRuleWhoseAliasesExpandTooFarIsRefused) {
  std::string yaml =
      "method: ListCustomerFlags\naction:\n  code: OK\n  response:\n"
      "    a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    const char below = level - 1;
    absl::StrAppend(&yaml, "    ", std::string(1, level), ": &",
                    std::string(1, level), " [");
    for (int i = 0; i < 10; ++i) {
      absl::StrAppend(&yaml, i > 0 ? ", " : "", "*", std::string(1, below));
    }
    absl::StrAppend(&yaml, "]\n");
  }
  absl::StatusOr<model::FaultRule> rule = ParseFaultRule(yaml, "rule");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(errors::ReasonOf(rule.status()), "INVALID_FAULT_RULE");
  EXPECT_THAT(std::string(rule.status().message()),
              ::testing::StartsWith(
                  "rule:1:1: (document): with its aliases expanded, the "
                  "document is larger than"));
}

TEST(ScenarioParserTest, EveryShippedScenarioParses) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(CUSTOMER_FAKE_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    absl::StatusOr<model::Scenario> parsed =
        LoadScenarioFile(entry.path().string());
    EXPECT_TRUE(parsed.ok()) << entry.path() << ": " << parsed.status();
  }
  EXPECT_GE(files, 4);
}

model::FaultAction Action(absl::StatusCode code, absl::string_view message) {
  model::FaultAction action;
  action.code = code;
  action.message = std::string(message);
  return action;
}

// A scenario that uses every field the format has.
model::Scenario RichScenario() {
  model::Scenario s;
  model::Settings& settings = s.settings;
  settings.default_page_size = 7;
  settings.max_page_size = 70;
  settings.auth_mode = model::AuthMode::kTokens;
  settings.tokens = {"tok-1", "tok-2"};
  settings.id_seed = 42;
  settings.fault_seed = 7;
  settings.error_domain = "example.test";
  settings.languages = {"de", "en"};
  settings.max_customers = 500;
  settings.known_flags = {"STAFF", "VIP", "WHEELCHAIR"};
  settings.read_only_flags = {"STAFF"};

  model::CustomerRecord erika{
      kId,
      {"erika@example.de", "Mustermann", "Erika", "de", "+4915100000001"},
      {"STAFF", "VIP"}};
  model::CustomerRecord john{
      "d23f0824-128b-4f33-8c5c-7fd0a6a3a450",
      {"john@example.com", "Doe", "John: \"Jr.\"", "en", "+4915100000002"},
      {}};
  s.customers = {erika, john};

  model::FaultRule full;
  full.id = "full";
  full.method = "/moia.trip.customer.v1.CustomerService/GetCustomer";
  full.match_metadata = {{"x-client", "app"}};
  full.match_request = {{"id", kId}};
  full.skip = 1;
  full.times = 3;
  full.probability = 0.25;
  full.action = Action(absl::StatusCode::kUnavailable, "try: later");
  full.action->reason = "BACKEND_DOWN";
  full.action->error_metadata = {{"region", "eu-1"}, {"zone", "b"}};
  full.action->retry_delay = absl::Milliseconds(250);
  full.action->delay = absl::Milliseconds(1500);

  model::FaultRule sequence;
  sequence.id = "sequence";
  sequence.method = "CreateCustomer";
  sequence.match_request = {{"email_address", "slow@example.com"}};
  sequence.sequence = {Action(absl::StatusCode::kUnavailable, "first"),
                       Action(absl::StatusCode::kOk, ""),
                       Action(absl::StatusCode::kDeadlineExceeded, "")};
  sequence.sequence[1].delay = absl::Seconds(2);
  sequence.sequence[2].hang = true;

  model::FaultRule canned;
  canned.id = "canned";
  canned.method = "GetCustomer";
  canned.action = Action(absl::StatusCode::kOk, "");
  canned.action->response_json = absl::StrCat(
      R"({"customer":{"id":")", kId,
      R"(","given_name":"Test","phone_number":"+4997259173740"}})");
  s.faults = {full, sequence, canned};
  return s;
}

TEST(ScenarioParserTest, WrittenScenarioReadsBackToTheSame) {
  const model::Scenario scenario = RichScenario();
  const std::string written = WriteScenario(scenario);
  absl::StatusOr<model::Scenario> parsed = ParseScenario(written, "written");
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << written;
  EXPECT_EQ(WriteScenario(*parsed), written);
  EXPECT_TRUE(parsed->customers == scenario.customers);
  const model::Settings& settings = parsed->settings;
  EXPECT_EQ(settings.tokens, scenario.settings.tokens);
  EXPECT_EQ(settings.id_seed, 42u);
  EXPECT_EQ(settings.fault_seed, 7u);
  EXPECT_EQ(settings.languages, scenario.settings.languages);
  EXPECT_EQ(settings.known_flags, scenario.settings.known_flags);
  EXPECT_EQ(settings.read_only_flags, scenario.settings.read_only_flags);
  ASSERT_THAT(parsed->faults, SizeIs(3));
  const model::FaultRule& full = parsed->faults[0];
  EXPECT_EQ(full.probability, 0.25);
  EXPECT_EQ(full.skip, 1u);
  EXPECT_EQ(full.times, 3u);
  EXPECT_EQ(full.match_metadata, scenario.faults[0].match_metadata);
  EXPECT_EQ(full.match_request, scenario.faults[0].match_request);
  ASSERT_TRUE(full.action.has_value());
  EXPECT_EQ(full.action->message, "try: later");
  EXPECT_EQ(full.action->error_metadata,
            scenario.faults[0].action->error_metadata);
  EXPECT_EQ(full.action->retry_delay, absl::Milliseconds(250));
  EXPECT_EQ(full.action->delay, absl::Milliseconds(1500));
  ASSERT_THAT(parsed->faults[1].sequence, SizeIs(3));
  EXPECT_EQ(parsed->faults[1].sequence[1].delay, absl::Seconds(2));
  EXPECT_TRUE(parsed->faults[1].sequence[2].hang);
  EXPECT_EQ(parsed->faults[2].action->response_json,
            scenario.faults[2].action->response_json);
}

// `yaml`, a scenario whose first fault rule has a canned response, reads to
// the response JSON `expected`; written and read again, it still does, and
// writing that gives the same text.
void ExpectResponseWritesBack(const std::string& yaml,
                              const std::string& expected) {
  absl::StatusOr<model::Scenario> parsed = ParseScenario(yaml, "canned.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->faults[0].action->response_json, expected);

  const std::string written = WriteScenario(*parsed);
  absl::StatusOr<model::Scenario> again = ParseScenario(written, "written");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << written;
  EXPECT_EQ(again->faults[0].action->response_json, expected) << written;
  EXPECT_EQ(WriteScenario(*again), written);
}

// Found by fuzz_fault_rule's round trip: strings of a canned response that
// look like numbers, booleans or null were written plain, so they read back
// as those (refused for a string field, or silently dropped as null).
TEST(ScenarioParserTest, WrittenResponseKeepsStringsThatLookLikeOtherTypes) {
  ExpectResponseWritesBack(
      "faults:\n  - method: GetCustomer\n    action:\n      code: OK\n"
      "      response:\n        customer: {id: \"123\", given_name: \"null\","
      " family_name: \"true\", phone_number: \"-3740\","
      " email_address: \"1e5\"}\n",
      R"({"customer":{"id":"123","given_name":"null","family_name":"true",)"
      R"("phone_number":"-3740","email_address":"1e5"}})");
}

// Found by fuzz_fault_rule's round trip: JSON may hold DEL, the C1 controls
// and U+2028 raw, but YAML may not (libyaml refuses them, or reads NEL and
// U+2028 as line breaks), and the writer reads the response's JSON as YAML.
// Escaped in the JSON; é, which YAML holds raw, is not.
TEST(ScenarioParserTest, WrittenResponseKeepsCharactersYamlCannotHoldRaw) {
  ExpectResponseWritesBack(
      "faults:\n  - method: ListCustomerFlags\n    action:\n      code: OK\n"
      "      response:\n        flags: [\"A\\x7FB\", \"C\\x85D\", "
      "\"E\\u2028F\", \"\\uFEFFG\", \"H\\x9FI\", \"J\\u00e9K\"]\n",
      R"({"flags":["A\u007fB","C\u0085D","E\u2028F","\ufeffG","H\u009fI",)"
      "\"J\xC3\xA9K\"]}");
}

TEST(ScenarioParserTest, EveryProblemOfACustomerIsReportedAtItsField) {
  // A bad email, language and phone at once, and a misspelled key beside a
  // bad email in the next entry: each at its own line and column.
  const std::string yaml = absl::StrCat(
      "customers:\n", Person("Ann", "not-an-email", "xx", "\"12345\""),
      Person("Bob", "bad", "en", "\"+4997259173740\"", "    famly_name: T\n"));
  std::vector<Problem> problems;
  ASSERT_FALSE(ParseScenario(yaml, "every.yaml", &problems).ok());
  std::vector<std::string> where;
  for (const Problem& problem : problems) {
    where.push_back(
        absl::StrCat(problem.line, ":", problem.column, " ", problem.key, " ",
                     problem.message.substr(0, problem.message.find(':'))));
  }
  EXPECT_THAT(where,
              ::testing::ElementsAre(
                  "3:20 customers[0].email_address INVALID_EMAIL_ADDRESS",
                  "4:20 customers[0].language_code INVALID_LANGUAGE_CODE",
                  "5:19 customers[0].phone_number INVALID_PHONE_NUMBER",
                  "7:20 customers[1].email_address INVALID_EMAIL_ADDRESS",
                  "10:5 customers[1].famly_name unknown key (did you mean "
                  "family_name?); expected one of"));
}

TEST(ScenarioParserTest, OneProblemPastTheListIsOneMoreProblem) {
  // kMaxProblems + 1 bad emails: the last one is counted, in the singular.
  std::string yaml = "version: 1\ncustomers:\n";
  for (size_t i = 0; i <= kMaxProblems; ++i) {
    absl::StrAppend(&yaml,
                    "  - {given_name: A, family_name: B, email_address: x, "
                    "language_code: en, phone_number: \"+4997259173740\"}\n");
  }
  std::vector<Problem> problems;
  absl::StatusOr<model::Scenario> parsed =
      ParseScenario(yaml, "many.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  ASSERT_EQ(problems.size(), kMaxProblems + 1);
  EXPECT_EQ(problems.back().message, "and 1 more problem");
  EXPECT_THAT(std::string(parsed.status().message()),
              ::testing::EndsWith("more problems (customer-fake validate "
                                  "lists up to 1000)"));
}

// Customers are read item by item while the YAML is parsed (ItemSink); the
// tests below pin what that must not change.

TEST(ScenarioParserTest, CustomersOverTheLimitReportOnlyTheirCount) {
  // The first customer's bad email is not reported: a list over the limit is
  // refused as a whole, whether counted before reading or while streaming.
  const std::string yaml = absl::StrCat(
      "settings:\n  max_customers: 2\ncustomers:\n", Person("A", "bad"),
      Person("B", "b@example.com"), Person("C", "c@example.com"));
  std::vector<Problem> problems;
  absl::StatusOr<model::Scenario> parsed =
      ParseScenario(yaml, "over.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(std::string(parsed.status().message()),
            "over.yaml:4:3: customers: 3 customers exceed "
            "settings.max_customers (2)");
  EXPECT_THAT(problems, SizeIs(1));
}

TEST(ScenarioParserTest, SettingsAfterTheCustomersStillGovernThem) {
  // languages, flags.known and max_customers written below the customers.
  const std::string flagged = Person(
      "A", "a@example.com", "en", "\"+4997259173740\"", "    flags: [VIP]\n");
  absl::StatusOr<model::Scenario> parsed = ParseScenario(
      absl::StrCat("customers:\n", flagged,
                   "flags:\n  known: [VIP]\nsettings:\n  max_customers: 1\n"),
      "late.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_THAT(parsed->customers, SizeIs(1));
  EXPECT_THAT(parsed->customers[0].flags, ElementsAre("VIP"));
  EXPECT_EQ(parsed->settings.max_customers, 1);

  std::vector<Problem> problems;
  parsed = ParseScenario(
      absl::StrCat("customers:\n", flagged, Person("B", "b@example.com", "fr"),
                   "flags:\n  known: [STAFF]\nsettings:\n  languages: [en]\n"
                   "  max_customers: 1\n"),
      "late.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  std::vector<std::string> where;
  for (const Problem& p : problems) {
    where.push_back(absl::StrCat(p.line, ":", p.column, " ", p.key));
  }
  // Over the limit: the list is refused as a whole, its items unread.
  EXPECT_THAT(where, ElementsAre("2:3 customers"));
  EXPECT_THAT(problems[0].message,
              HasSubstr("2 customers exceed settings.max_customers (1)"));

  parsed = ParseScenario(
      absl::StrCat("customers:\n", flagged, Person("B", "b@example.com", "fr"),
                   "flags:\n  known: [STAFF]\nsettings:\n  languages: [en]\n"),
      "late.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  where.clear();
  for (const Problem& p : problems) {
    where.push_back(absl::StrCat(p.line, ":", p.column, " ", p.key));
  }
  EXPECT_THAT(where, ElementsAre("6:13 customers[0].flags[0]",
                                 "9:20 customers[1].language_code"));
}

TEST(ScenarioParserTest, AnchorInOneCustomerServesALaterOne) {
  absl::StatusOr<model::Scenario> parsed = ParseScenario(
      "flags:\n  known: [VIP, STAFF]\ncustomers:\n"
      "  - {given_name: &n Ann, email_address: a@example.com, "
      "language_code: &l en, phone_number: &p \"+4997259173740\", "
      "flags: &f [VIP, STAFF]}\n"
      "  - {given_name: Bo, email_address: b@example.com, language_code: *l, "
      "phone_number: *p}\n"
      "  - {given_name: *n, email_address: c@example.com, language_code: *l, "
      "phone_number: *p, flags: *f}\n",
      "anchors.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_THAT(parsed->customers, SizeIs(3));
  EXPECT_EQ(parsed->customers[2].fields.given_name, "Ann");
  EXPECT_THAT(parsed->customers[2].flags, ElementsAre("STAFF", "VIP"));
  EXPECT_EQ(parsed->customers[1].fields.given_name, "Bo");
  EXPECT_TRUE(parsed->customers[1].flags.empty());
}

TEST(ScenarioParserTest, CustomerWhoseAliasesExpandTooFarIsRefused) {
  // The first customer anchors ten nested lists of ten, the second uses the
  // top one: 10^10 strings, refused when the second item is read.
  std::string yaml = "customers:\n  - given_name: A\n    x0: &a0 [x";
  for (int i = 1; i < 10; ++i) absl::StrAppend(&yaml, ", x");
  absl::StrAppend(&yaml, "]\n");
  for (int level = 1; level < 10; ++level) {
    absl::StrAppend(&yaml, "    x", level, ": &a", level, " [");
    for (int i = 0; i < 10; ++i) {
      absl::StrAppend(&yaml, i > 0 ? ", " : "", "*a", level - 1);
    }
    absl::StrAppend(&yaml, "]\n");
  }
  absl::StrAppend(&yaml, "  - flags: *a9\n");
  std::vector<Problem> problems;
  absl::StatusOr<model::Scenario> parsed =
      ParseScenario(yaml, "laughs.yaml", &problems);
  ASSERT_FALSE(parsed.ok());
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_THAT(problems[0].message,
              ::testing::StartsWith("with its aliases expanded, the document "
                                    "is larger than 67108864 bytes"));
}

TEST(YamlItemSinkTest, TakesEachItemOnceAndLeavesTheSequenceEmpty) {
  struct Sink : yaml::ItemSink {
    void Start(
        const yaml::Node& sequence,
        const std::vector<std::pair<yaml::Node, yaml::Node>>& before) override {
      start_line = sequence.line();
      for (const auto& [key, value] : before) {
        keys.emplace_back(key.Scalar());
      }
    }
    void Item(const yaml::Node& item, size_t index) override {
      items.push_back(absl::StrCat(
          index, ":", item.IsScalar() ? item.Scalar() : item["n"].Scalar()));
    }
    int start_line = -1;
    std::vector<std::string> keys;
    std::vector<std::string> items;
  };
  Sink sink;
  yaml::SyntaxError error;
  const std::unique_ptr<yaml::Document> document = yaml::Document::Parse(
      "a: 1\nb: {c: 2}\nlist:\n  - &one one\n  - {n: two}\n  - *one\n"
      "after: [3]\nlist: [again]\n",
      &error, "list", &sink);
  ASSERT_NE(document, nullptr) << error.message;
  EXPECT_EQ(sink.start_line, 3);
  EXPECT_THAT(sink.keys, ElementsAre("a", "b"));
  EXPECT_THAT(sink.items, ElementsAre("0:one", "1:two", "2:one"));
  const yaml::Node root = document->root();
  EXPECT_TRUE(root["list"].IsSequence());
  EXPECT_EQ(root["list"].size(), 0u);
  EXPECT_EQ(root["b"]["c"].Scalar(), "2");
  EXPECT_EQ(root["after"][size_t{0}].Scalar(), "3");
  // Only the first key of that name is streamed.
  EXPECT_EQ(root.Value(4)[size_t{0}].Scalar(), "again");
}

// Scalars of 1 MiB or more keep libyaml's buffer instead of a copy in the
// document's text: they read the same, beside small ones, through an alias,
// and as items of a streamed sequence, where each item's buffer is dropped
// after it.
TEST(YamlLargeScalarTest, ReadsTheSameAsASmallOne) {
  const std::string big(1 << 20, 'b');
  const std::string bigger = std::string((1 << 20) + 7, 'c') + "\n";
  const std::string below((1 << 20) - 1, 'd');
  std::string text = "small: 1\nbig: &big " + big + "\nbelow: " + below +
                     "\nblock: |\n  " + bigger + "again: *big\nlast: 2\n";
  yaml::SyntaxError error;
  std::unique_ptr<yaml::Document> document =
      yaml::Document::Parse(text, &error);
  ASSERT_NE(document, nullptr) << error.message;
  const yaml::Node root = document->root();
  EXPECT_EQ(root["small"].Scalar(), "1");
  EXPECT_EQ(root["big"].Scalar(), big);
  EXPECT_EQ(root["below"].Scalar(), below);
  EXPECT_EQ(root["block"].Scalar(), bigger);
  EXPECT_EQ(root["block"].line(), 3);
  EXPECT_EQ(root["again"].Scalar(), big);
  EXPECT_EQ(root["last"].Scalar(), "2");

  struct Sink : yaml::ItemSink {
    void Start(const yaml::Node&,
               const std::vector<std::pair<yaml::Node, yaml::Node>>&) override {
    }
    void Item(const yaml::Node& item, size_t) override {
      items.push_back(
          absl::StrCat(item.Scalar().size(), ":", item.Scalar().substr(0, 1)));
    }
    std::vector<std::string> items;
  };
  Sink sink;
  text = "list:\n  - " + big + "\n  - x\n  - " + below + "\n  - " + big +
         "\ntail: " + big + "\n";
  document = yaml::Document::Parse(text, &error, "list", &sink);
  ASSERT_NE(document, nullptr) << error.message;
  EXPECT_THAT(sink.items,
              ElementsAre("1048576:b", "1:x", "1048575:d", "1048576:b"));
  EXPECT_EQ(document->root()["tail"].Scalar(), big);
}

// The state file appends scenario texts as blocks by hand: whatever the
// text, it reads back as itself, as a literal block where one can hold it
// and as a double-quoted string where one cannot.
TEST(YamlBlockValueTest, ReadsBackAsTheSameText) {
  struct Case {
    std::string text;
    bool literal;
  };
  const std::vector<Case> cases = {
      {"version: 1\ncustomers: []\n", true},  // one final line break
      {"no final line break", true},
      {"two final line breaks\n\n", true},
      {"a\n\nan empty line, trailing spaces   \n  indented\n\ttab\n", true},
      {"Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80\n", true},
      {" starts with a space\n", false},
      {"\nstarts with a line break", false},
      {"", false},
      {"carriage\r\nreturn\n", false},
      {"bell \a\n", false},
      {"del \x7f\n", false},
      {"next line \xc2\x85 (NEL)\n", false},
      {"line separator \xe2\x80\xa8\n", false},
      {"byte-order mark \xef\xbb\xbf\n", false},
      {"C1 control \xc2\x9b\n", false},
      {"not UTF-8 \xc3\n", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    std::string text = "outer:\n  value:";
    const size_t value = text.size();
    yaml::AppendBlockValue(c.text, 4, text);
    text += "after: 1\n";
    EXPECT_EQ(text.compare(value, 2, " |") == 0, c.literal) << text;
    if (c.text == "not UTF-8 \xc3\n") continue;  // JSON needs UTF-8 too
    yaml::SyntaxError error;
    const std::unique_ptr<yaml::Document> document =
        yaml::Document::Parse(text, &error);
    ASSERT_NE(document, nullptr) << error.message << "\n" << text;
    EXPECT_EQ(document->root()["outer"]["value"].Scalar(), c.text) << text;
    EXPECT_EQ(document->root()["after"].Scalar(), "1");
  }
}

}  // namespace
}  // namespace customerfake::scenario
