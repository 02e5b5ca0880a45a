// Unit tests of the pieces that keep bad input bounded: error text made
// printable and short, the first invalid UTF-8 byte, the journal's byte
// budget, list pages that stop at a byte budget, and alias expansion.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/errors/errors.h"
#include "fake/journal/journal.h"
#include "fake/scenario/yaml_reader.h"
#include "fake/state/customer_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr size_t kNpos = absl::string_view::npos;

TEST(PrintableTest, ValidShortTextIsUnchanged) {
  EXPECT_EQ(errors::Printable("Müller ✓ 😀", 100), "Müller ✓ 😀");
}

TEST(PrintableTest, InvalidBytesBecomeReplacementCharacters) {
  // A stray continuation byte, a Latin-1 byte, an overlong "/", a UTF-16
  // surrogate and a sequence cut short.
  EXPECT_EQ(errors::Printable("a\x80"
                              "b\xfc"
                              "c\xc0\xaf"
                              "d\xed\xa0\x80"
                              "e\xe2\x82",
                              100),
            "a\uFFFDb\uFFFDc\uFFFD\uFFFDd\uFFFD\uFFFD\uFFFDe\uFFFD\uFFFD");
}

TEST(PrintableTest, LongTextIsCutAtACharacterBoundary) {
  // 3 bytes per character: 10 bytes hold 3 of them.
  std::string text;
  for (int i = 0; i < 100; ++i) text += "✓";
  EXPECT_EQ(errors::Printable(text, 10), "✓✓✓...(291 more bytes)");
}

TEST(PrintableTest, ErrorBoundsMessageAndMetadata) {
  absl::Status status = errors::CustomerNotFound(std::string(1 << 20, 'x'));
  EXPECT_LE(status.message().size(), errors::kMaxErrorMessageBytes + 32);
  EXPECT_THAT(status.message(), HasSubstr("more bytes)"));
  EXPECT_LE(errors::MetadataOf(status).at("customer_id").size(),
            errors::kMaxErrorMetadataBytes + 32);
}

TEST(InvalidUtf8OffsetTest, FindsTheFirstBadByte) {
  EXPECT_EQ(errors::InvalidUtf8Offset("plain ascii"), kNpos);
  EXPECT_EQ(errors::InvalidUtf8Offset("Müller 😀"), kNpos);
  EXPECT_EQ(errors::InvalidUtf8Offset("M\xfcller"), 1u);
  EXPECT_EQ(errors::InvalidUtf8Offset("ok\xf4\x90\x80\x80"), 2u);  // >U+10FFFF
  EXPECT_EQ(errors::InvalidUtf8Offset("ok\xe2\x82"), 2u);          // cut short
}

TEST(FirstInvalidUtf8Test, NamesLineColumnAndByte) {
  std::optional<scenario::Problem> problem =
      scenario::FirstInvalidUtf8("a: 1\nb: M\xfc\n");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->line, 2);
  EXPECT_EQ(problem->column, 5);
  EXPECT_THAT(problem->message, HasSubstr("byte 9 (0xfc) is not valid UTF-8"));
}

model::CallRecord Call(size_t request_bytes) {
  model::CallRecord record;
  record.method = "/m/GetCustomer";
  record.request_bytes = std::string(request_bytes, 'r');
  return record;
}

std::vector<uint64_t> Sequences(const journal::Journal& journal) {
  std::vector<uint64_t> out;
  for (const model::CallRecord& call : journal.List("", 0, 100).calls) {
    out.push_back(call.sequence);
  }
  return out;
}

TEST(JournalBytesTest, OldestEntriesGoPastTheByteBudget) {
  journal::Journal journal(/*max_entries=*/100, /*max_bytes=*/11000);
  for (int i = 0; i < 10; ++i) journal.Record(Call(3000));
  // Three entries of 3000 bytes and their overhead fit; a fourth does not.
  EXPECT_THAT(Sequences(journal), ElementsAre(8, 9, 10));
}

TEST(JournalBytesTest, TheNewestEntryIsKeptWhateverItsSize) {
  journal::Journal journal(100, 1000);
  journal.Record(Call(10));
  journal.Record(Call(50000));
  EXPECT_THAT(Sequences(journal), ElementsAre(2));
  journal.Record(Call(10));
  EXPECT_THAT(Sequences(journal), ElementsAre(3));
}

TEST(JournalBytesTest, AttemptsAreCountedByRequestContent) {
  journal::Journal journal(100, 1 << 20);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  const std::string big(1 << 16, 'b');
  EXPECT_EQ(journal.Arrive("/m/A", big, t0).number, 1);
  EXPECT_EQ(journal.Arrive("/m/A", big, t0 + absl::Seconds(2)).number, 2);
  EXPECT_EQ(journal.Arrive("/m/A", big + "x", t0).number, 1);
  EXPECT_EQ(journal.Arrive("/m/B", big, t0).number, 1);
  EXPECT_EQ(journal.Arrive("/m/A", big, t0 + absl::Seconds(5)).since_previous,
            absl::Seconds(3));
}

TEST(CustomerStoreBytesTest, APageStopsAtTheByteBudget) {
  std::vector<model::CustomerRecord> records;
  for (int i = 0; i < 10; ++i) {
    model::CustomerRecord record;
    record.id = absl::StrCat("id-", i);
    record.fields.given_name = std::string(100, 'g');
    records.push_back(record);
  }
  state::CustomerStore store(
      std::make_shared<const state::CustomerStore::Base>(std::move(records)));
  // Each record counts about 130 bytes: 400 hold three.
  state::CustomerStore::Page page = store.List(0, 1000, 400);
  EXPECT_THAT(page.records, SizeIs(3));
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.last_key, 3u);
  // A record larger than the budget still makes a page of one.
  page = store.List(0, 1000, 10);
  EXPECT_THAT(page.records, SizeIs(1));
  EXPECT_TRUE(page.more);
}

TEST(ParseYamlTest, AliasExpansionIsBounded) {
  const std::string laughs =
      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
  std::unique_ptr<scenario::yaml::Document> document;
  // 9 + 81 + 729 + 6561 strings of 3 bytes, with 8 bytes per node: ~90 KB.
  EXPECT_THAT(scenario::ParseYaml(laughs, &document, 1 << 20), SizeIs(0));
  std::vector<scenario::Problem> problems =
      scenario::ParseYaml(laughs, &document, 50000);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0].message,
              HasSubstr("with its aliases expanded, the document is larger "
                        "than 50000 bytes"));
  EXPECT_FALSE(scenario::YamlToJson(document->root(), 1000).has_value());
  EXPECT_TRUE(scenario::YamlToJson(document->root()["a"], 1000).has_value());
}

TEST(ParseYamlTest, DocumentWithoutAliasesIsNeverOverTheAliasBudget) {
  // 100,000 one-letter scalars: in memory they cost far more than the 200 KB
  // of text, but nothing is repeated, so a budget of the text's size holds.
  std::string list = "[a";
  for (int i = 1; i < 100000; ++i) list += ",a";
  list += "]";
  std::unique_ptr<scenario::yaml::Document> document;
  EXPECT_THAT(scenario::ParseYaml(list, &document, list.size()), SizeIs(0));
  ASSERT_NE(document, nullptr);
  EXPECT_EQ(document->root().size(), 100000u);
}

TEST(ParseYamlTest, DeepNestingIsAProblemNotACrash) {
  std::unique_ptr<scenario::yaml::Document> document;
  std::vector<scenario::Problem> problems = scenario::ParseYaml(
      std::string(50000, '[') + std::string(50000, ']'), &document, 1 << 20);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0].message, HasSubstr("nested more than 499 levels"));
}

TEST(YamlReaderTest, KeepsAtMostMaxProblemsAndCountsTheRest) {
  scenario::YamlReader reader;
  for (size_t i = 0; i < scenario::kMaxProblems + 5; ++i) {
    reader.Report(scenario::yaml::Node(), "k", std::string(10000, 'm'));
  }
  EXPECT_THAT(reader.problems(), SizeIs(scenario::kMaxProblems));
  EXPECT_EQ(reader.unlisted(), 5u);
  EXPECT_LE(reader.problems()[0].message.size(),
            scenario::kMaxProblemMessageBytes + 32);
}

}  // namespace
}  // namespace customerfake
