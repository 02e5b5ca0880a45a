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

void WriteIds(yaml::Emitter& out, const SavedIds& ids) {
  out << yaml::Key << "ids" << yaml::Value << yaml::Flow << yaml::BeginMap
      << yaml::Key << "seed" << yaml::Value << ids.seed << yaml::Key << "drawn"
      << yaml::Value << ids.drawn << yaml::EndMap;
}

// Reads the state file's YAML wrapper; each namespace's scenario text is
// parsed by ParseScenario, its problems moved to their place in the file.
class StateReader {
 public:
  explicit StateReader(absl::string_view text) : text_(text) {}

  std::vector<SavedNamespace> Read(const yaml::Node& root) {
    std::vector<SavedNamespace> saved;
    if (!reader_.Map(
            root, "",
            {"format", "version", "fake_version", "namespaces", "tokens"})) {
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
    const yaml::Node namespaces = root["namespaces"];
    if (!reader_.Sequence(namespaces, "namespaces")) return saved;
    absl::flat_hash_set<std::string> names;
    for (size_t i = 0; i < namespaces.size(); ++i) {
      std::string key = IndexKey("namespaces", i);
      SavedNamespace ns;
      if (ReadNamespace(namespaces[i], key, ns)) {
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

  std::vector<Problem>& problems() { return problems_; }
  std::vector<SavedToken>& tokens() { return tokens_; }
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
        ns.baseline = ReadScenario(scenario, SubKey(base_key, "scenario"));
      }
    }
    if (!ns.state_is_baseline) {
      if (auto read = ReadScenario(state, SubKey(key, "state"))) {
        ns.state = *std::move(read);
      }
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

  // The scenario in a block of text at `node`; nullopt with its problems
  // reported at their lines of the file.
  std::optional<model::Scenario> ReadScenario(const yaml::Node& node,
                                              const std::string& key) {
    if (!node.IsScalar()) {
      reader_.String(node, key);  // reports what it is instead
      return std::nullopt;
    }
    // Read in place: the text of a million customers is not copied.
    const absl::string_view text = node.Scalar();
    // The server wrote this text from a state it held, which may have grown
    // past --max-scenario-bytes one call at a time: no byte cap below what
    // is already in memory.
    ScenarioLimits limits;
    limits.max_bytes = std::max(text.size(), limits.max_bytes);
    std::vector<Problem> found;
    absl::StatusOr<model::Scenario> scenario =
        ParseScenario(text, key, &found, limits);
    if (scenario.ok()) return *std::move(scenario);
    if (found.empty()) {  // refused as a whole, without a line to point at
      reader_.Report(node, key, std::string(scenario.status().message()));
      return std::nullopt;
    }
    // A block scalar's text starts on the line after its indicator, indented
    // like its first line.
    const int first = node.line() + 1;
    const size_t spaces = Line(first).find_first_not_of(' ');
    const int indent =
        spaces == absl::string_view::npos ? 0 : static_cast<int>(spaces);
    for (Problem& problem : found) {
      problem.line += first;
      problem.column += indent;
      problem.key = SubKey(key, problem.key);
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

  // The 0-based line `n` of the file, empty past its end. Only problems
  // need it, so it is looked up rather than indexed.
  absl::string_view Line(int n) const {
    size_t start = 0;
    for (int i = 0; i < n; ++i) {
      start = text_.find('\n', start);
      if (start == absl::string_view::npos) return {};
      ++start;
    }
    const size_t end = text_.find('\n', start);
    return text_.substr(start, end == absl::string_view::npos
                                   ? absl::string_view::npos
                                   : end - start);
  }

  absl::string_view text_;
  std::vector<SavedToken> tokens_;
  YamlReader reader_;
  std::vector<Problem> problems_;  // found inside scenario texts
};

}  // namespace

std::string WriteState(const std::vector<SavedNamespace>& namespaces,
                       const std::vector<SavedToken>& tokens) {
  yaml::Emitter out;
  out << yaml::BeginMap;
  out << yaml::Key << "format" << yaml::Value << std::string(kFormat);
  out << yaml::Key << "version" << yaml::Value << 1;
  // The customer-fake that wrote it: an older one refuses the file.
  out << yaml::Key << "fake_version" << yaml::Value
      << std::string(model::FakeVersion());
  out << yaml::Key << "namespaces" << yaml::Value << yaml::BeginSeq;
  for (const SavedNamespace& ns : namespaces) {
    out << yaml::BeginMap;
    out << yaml::Key << "name" << yaml::Value << ns.name;
    WriteIds(out, ns.ids);
    out << yaml::Key << "state" << yaml::Value << yaml::Literal
        << WriteScenario(ns.state);
    if (ns.baseline) {
      out << yaml::Key << "baseline" << yaml::Value << yaml::BeginMap;
      WriteIds(out, ns.baseline_ids);
      out << yaml::Key << "scenario" << yaml::Value << yaml::Literal
          << WriteScenario(*ns.baseline);
      out << yaml::EndMap;
    }
    out << yaml::EndMap;
  }
  out << yaml::EndSeq;
  if (!tokens.empty()) {
    out << yaml::Key << "tokens" << yaml::Value << yaml::BeginSeq;
    for (const SavedToken& token : tokens) {
      out << yaml::Flow << yaml::BeginMap << yaml::Key << "token" << yaml::Value
          << token.token << yaml::Key << "expires" << yaml::Value
          << absl::FormatTime(absl::RFC3339_full, token.expires,
                              absl::UTCTimeZone())
          << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  out << yaml::EndMap;
  return absl::StrCat(
      "# customer-fake state: written by `serve --state-file`, read at start\n",
      out.Finish());
}

absl::StatusOr<std::vector<SavedNamespace>> ParseState(
    absl::string_view text, absl::string_view source,
    std::vector<SavedToken>* tokens) {
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
      found = reader.reader().problems();
      found.insert(found.end(), reader.problems().begin(),
                   reader.problems().end());
      read_tokens = std::move(reader.tokens());
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

}  // namespace customerfake::scenario
