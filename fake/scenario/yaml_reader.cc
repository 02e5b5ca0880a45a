#include "fake/scenario/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fake/errors/errors.h"
#include "fake/model/json_string.h"
#include "fake/model/names.h"

namespace customerfake::scenario {
namespace {

std::string KindName(const yaml::Node& node) {
  switch (node.Type()) {
    case yaml::NodeType::kMap:
      return "a mapping";
    case yaml::NodeType::kSequence:
      return "a list";
    case yaml::NodeType::kNull:
    case yaml::NodeType::kUndefined:
      return "empty";
    default:
      return absl::StrCat("\"", node.Scalar(), "\"");
  }
}

// False as soon as `out` grows past `max_bytes`.
bool AppendJson(const yaml::Node& node, size_t max_bytes, std::string& out) {
  if (out.size() > max_bytes) return false;
  switch (node.Type()) {
    case yaml::NodeType::kMap: {
      out += '{';
      bool first = true;
      for (const auto& entry : yaml::Entries(node)) {
        if (!first) out += ',';
        first = false;
        model::AppendJsonString(entry.first.Scalar(), out);
        out += ':';
        if (!AppendJson(entry.second, max_bytes, out)) return false;
      }
      out += '}';
      return true;
    }
    case yaml::NodeType::kSequence: {
      out += '[';
      for (size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ',';
        if (!AppendJson(node[i], max_bytes, out)) return false;
      }
      out += ']';
      return true;
    }
    case yaml::NodeType::kScalar: {
      const absl::string_view text = node.Scalar();
      double number;
      if (!node.IsQuoted()) {
        if (text == "true" || text == "false" || text == "null") {
          out.append(text.data(), text.size());
          return true;
        }
        if (absl::SimpleAtod(text, &number) && std::isfinite(number) &&
            !text.empty() && (absl::ascii_isdigit(text[0]) || text[0] == '-')) {
          out.append(text.data(), text.size());
          return true;
        }
      }
      model::AppendJsonString(text, out);
      return out.size() <= max_bytes;
    }
    default:
      out += "null";
      return true;
  }
}

// Subtracts the size of `node`'s tree, aliases expanded, from `budget`;
// false as soon as it runs out, so a billion laughs costs only the budget.
// Also false deeper than the parser allows: only an alias inside its own
// anchor (a cycle, infinitely large) gets there.
constexpr size_t kNodeBytes = 8;  // what a node costs beyond its text

bool SpendExpansion(const yaml::Node& node, size_t& budget, int depth = 0) {
  if (depth > yaml::Document::kMaxDepth) return false;
  const size_t cost =
      kNodeBytes + (node.IsScalar() ? node.Scalar().size() : size_t{0});
  if (cost > budget) return false;
  budget -= cost;
  if (node.IsMap()) {
    for (const auto& entry : yaml::Entries(node)) {
      if (!SpendExpansion(entry.first, budget, depth + 1) ||
          !SpendExpansion(entry.second, budget, depth + 1)) {
        return false;
      }
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      if (!SpendExpansion(node[i], budget, depth + 1)) return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Problem> FirstInvalidUtf8(absl::string_view text) {
  const size_t offset = errors::InvalidUtf8Offset(text);
  if (offset == absl::string_view::npos) return std::nullopt;
  const absl::string_view before = text.substr(0, offset);
  const size_t line_start = before.rfind('\n');
  Problem problem;
  problem.line =
      1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  problem.column = static_cast<int>(
      offset - (line_start == absl::string_view::npos ? 0 : line_start + 1) +
      1);
  problem.message = absl::StrCat(
      "byte ", offset, " (0x",
      absl::Hex(static_cast<unsigned char>(text[offset]), absl::kZeroPad2),
      ") is not valid UTF-8; YAML here must be UTF-8 text");
  return problem;
}

std::vector<Problem> ParseYaml(absl::string_view yaml,
                               std::unique_ptr<yaml::Document>* document,
                               size_t max_expanded_bytes,
                               absl::string_view stream_key,
                               yaml::ItemSink* sink) {
  if (std::optional<Problem> invalid = FirstInvalidUtf8(yaml)) {
    return {*invalid};
  }
  // Streamed items spend the budget as they pass, the rest of the tree after.
  class BudgetedSink : public yaml::ItemSink {
   public:
    BudgetedSink(yaml::ItemSink* sink, size_t& budget)
        : sink_(sink), budget_(budget) {}
    void Start(
        const yaml::Node& sequence,
        const std::vector<std::pair<yaml::Node, yaml::Node>>& before) override {
      sink_->Start(sequence, before);
    }
    void Item(const yaml::Node& item, size_t index) override {
      if (over_) return;
      over_ = !SpendExpansion(item, budget_);
      if (!over_) sink_->Item(item, index);
    }
    bool over() const { return over_; }

   private:
    yaml::ItemSink* sink_;
    size_t& budget_;
    bool over_ = false;
  };
  // What the document costs without repeating anything is paid for by its
  // text, which is under its own limit: every node takes at least a byte of
  // it. The budget is for what aliases repeat; without it a large file with
  // no alias at all would be refused as one.
  size_t budget = max_expanded_bytes + (kNodeBytes + 1) * yaml.size();
  BudgetedSink budgeted(sink, budget);
  yaml::SyntaxError error;
  *document = yaml::Document::Parse(yaml, &error, stream_key,
                                    sink == nullptr ? nullptr : &budgeted);
  if (*document == nullptr) {
    return {{error.line, error.column, "",
             absl::StrCat("not valid YAML: ", error.message)}};
  }
  if (budgeted.over() || !SpendExpansion((*document)->root(), budget)) {
    return {{1, 1, "",
             absl::StrCat("with its aliases expanded, the document is larger "
                          "than ",
                          max_expanded_bytes,
                          " bytes (each use of an alias repeats its anchor)")}};
  }
  return {};
}

std::string FormatProblems(absl::string_view source,
                           const std::vector<Problem>& problems) {
  return absl::StrJoin(problems, "\n", [&](std::string* out, const Problem& p) {
    absl::StrAppend(out, source, ":", p.line, ":", p.column, ": ",
                    p.key.empty() ? "(document)" : p.key, ": ", p.message);
  });
}

std::string SubKey(absl::string_view parent, absl::string_view child) {
  return parent.empty() ? std::string(child) : absl::StrCat(parent, ".", child);
}

std::string IndexKey(absl::string_view parent, size_t index) {
  return absl::StrCat(parent, "[", index, "]");
}

void YamlReader::Report(const yaml::Node& node, std::string key,
                        std::string message) {
  if (problems_.size() >= kMaxProblems) {
    ++unlisted_;
    return;
  }
  // Keys and messages echo the document, which may hold huge strings.
  problems_.push_back({node.line() + 1, node.column() + 1,
                       errors::Printable(key, kMaxProblemKeyBytes),
                       errors::Printable(message, kMaxProblemMessageBytes)});
}

bool YamlReader::Map(const yaml::Node& node, const std::string& key,
                     std::initializer_list<absl::string_view> allowed) {
  if (!node.IsMap()) {
    Report(node, key, absl::StrCat("must be a mapping, got ", KindName(node)));
    return false;
  }
  for (const auto& entry : yaml::Entries(node)) {
    const absl::string_view name = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string closest = model::Closest(
          std::string(name),
          std::vector<std::string>(allowed.begin(), allowed.end()));
      Report(entry.first, SubKey(key, name),
             absl::StrCat("unknown key",
                          closest.empty()
                              ? ""
                              : absl::StrCat(" (did you mean ", closest, "?)"),
                          "; expected one of: ", absl::StrJoin(allowed, ", ")));
    }
  }
  return true;
}

bool YamlReader::Sequence(const yaml::Node& node, const std::string& key) {
  if (node.IsSequence()) return true;
  Report(node, key, absl::StrCat("must be a list, got ", KindName(node)));
  return false;
}

std::optional<std::string> YamlReader::String(const yaml::Node& node,
                                              const std::string& key) {
  if (!node.IsScalar()) {
    Report(node, key, absl::StrCat("must be a string, got ", KindName(node)));
    return std::nullopt;
  }
  // Text is UTF-8, as protobuf needs it: ParseYaml checks the document, and
  // libyaml writes escapes ("\x87") as UTF-8 and refuses surrogates.
  return std::string(node.Scalar());
}

std::optional<int64_t> YamlReader::Int(const yaml::Node& node,
                                       const std::string& key, int64_t min,
                                       int64_t max) {
  int64_t value;
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &value)) {
    Report(node, key, absl::StrCat("must be an integer, got ", KindName(node)));
    return std::nullopt;
  }
  if (value < min || value > max) {
    Report(
        node, key,
        absl::StrCat("must be between ", min, " and ", max, ", got ", value));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::Double(const yaml::Node& node,
                                         const std::string& key) {
  double value;
  if (!node.IsScalar() || !absl::SimpleAtod(node.Scalar(), &value) ||
      !std::isfinite(value)) {
    Report(node, key,
           absl::StrCat("must be a finite number, got ", KindName(node)));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::Bool(const yaml::Node& node,
                                     const std::string& key) {
  if (node.IsScalar()) {
    if (node.Scalar() == "true") return true;
    if (node.Scalar() == "false") return false;
  }
  Report(node, key,
         absl::StrCat("must be true or false, got ", KindName(node)));
  return std::nullopt;
}

std::optional<absl::Duration> YamlReader::Duration(const yaml::Node& node,
                                                   const std::string& key) {
  absl::Duration value;
  if (!node.IsScalar() || !absl::ParseDuration(node.Scalar(), &value) ||
      value == absl::InfiniteDuration() || value == -absl::InfiniteDuration()) {
    Report(node, key,
           absl::StrCat("must be a duration like 200ms or 1.5s, got ",
                        KindName(node)));
    return std::nullopt;
  }
  if (value < absl::ZeroDuration()) {
    Report(node, key,
           absl::StrCat("must not be negative, got ", node.Scalar()));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> YamlReader::StringList(
    const yaml::Node& node, const std::string& key) {
  if (!Sequence(node, key)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < node.size(); ++i) {
    std::optional<std::string> item = String(node[i], IndexKey(key, i));
    if (item) {
      out.push_back(*std::move(item));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> YamlReader::StringMap(
    const yaml::Node& node, const std::string& key) {
  if (!node.IsMap()) {
    Report(node, key, absl::StrCat("must be a mapping, got ", KindName(node)));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  bool ok = true;
  for (const auto& entry : yaml::Entries(node)) {
    std::optional<std::string> value =
        String(entry.second, SubKey(key, entry.first.Scalar()));
    if (value) {
      out[std::string(entry.first.Scalar())] = *std::move(value);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> YamlToJson(const yaml::Node& node,
                                      size_t max_bytes) {
  std::string out;
  if (!AppendJson(node, max_bytes, out)) return std::nullopt;
  return out;
}

yaml::Node NodeAt(const yaml::Node& root, absl::string_view path) {
  yaml::Node current = root;
  while (!path.empty()) {
    size_t end = path.find_first_of(".[");
    absl::string_view part = path.substr(0, end);
    if (!part.empty()) {
      if (!current.IsMap()) return current;
      // A dotted map key such as match_request's "customer.id" is one key.
      if (const yaml::Node whole = current[path]; whole.IsDefined()) {
        return whole;
      }
      const yaml::Node next = current[part];
      if (!next.IsDefined()) return current;
      current = next;
    }
    if (end == absl::string_view::npos) break;
    path.remove_prefix(end);
    if (path[0] == '.') {
      path.remove_prefix(1);
      continue;
    }
    size_t close = path.find(']');  // "[index]"
    size_t index;
    if (close == absl::string_view::npos ||
        !absl::SimpleAtoi(path.substr(1, close - 1), &index) ||
        !current.IsSequence() || index >= current.size()) {
      return current;
    }
    current = current[index];
    path.remove_prefix(close + 1);
    if (!path.empty() && path[0] == '.') path.remove_prefix(1);
  }
  return current;
}

}  // namespace customerfake::scenario
