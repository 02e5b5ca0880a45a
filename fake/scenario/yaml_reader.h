#ifndef CUSTOMER_FAKE_SCENARIO_YAML_READER_H_
#define CUSTOMER_FAKE_SCENARIO_YAML_READER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "yaml-cpp/yaml.h"

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

// Typed reading of YAML nodes that collects every problem instead of
// stopping at the first, so a file is refused with all of them at once.
class YamlReader {
 public:
  void Report(const YAML::Node& node, std::string key, std::string message);
  const std::vector<Problem>& problems() const { return problems_; }

  // A mapping whose keys are all in `allowed` (unknown ones are reported).
  // False when `node` is not a mapping.
  bool Map(const YAML::Node& node, const std::string& key,
           std::initializer_list<absl::string_view> allowed);
  // A sequence; false when `node` is something else.
  bool Sequence(const YAML::Node& node, const std::string& key);

  std::optional<std::string> String(const YAML::Node& node,
                                    const std::string& key);
  std::optional<int64_t> Int(const YAML::Node& node, const std::string& key,
                             int64_t min, int64_t max);
  std::optional<double> Double(const YAML::Node& node, const std::string& key);
  std::optional<bool> Bool(const YAML::Node& node, const std::string& key);
  // "200ms", "1.5s", "0" (absl::ParseDuration syntax).
  std::optional<absl::Duration> Duration(const YAML::Node& node,
                                         const std::string& key);
  std::optional<std::vector<std::string>> StringList(const YAML::Node& node,
                                                     const std::string& key);
  std::optional<std::map<std::string, std::string>> StringMap(
      const YAML::Node& node, const std::string& key);

 private:
  std::vector<Problem> problems_;
};

// Scenarios and fault rules refuse aliases (`*name`): an alias shares the
// node it names, so a few lines of aliases of aliases stand for gigabytes
// once read, and an alias inside its own anchor makes a cycle.
inline constexpr absl::string_view kAliasProblem =
    "aliases (*name) are not supported; write the value out where it is used";

// Where the first alias of the (first) document in `yaml` is, if it has one.
// Throws YAML::Exception for text that is not YAML, as YAML::Load does.
std::optional<YAML::Mark> FindAlias(absl::string_view yaml);

// The JSON text of a YAML node: quoted scalars stay strings, plain ones that
// look like numbers, booleans or null become those.
std::string YamlToJson(const YAML::Node& node);

// The node at a key path relative to `root` ("action.code",
// "sequence[1].delay", "match_request.customer.id"), or `root` itself when the
// path leads nowhere. Used to place problems found after parsing.
YAML::Node NodeAt(const YAML::Node& root, absl::string_view path);

}  // namespace customerfake::scenario

#endif  // CUSTOMER_FAKE_SCENARIO_YAML_READER_H_
