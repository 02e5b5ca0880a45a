#include "fake/scenario/state_file.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fake/model/names.h"
#include "fake/model/version.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/scenario/yaml_reader.h"
#include "fake/scenario/yaml_tree.h"

namespace customerfake::scenario {
namespace {

constexpr absl::string_view kFormat = "customer-fake-state";

// Reads the state file's YAML wrapper; each namespace's scenario text is
// parsed by ParseScenario, its problems moved to their place in the file.
class StateReader {
 public:
  explicit StateReader(absl::string_view text) : text_(text) {}

  std::vector<SavedNamespace> Read(const yaml::Node& root) {
    std::vector<SavedNamespace> saved;
    if (!reader_.Map(root, "",
                     {"format", "version", "fake_version", "resumed",
                      "namespaces", "tokens"})) {
      return saved;
    }
    if (!Has(root, "", {"format", "version", "namespaces"})) return saved;
    if (auto format = reader_.String(root["format"], "format");
        format && *format != kFormat) {
      reader_.Report(root["format"], "format",
                     absl::StrCat("\"", *format, "\" is not \"", kFormat,
                                  "\": not a customer-fake state file"));
    }
    reader_.Int(root["version"], "version", 1, 1);
    // Optional: files from before 1.0.0 do not have it. A newer version's
    // file never gets here (ParseState refuses it first).
    if (const yaml::Node written_by = root["fake_version"];
        written_by.IsDefined()) {
      if (auto text = reader_.String(written_by, "fake_version");
          text && !model::ParseVersion(*text)) {
        reader_.Report(
            written_by, "fake_version",
            absl::StrCat("\"", *text, "\" is not a version like 1.0.0"));
      }
    }
    // Optional: older files do not have it.
    if (const yaml::Node resumed = root["resumed"]; resumed.IsDefined()) {
      if (std::optional<bool> value = reader_.Bool(resumed, "resumed")) {
        mark_.resumed = *value;
        const absl::string_view line = Line(resumed.line());
        const size_t at =
            line.data() - text_.data() + static_cast<size_t>(resumed.column());
        // Columns count characters: found only where they are bytes.
        if (!*value && text_.substr(at, 5) == "false") mark_.offset = at;
      }
    }
    const yaml::Node namespaces = root["namespaces"];
    if (!reader_.Sequence(namespaces, "namespaces")) return saved;
    absl::flat_hash_set<std::string> names;
    for (size_t i = 0; i < namespaces.size(); ++i) {
      std::string key = IndexKey("namespaces", i);
      SavedNamespace ns;
      const size_t blocks = blocks_.size();
      const bool read = ReadNamespace(namespaces[i], key, ns);
      for (size_t b = blocks; b < blocks_.size(); ++b) {
        blocks_[b].target = read ? saved.size() : kNowhere;
      }
      if (read) {
        if (!names.insert(ns.name).second) {
          reader_.Report(
              namespaces[i]["name"], SubKey(key, "name"),
              absl::StrCat("namespace \"", ns.name, "\" appears twice"));
        }
        saved.push_back(std::move(ns));
      }
    }
    if (const yaml::Node tokens = root["tokens"]; tokens.IsDefined()) {
      ReadTokens(tokens);
    }
    return saved;
  }

  // Parses the scenario texts Read found into `saved`. The file's text is
  // no longer needed: only the document, which holds them.
  void ReadScenarios(std::vector<SavedNamespace>& saved) {
    for (Block& block : blocks_) {
      std::optional<model::Scenario> scenario = ReadScenario(block);
      if (!scenario || block.target == kNowhere) continue;
      SavedNamespace& ns = saved[block.target];
      if (block.baseline) {
        ns.baseline = std::move(scenario);
      } else {
        ns.state = *std::move(scenario);
      }
    }
  }

  std::vector<Problem>& problems() { return problems_; }
  std::vector<SavedToken>& tokens() { return tokens_; }
  const ResumeMark& mark() const { return mark_; }
  YamlReader& reader() { return reader_; }

 private:
  void ReadTokens(const yaml::Node& node) {
    if (!reader_.Sequence(node, "tokens")) return;
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string key = IndexKey("tokens", i);
      if (!reader_.Map(node[i], key, {"token", "expires"}) ||
          !Has(node[i], key, {"token", "expires"})) {
        continue;
      }
      auto token = reader_.String(node[i]["token"], SubKey(key, "token"));
      auto expires = reader_.String(node[i]["expires"], SubKey(key, "expires"));
      absl::Time time;
      if (expires &&
          !absl::ParseTime(absl::RFC3339_full, *expires, &time, nullptr)) {
        reader_.Report(node[i]["expires"], SubKey(key, "expires"),
                       absl::StrCat("\"", *expires,
                                    "\" is not an RFC 3339 time, like "
                                    "2027-01-15T08:00:00+00:00"));
        continue;
      }
      if (token && expires) tokens_.push_back({*token, time});
    }
  }

  bool ReadNamespace(const yaml::Node& node, const std::string& key,
                     SavedNamespace& ns) {
    size_t before = Count();
    if (!reader_.Map(node, key, {"name", "ids", "state", "baseline"}) ||
        !Has(node, key, {"name", "ids", "state"})) {
      return false;
    }
    if (auto name = reader_.String(node["name"], SubKey(key, "name"))) {
      ns.name = *name;
      if (!model::IsValidNamespaceName(ns.name)) {
        reader_.Report(node["name"], SubKey(key, "name"),
                       absl::StrCat("\"", ns.name,
                                    "\" is not a namespace name (1-64 of "
                                    "A-Z a-z 0-9 . _ -)"));
      }
    }
    ReadIds(node["ids"], SubKey(key, "ids"), ns.ids);
    const yaml::Node state = node["state"];
    const yaml::Node baseline = node["baseline"];
    if (baseline.IsDefined()) {
      std::string base_key = SubKey(key, "baseline");
      if (reader_.Map(baseline, base_key, {"ids", "scenario"}) &&
          Has(baseline, base_key, {"ids", "scenario"})) {
        ReadIds(baseline["ids"], SubKey(base_key, "ids"), ns.baseline_ids);
        const yaml::Node scenario = baseline["scenario"];
        ns.state_is_baseline = state.IsScalar() && scenario.IsScalar() &&
                               state.Scalar() == scenario.Scalar();
        AddBlock(scenario, SubKey(base_key, "scenario"), /*baseline=*/true);
      }
    }
    if (!ns.state_is_baseline) {
      AddBlock(state, SubKey(key, "state"), /*baseline=*/false);
    }
    return Count() == before;
  }

  void ReadIds(const yaml::Node& node, const std::string& key, SavedIds& ids) {
    if (!reader_.Map(node, key, {"seed", "drawn"}) ||
        !Has(node, key, {"seed", "drawn"})) {
      return;
    }
    // A seed drawn at random uses all 64 bits.
    if (!node["seed"].IsScalar() ||
        !absl::SimpleAtoi(node["seed"].Scalar(), &ids.seed)) {
      reader_.Report(node["seed"], SubKey(key, "seed"),
                     "must be an integer from 0 to 18446744073709551615");
    }
    if (auto drawn = reader_.Int(node["drawn"], SubKey(key, "drawn"), 0,
                                 kMaxSavedIdsDrawn)) {
      ids.drawn = *drawn;
    }
  }

  // A scenario's text in the file, parsed after the rest.
  static constexpr size_t kNowhere = static_cast<size_t>(-1);
  struct Block {
    yaml::Node node;
    std::string key;
    bool baseline = false;     // or the state
    size_t target = kNowhere;  // in Read's result
    int first_line = 0;        // 0-based, of the text in the file
    int indent = 0;
  };

  void AddBlock(const yaml::Node& node, std::string key, bool baseline) {
    if (!node.IsScalar()) {
      reader_.String(node, key);  // reports what it is instead
      return;
    }
    // A block scalar's text starts on the line after its indicator, indented
    // like its first line.
    const int first = node.line() + 1;
    const size_t spaces = Line(first).find_first_not_of(' ');
    blocks_.push_back(
        {node, std::move(key), baseline, kNowhere, first,
         spaces == absl::string_view::npos ? 0 : static_cast<int>(spaces)});
  }

  // The scenario in a block; nullopt with its problems reported at their
  // lines of the file.
  std::optional<model::Scenario> ReadScenario(const Block& block) {
    // Read in place: the text of a million customers is not copied.
    const absl::string_view text = block.node.Scalar();
    // The server wrote this text from a state it held, which may have grown
    // past --max-scenario-bytes one call at a time: no byte cap below what
    // is already in memory.
    ScenarioLimits limits;
    limits.max_bytes = std::max(text.size(), limits.max_bytes);
    std::vector<Problem> found;
    absl::StatusOr<model::Scenario> scenario =
        ParseScenario(text, block.key, &found, limits);
    if (scenario.ok()) return *std::move(scenario);
    if (found.empty()) {  // refused as a whole, without a line to point at
      reader_.Report(block.node, block.key,
                     std::string(scenario.status().message()));
      return std::nullopt;
    }
    for (Problem& problem : found) {
      problem.line += block.first_line;
      problem.column += block.indent;
      problem.key = SubKey(block.key, problem.key);
      problems_.push_back(std::move(problem));
    }
    return std::nullopt;
  }

  // False, with a problem for each, when a key of `required` is missing.
  bool Has(const yaml::Node& node, const std::string& key,
           std::initializer_list<absl::string_view> required) {
    bool all = true;
    for (absl::string_view name : required) {
      if (!node[std::string(name)].IsDefined()) {
        reader_.Report(node, SubKey(key, name), "missing");
        all = false;
      }
    }
    return all;
  }

  size_t Count() const { return reader_.problems().size() + problems_.size(); }

  // The 0-based line `n` of the file, empty past its end. Looked up rather
  // than indexed: the blocks' first lines and the problems need a few. The
  // search goes on from the line found last, as the blocks come in order.
  absl::string_view Line(int n) {
    if (n < seen_line_) {
      seen_line_ = 0;
      seen_start_ = 0;
    }
    for (; seen_line_ < n; ++seen_line_) {
      const size_t next = text_.find('\n', seen_start_);
      if (next == absl::string_view::npos) return {};
      seen_start_ = next + 1;
    }
    const size_t end = text_.find('\n', seen_start_);
    return text_.substr(seen_start_, end == absl::string_view::npos
                                         ? absl::string_view::npos
                                         : end - seen_start_);
  }

  absl::string_view text_;
  int seen_line_ = 0;  // Line's last: the line and where it starts
  size_t seen_start_ = 0;
  std::vector<SavedToken> tokens_;
  ResumeMark mark_;
  std::vector<Block> blocks_;
  YamlReader reader_;
  std::vector<Problem> problems_;  // found inside scenario texts
};

}  // namespace

std::string WriteState(const std::vector<SavedNamespace>& namespaces,
                       const std::vector<SavedToken>& tokens) {
  // The wrapper is small and goes through the emitter; the scenario texts,
  // hundreds of MB for a million customers, are appended as blocks (see
  // yaml::AppendBlockValue), so the file is built in pieces.
  yaml::Emitter head;
  head << yaml::BeginMap;
  head << yaml::Key << "format" << yaml::Value << std::string(kFormat);
  head << yaml::Key << "version" << yaml::Value << 1;
  // The customer-fake that wrote it: an older one refuses the file.
  head << yaml::Key << "fake_version" << yaml::Value
       << std::string(model::FakeVersion());
  head << yaml::Key << "resumed" << yaml::Value << false;
  head << yaml::EndMap;
  std::string out = absl::StrCat(
      "# customer-fake state: written by `serve --state-file`, read at start\n",
      head.Finish(), "namespaces:", namespaces.empty() ? " []\n" : "\n");
  auto ids = [](const SavedIds& sequence) {
    return absl::StrCat("ids: {seed: ", sequence.seed,
                        ", drawn: ", sequence.drawn, "}\n");
  };
  for (size_t i = 0; i < namespaces.size(); ++i) {
    const SavedNamespace& ns = namespaces[i];
    yaml::Emitter name;  // plain or quoted, as it reads back
    name << yaml::BeginMap << yaml::Key << "name" << yaml::Value << ns.name
         << yaml::EndMap;
    absl::StrAppend(&out, "- ", name.Finish(), "  ", ids(ns.ids), "  state:");
    const bool shared = ns.state_is_baseline && ns.baseline;
    const std::string anchor = absl::StrCat("state-", i + 1);
    if (shared) absl::StrAppend(&out, " &", anchor);
    yaml::AppendBlockValue(WriteScenario(shared ? *ns.baseline : ns.state), 4,
                           out);
    if (ns.baseline) {
      absl::StrAppend(&out, "  baseline:\n    ", ids(ns.baseline_ids),
                      "    scenario:");
      if (shared) {
        absl::StrAppend(&out, " *", anchor, "\n");
      } else {
        yaml::AppendBlockValue(WriteScenario(*ns.baseline), 6, out);
      }
    }
  }
  if (!tokens.empty()) {
    yaml::Emitter tail;
    tail << yaml::BeginMap << yaml::Key << "tokens" << yaml::Value
         << yaml::BeginSeq;
    for (const SavedToken& token : tokens) {
      tail << yaml::Flow << yaml::BeginMap << yaml::Key << "token"
           << yaml::Value << token.token << yaml::Key << "expires"
           << yaml::Value
           << absl::FormatTime(absl::RFC3339_full, token.expires,
                               absl::UTCTimeZone())
           << yaml::EndMap;
    }
    tail << yaml::EndSeq << yaml::EndMap;
    out += tail.Finish();
  }
  return out;
}

namespace {

// ParseState, freeing `owned` (which holds `text`), when given, once the
// file's YAML is read.
absl::StatusOr<std::vector<SavedNamespace>> Parse(
    absl::string_view text, std::string* owned, absl::string_view source,
    std::vector<SavedToken>* tokens, ResumeMark* mark) {
  std::vector<Problem> found;
  std::vector<SavedNamespace> saved;
  std::vector<SavedToken> read_tokens;
  if (text.empty()) {
    found.push_back({1, 1, "", "the file is empty"});
  } else {
    yaml::SyntaxError error;
    const std::unique_ptr<yaml::Document> document =
        yaml::Document::Parse(text, &error);
    if (document == nullptr) {
      found.push_back({error.line, error.column, "",
                       absl::StrCat("not valid YAML: ", error.message)});
    } else {
      const yaml::Node root = document->root();
      // Before anything else: a newer version's file may hold keys and
      // values this one does not know, which are no mistake.
      if (const yaml::Node written_by = root["fake_version"];
          written_by.IsScalar()) {
        absl::Status readable =
            model::CheckWrittenBy(written_by.Scalar(), source);
        if (absl::IsFailedPrecondition(readable)) return readable;
      }
      StateReader reader(text);
      saved = reader.Read(root);
      if (owned != nullptr) std::string().swap(*owned);
      reader.ReadScenarios(saved);
      found = reader.reader().problems();
      found.insert(found.end(), reader.problems().begin(),
                   reader.problems().end());
      read_tokens = std::move(reader.tokens());
      if (mark != nullptr) *mark = reader.mark();
    }
  }
  if (found.empty()) {
    if (tokens != nullptr) *tokens = std::move(read_tokens);
    return saved;
  }
  std::stable_sort(
      found.begin(), found.end(), [](const Problem& a, const Problem& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      });
  return absl::InvalidArgumentError(FormatProblems(source, found));
}

}  // namespace

absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    absl::string_view text, absl::string_view source,
    std::vector<SavedToken>* tokens, ResumeMark* mark) {
  return Parse(text, nullptr, source, tokens, mark);
}

absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    std::string&& text, absl::string_view source,
    std::vector<SavedToken>* tokens, ResumeMark* mark) {
  const absl::string_view view = text;
  return Parse(view, &text, source, tokens, mark);
}

}  // namespace customerfake::scenario
