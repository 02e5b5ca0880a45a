#ifndef CUSTOMER_FAKE_SCENARIO_YAML_READER_H_
#define CUSTOMER_FAKE_SCENARIO_YAML_READER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fake/scenario/yaml_tree.h"

namespace customerfake::scenario {

// One problem of a YAML document: where it is (1-based), the key path
// ("customers[2].email_address") and what is wrong.
struct Problem {
  int line = 0;
  int column = 0;
  std::string key;
  std::string message;
};

// "source:line:column: key: message" lines, one per problem.
std::string FormatProblems(absl::string_view source,
                           const std::vector<Problem>& problems);

// "parent.child", or "child" at the top.
std::string SubKey(absl::string_view parent, absl::string_view child);
// "parent[index]".
std::string IndexKey(absl::string_view parent, size_t index);

// A reader keeps at most this many problems and counts the rest, so that a
// file of a million bad entries costs no more than one of a thousand.
inline constexpr size_t kMaxProblems = 1000;
// Longer keys and messages of a problem are cut (errors::Printable).
inline constexpr size_t kMaxProblemKeyBytes = 200;
inline constexpr size_t kMaxProblemMessageBytes = 400;

// The first byte of `text` that is not part of valid UTF-8, as a problem at
// its 1-based line and column; nullopt when all of it is valid.
std::optional<Problem> FirstInvalidUtf8(absl::string_view text);

// Parses YAML text into `document`. Problems: text that is not UTF-8 (its
// first bad byte), YAML syntax, nesting deeper than yaml::Document::kMaxDepth
// (refused instead of overflowing the stack of whatever walks the tree), and
// a document whose aliases add more than `max_expanded_bytes` to it when
// expanded, counted as its nodes would be in memory (every use of
// an alias repeats its anchor's tree: "billion laughs").
//
// With a `sink`, the sequence at the root mapping's `stream_key` goes to it
// item by item as yaml::Document::Parse describes; the items count against
// the same expansion budget, and the sink sees none past it. Its reading is
// moot when this returns problems.
std::vector<Problem> ParseYaml(absl::string_view yaml,
                               std::unique_ptr<yaml::Document>* document,
                               size_t max_expanded_bytes,
                               absl::string_view stream_key = {},
                               yaml::ItemSink* sink = nullptr);

// Typed reading of YAML nodes that collects every problem instead of
// stopping at the first, so a file is refused with all of them at once.
class YamlReader {
 public:
  void Report(const yaml::Node& node, std::string key, std::string message);
  // The first kMaxProblems problems, and how many more there were.
  const std::vector<Problem>& problems() const { return problems_; }
  size_t unlisted() const { return unlisted_; }
  // Forgets the problems reported since mark() returned `since`.
  struct Mark {
    size_t problems = 0;
    size_t unlisted = 0;
  };
  Mark mark() const { return {problems_.size(), unlisted_}; }
  void Forget(const Mark& since) {
    problems_.resize(since.problems);
    unlisted_ = since.unlisted;
  }

  // A mapping whose keys are all in `allowed` (unknown ones are reported).
  // False when `node` is not a mapping.
  bool Map(const yaml::Node& node, const std::string& key,
           std::initializer_list<absl::string_view> allowed);
  // A sequence; false when `node` is something else.
  bool Sequence(const yaml::Node& node, const std::string& key);

  std::optional<std::string> String(const yaml::Node& node,
                                    const std::string& key);
  std::optional<int64_t> Int(const yaml::Node& node, const std::string& key,
                             int64_t min, int64_t max);
  std::optional<double> Double(const yaml::Node& node, const std::string& key);
  std::optional<bool> Bool(const yaml::Node& node, const std::string& key);
  // "200ms", "1.5s", "0" (absl::ParseDuration syntax).
  std::optional<absl::Duration> Duration(const yaml::Node& node,
                                         const std::string& key);
  std::optional<std::vector<std::string>> StringList(const yaml::Node& node,
                                                     const std::string& key);
  std::optional<std::map<std::string, std::string>> StringMap(
      const yaml::Node& node, const std::string& key);

 private:
  std::vector<Problem> problems_;
  size_t unlisted_ = 0;
};

// The JSON text of a YAML node: quoted scalars stay strings, plain ones that
// look like numbers, booleans or null become those. nullopt when it would be
// longer than `max_bytes`: an alias expands to its anchor's whole tree each
// time it is used, so a short text can stand for gigabytes.
std::optional<std::string> YamlToJson(const yaml::Node& node, size_t max_bytes);

// The node at a key path relative to `root` ("action.code",
// "sequence[1].delay", "match_request.customer.id"), or `root` itself when the
// path leads nowhere. Used to place problems found after parsing.
yaml::Node NodeAt(const yaml::Node& root, absl::string_view path);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_YAML_READER_H_
