#include "fake/scenario/scenario_parser.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "fake/errors/errors.h"
#include "fake/model/names.h"
#include "fake/model/validation.h"

namespace customerfake::scenario {
namespace {

constexpr int64_t kMaxPageSize = 1 << 20;

// Reads a scenario's tree. ParseScenario hands it the customers item by item
// while the YAML is parsed (an ItemSink), so that a million of them never
// sit in the tree at once; what they depend on, settings and flags, comes
// before them in every file the fake writes. When it does not, the reader
// says so (needs_whole_read) and the document is read again as one tree.
class ScenarioReader : public yaml::ItemSink {
 public:
  ScenarioReader(model::Scenario& scenario, const ScenarioLimits& limits)
      : scenario_(scenario), limits_(limits) {}

  // ItemSink: the customers sequence starts, after `before`.
  void Start(
      const yaml::Node& /*sequence*/,
      const std::vector<std::pair<yaml::Node, yaml::Node>>& before) override {
    streamed_ = true;
    auto find = [&](absl::string_view name) {
      for (const auto& [key, value] : before) {
        if (key.IsScalar() && key.Scalar() == name) return value;
      }
      return yaml::Node();
    };
    const yaml::Node version = find("version");
    const yaml::Node settings = find("settings");
    const yaml::Node flags = find("flags");
    read_early_ = {version.IsDefined(), settings.IsDefined(),
                   flags.IsDefined()};
    ReadHead(version, settings, flags);
    BeginCustomers(0);
  }

  // ItemSink: one customer.
  void Item(const yaml::Node& item, size_t index) override {
    if (++customers_.count > customers_.limit) {
      // Refused as a whole, like a list counted before reading.
      if (customers_.count == customers_.limit + 1) DropCustomers();
      return;
    }
    ReadCustomer(item, index);
  }

  void Read(const yaml::Node& root) {
    if (!streamed_) {
      // The server's --max-customers unless the scenario says otherwise.
      scenario_.settings.max_customers = limits_.default_max_customers;
    }
    if (root.IsNull()) return;  // an empty file is an empty scenario
    if (!reader_.Map(root, "",
                     {"version", "settings", "flags", "customers", "faults"})) {
      return;
    }
    if (!streamed_) {
      ReadHead(root["version"], root["settings"], root["flags"]);
      if (const yaml::Node customers = root["customers"];
          customers.IsDefined()) {
        ReadCustomers(customers);
      }
    } else {
      if (root["settings"].IsDefined() != read_early_.settings ||
          root["flags"].IsDefined() != read_early_.flags) {
        needs_whole_read_ = true;
        return;
      }
      if (!read_early_.version && root["version"].IsDefined()) {
        reader_.Int(root["version"], "version", 1, 1);
      }
      if (customers_.count > customers_.limit) {
        ReportTooManyCustomers(root["customers"], customers_.count);
      }
    }
    if (const yaml::Node faults = root["faults"]; faults.IsDefined()) {
      ReadFaults(faults);
    }
  }

  // The customers were streamed, but settings or flags came after them.
  bool needs_whole_read() const { return needs_whole_read_; }
  YamlReader& reader() { return reader_; }

 private:
  void ReadHead(const yaml::Node& version, const yaml::Node& settings,
                const yaml::Node& flags) {
    // The server's --max-customers unless the scenario says otherwise.
    scenario_.settings.max_customers = limits_.default_max_customers;
    if (version.IsDefined()) reader_.Int(version, "version", 1, 1);
    if (settings.IsDefined()) ReadSettings(settings);
    if (flags.IsDefined()) ReadFlags(flags);
  }

  void ReadSettings(const yaml::Node& node) {
    model::Settings& settings = scenario_.settings;
    if (!reader_.Map(node, "settings",
                     {"page_size", "auth", "id_seed", "fault_seed",
                      "error_domain", "languages", "max_customers"})) {
      return;
    }
    if (const yaml::Node page = node["page_size"];
        page.IsDefined() &&
        reader_.Map(page, "settings.page_size", {"default", "max"})) {
      if (page["default"].IsDefined()) {
        if (auto n = reader_.Int(page["default"], "settings.page_size.default",
                                 1, kMaxPageSize)) {
          settings.default_page_size = static_cast<int32_t>(*n);
        }
      }
      if (page["max"].IsDefined()) {
        if (auto n = reader_.Int(page["max"], "settings.page_size.max", 1,
                                 kMaxPageSize)) {
          settings.max_page_size = static_cast<int32_t>(*n);
        }
      }
      if (settings.default_page_size > settings.max_page_size) {
        reader_.Report(page, "settings.page_size",
                       absl::StrCat("default (", settings.default_page_size,
                                    ") must not exceed max (",
                                    settings.max_page_size, ")"));
      }
    }
    if (const yaml::Node auth = node["auth"]; auth.IsDefined()) {
      ReadAuth(auth);
    }
    if (node["id_seed"].IsDefined()) {
      if (auto n =
              reader_.Int(node["id_seed"], "settings.id_seed", 0, INT64_MAX)) {
        settings.id_seed = *n;
      }
    }
    if (node["fault_seed"].IsDefined()) {
      if (auto n = reader_.Int(node["fault_seed"], "settings.fault_seed", 0,
                               INT64_MAX)) {
        settings.fault_seed = *n;
      }
    }
    if (node["error_domain"].IsDefined()) {
      if (auto domain =
              reader_.String(node["error_domain"], "settings.error_domain")) {
        settings.error_domain = *domain;
      }
    }
    if (const yaml::Node languages = node["languages"]; languages.IsDefined()) {
      if (auto list = reader_.StringList(languages, "settings.languages")) {
        for (size_t i = 0; i < list->size(); ++i) {
          if (!model::IsAssignedIso6391((*list)[i])) {
            reader_.Report(
                languages[i], IndexKey("settings.languages", i),
                absl::StrCat("\"", (*list)[i], "\" is not an ISO 639-1 code"));
          }
        }
        settings.languages = *list;
      }
    }
    if (node["max_customers"].IsDefined()) {
      if (auto n = reader_.Int(node["max_customers"], "settings.max_customers",
                               0, INT32_MAX)) {
        settings.max_customers = *n;
      }
    }
  }

  void ReadAuth(const yaml::Node& node) {
    model::Settings& settings = scenario_.settings;
    if (!reader_.Map(node, "settings.auth",
                     {"mode", "tokens", "clients", "token_ttl"})) {
      return;
    }
    if (node["mode"].IsDefined()) {
      if (auto mode = reader_.String(node["mode"], "settings.auth.mode");
          mode && !model::ParseAuthMode(*mode, &settings.auth_mode)) {
        reader_.Report(node["mode"], "settings.auth.mode",
                       absl::StrCat("\"", *mode, "\" is not a mode; use ",
                                    model::kAuthModeNames));
      }
    }
    if (const yaml::Node clients = node["clients"]; clients.IsDefined()) {
      ReadOAuthClients(clients, "settings.auth.clients");
    }
    if (const yaml::Node ttl = node["token_ttl"]; ttl.IsDefined()) {
      if (auto duration = reader_.Duration(ttl, "settings.auth.token_ttl")) {
        if (*duration < absl::Seconds(1) || *duration > absl::Hours(24 * 365)) {
          reader_.Report(ttl, "settings.auth.token_ttl",
                         "must be between 1s and 8760h");
        } else {
          settings.token_ttl = *duration;
        }
      }
    }
    if (node["tokens"].IsDefined()) {
      if (auto tokens =
              reader_.StringList(node["tokens"], "settings.auth.tokens")) {
        settings.tokens = *tokens;
      }
    }
    if (settings.auth_mode == model::AuthMode::kOAuth &&
        !limits_.token_endpoint) {
      reader_.Report(node["mode"], "settings.auth.mode",
                     "mode oauth accepts only tokens from the token endpoint, "
                     "and this server has none (start it with --oauth-listen "
                     "HOST:PORT)");
    }
    if (settings.auth_mode == model::AuthMode::kTokens &&
        settings.tokens.empty()) {
      reader_.Report(node, "settings.auth.tokens",
                     "mode tokens needs at least one token");
    }
  }

  void ReadFlags(const yaml::Node& node) {
    model::Settings& settings = scenario_.settings;
    if (!reader_.Map(node, "flags", {"known", "read_only"})) return;
    // Syntax only: the allow-list is what `known` defines.
    model::Settings syntax_only;
    for (auto [name, list] :
         {std::pair{"known", &settings.known_flags},
          std::pair{"read_only", &settings.read_only_flags}}) {
      const yaml::Node items = node[name];
      if (!items.IsDefined()) continue;
      std::string key = SubKey("flags", name);
      auto flags = reader_.StringList(items, key);
      if (!flags) continue;
      for (size_t i = 0; i < flags->size(); ++i) {
        absl::Status valid = model::ValidateFlag((*flags)[i], syntax_only);
        if (!valid.ok()) {
          reader_.Report(items[i], IndexKey(key, i),
                         std::string(valid.message()));
        }
      }
      *list = *std::move(flags);
    }
    if (!settings.known_flags.empty()) {
      for (size_t i = 0; i < settings.read_only_flags.size(); ++i) {
        const std::string& flag = settings.read_only_flags[i];
        if (std::find(settings.known_flags.begin(), settings.known_flags.end(),
                      flag) == settings.known_flags.end()) {
          reader_.Report(node["read_only"][i], IndexKey("flags.read_only", i),
                         absl::StrCat("\"", flag, "\" is not in flags.known"));
        }
      }
    }
  }

  void ReadOAuthClients(const yaml::Node& node, const std::string& key) {
    if (!reader_.Sequence(node, key)) return;
    absl::flat_hash_map<std::string, size_t> seen;
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item_key = IndexKey(key, i);
      if (!reader_.Map(node[i], item_key, {"id", "secret"})) continue;
      model::OAuthClient client;
      auto id = reader_.String(node[i]["id"], SubKey(item_key, "id"));
      auto secret =
          reader_.String(node[i]["secret"], SubKey(item_key, "secret"));
      if (!id || !secret) continue;
      if (id->empty() || id->find(':') != std::string::npos) {
        reader_.Report(node[i]["id"], SubKey(item_key, "id"),
                       "must be a non-empty id without ':' (HTTP Basic "
                       "credentials are id:secret)");
        continue;
      }
      if (auto [it, inserted] = seen.emplace(*id, i); !inserted) {
        reader_.Report(node[i]["id"], SubKey(item_key, "id"),
                       absl::StrCat("duplicate id: ", key, "[", it->second,
                                    "] has it too"));
        continue;
      }
      scenario_.settings.oauth_clients.push_back({*id, *secret});
    }
  }

  void ReadCustomers(const yaml::Node& node) {
    if (!reader_.Sequence(node, "customers")) return;
    // Counted before reading, so that a huge list costs nothing.
    if (static_cast<int64_t>(node.size()) > scenario_.settings.max_customers) {
      ReportTooManyCustomers(node, static_cast<int64_t>(node.size()));
      return;
    }
    BeginCustomers(node.size());
    for (size_t i = 0; i < node.size(); ++i) ReadCustomer(node[i], i);
  }

  void ReportTooManyCustomers(const yaml::Node& node, int64_t count) {
    reader_.Report(
        node, "customers",
        absl::StrCat(count, " customers exceed settings.max_customers (",
                     scenario_.settings.max_customers, ")"));
  }

  // Before the first customer; `expected` of them, when known.
  void BeginCustomers(size_t expected) {
    customers_.limit = scenario_.settings.max_customers;
    // Customers may set read-only flags; the other flag rules apply.
    customers_.flag_settings = scenario_.settings;
    customers_.flag_settings.read_only_flags.clear();
    customers_.seen_ids.reserve(expected);
    scenario_.customers.reserve(expected);
    customers_.mark = reader_.mark();
  }

  // Forgets the customers read and their problems.
  void DropCustomers() {
    std::vector<model::CustomerRecord>().swap(scenario_.customers);
    decltype(customers_.seen_ids)().swap(customers_.seen_ids);
    reader_.Forget(customers_.mark);
  }

  void ReadCustomer(const yaml::Node& item, size_t i) {
    std::string& key = customers_.key;
    key.clear();
    absl::StrAppend(&key, "customers[", i, "]");
    if (!reader_.Map(item, key,
                     {"id", "given_name", "family_name", "email_address",
                      "language_code", "phone_number", "flags"})) {
      return;
    }
    model::CustomerRecord& customer = scenario_.customers.emplace_back();
    ReadCustomerFields(item, key, customer.fields);
    if (const yaml::Node id = item["id"]; id.IsDefined()) {
      if (auto text = reader_.String(id, Sub(key, "id"))) {
        customer.id = *std::move(text);
        if (!model::IsUuid(customer.id)) {
          reader_.Report(id, SubKey(key, "id"),
                         absl::StrCat("\"", customer.id,
                                      "\" is not a UUID like "
                                      "7ba438cc-4724-4be1-8c59-f82558f4fde8"));
        } else if (auto [it, inserted] =
                       customers_.seen_ids.emplace(customer.id, i);
                   !inserted) {
          reader_.Report(id, SubKey(key, "id"),
                         absl::StrCat("duplicate id: customers[", it->second,
                                      "] has it too"));
        }
      }
    }
    if (const yaml::Node flags = item["flags"]; flags.IsDefined()) {
      ReadCustomerFlags(flags, Sub(key, "flags"), customers_.flag_settings,
                        customer.flags);
    }
  }

  void ReadCustomerFields(const yaml::Node& item, const std::string& key,
                          model::CustomerFields& fields) {
    for (auto [name, field] :
         {std::pair{"given_name", &fields.given_name},
          std::pair{"family_name", &fields.family_name},
          std::pair{"email_address", &fields.email_address},
          std::pair{"language_code", &fields.language_code},
          std::pair{"phone_number", &fields.phone_number}}) {
      if (const yaml::Node value = item[name]; value.IsDefined()) {
        if (auto text = reader_.String(value, Sub(key, name))) {
          *field = *std::move(text);
        }
      }
    }
    for (const absl::Status& problem :
         model::CustomerFieldProblems(fields, scenario_.settings)) {
      errors::Metadata metadata = errors::MetadataOf(problem);
      std::string field = metadata.count("field") ? metadata["field"] : "";
      const yaml::Node at = item[field];
      reader_.Report(
          at.IsDefined() ? at : item, SubKey(key, field),
          absl::StrCat(errors::ReasonOf(problem), ": ", problem.message()));
    }
  }

  void ReadCustomerFlags(const yaml::Node& node, const std::string& key,
                         const model::Settings& settings,
                         std::vector<std::string>& out) {
    if (node.IsSequence() && node.size() > limits_.max_customer_flags) {
      reader_.Report(node, key,
                     absl::StrCat(node.size(), " flags exceed the limit of ",
                                  limits_.max_customer_flags,
                                  " per customer (--max-customer-flags)"));
      return;
    }
    auto flags = reader_.StringList(node, key);
    if (!flags) return;
    for (size_t i = 0; i < flags->size(); ++i) {
      absl::Status valid = model::ValidateFlag((*flags)[i], settings);
      if (!valid.ok()) {
        reader_.Report(node[i], IndexKey(key, i), std::string(valid.message()));
      }
    }
    std::sort(flags->begin(), flags->end());
    flags->erase(std::unique(flags->begin(), flags->end()), flags->end());
    out = *std::move(flags);
  }

  void ReadFaults(const yaml::Node& node) {
    if (!reader_.Sequence(node, "faults")) return;
    if (node.size() > limits_.max_fault_rules) {
      reader_.Report(
          node, "faults",
          absl::StrCat(node.size(), " fault rules exceed the limit of ",
                       limits_.max_fault_rules,
                       " per namespace (--max-fault-rules)"));
      return;
    }
    absl::flat_hash_map<std::string, size_t> seen_ids;
    for (size_t i = 0; i < node.size(); ++i) {
      std::string key = IndexKey("faults", i);
      model::FaultRule rule;
      if (!ReadFaultRule(node[i], key, reader_, rule)) continue;
      if (!rule.id.empty()) {
        if (auto [it, inserted] = seen_ids.emplace(rule.id, i); !inserted) {
          reader_.Report(node[i]["id"], SubKey(key, "id"),
                         absl::StrCat("duplicate id: faults[", it->second,
                                      "] has it too"));
        }
      }
      scenario_.faults.push_back(std::move(rule));
    }
  }

  // SubKey(key, name) in a buffer reused for every customer; valid until the
  // next call.
  const std::string& Sub(absl::string_view key, absl::string_view name) {
    sub_key_.clear();
    absl::StrAppend(&sub_key_, key, ".", name);
    return sub_key_;
  }

  model::Scenario& scenario_;
  const ScenarioLimits& limits_;
  YamlReader reader_;
  std::string sub_key_;
  // Streaming: whether the customers came item by item, which of the keys
  // before them were there, and whether they must be read again.
  bool streamed_ = false;
  struct {
    bool version = false, settings = false, flags = false;
  } read_early_;
  bool needs_whole_read_ = false;
  // Reading customers.
  struct {
    int64_t limit = 0;
    int64_t count = 0;  // streamed items, read or not
    model::Settings flag_settings;
    // Views of the records' ids, which are UUIDs and so never short enough
    // to sit inside the string: they stay put when the vector grows.
    absl::flat_hash_map<absl::string_view, size_t> seen_ids;
    YamlReader::Mark mark;
    std::string key;  // reused: a million customers, a million fewer copies
  } customers_;
};

// The problems that fit in one error message, then how many did not.
std::string ProblemsMessage(absl::string_view source,
                            const std::vector<Problem>& problems,
                            size_t unlisted) {
  // Room for the last line, which says how many are missing.
  constexpr size_t kBudget = errors::kMaxErrorMessageBytes - 120;
  std::string message;
  size_t listed = 0;
  for (const Problem& problem : problems) {
    std::string line = FormatProblems(source, {problem});
    if (listed > 0 && message.size() + line.size() + 1 > kBudget) break;
    absl::StrAppend(&message, listed > 0 ? "\n" : "", line);
    ++listed;
  }
  if (size_t more = problems.size() - listed + unlisted; more > 0) {
    absl::StrAppend(&message, "\n", source, ": and ", more, " more problem",
                    more == 1 ? "" : "s",
                    " (customer-fake validate lists up to ", kMaxProblems, ")");
  }
  return message;
}

}  // namespace

absl::StatusOr<model::Scenario> ParseScenario(absl::string_view yaml,
                                              absl::string_view source,
                                              std::vector<Problem>* problems,
                                              const ScenarioLimits& limits) {
  if (yaml.size() > limits.max_bytes) {
    return errors::ScenarioTooLarge(source, yaml.size(), limits.max_bytes);
  }
  model::Scenario scenario;
  std::unique_ptr<yaml::Document> document;
  auto reader = std::make_unique<ScenarioReader>(scenario, limits);
  std::vector<Problem> found =
      ParseYaml(yaml, &document, limits.max_bytes, "customers", reader.get());
  size_t unlisted = 0;
  if (found.empty()) {
    reader->Read(document->root());
    if (reader->needs_whole_read()) {
      // Settings or flags after the customers they govern: once more, all
      // of the document in one tree.
      scenario = model::Scenario();
      reader = std::make_unique<ScenarioReader>(scenario, limits);
      found = ParseYaml(yaml, &document, limits.max_bytes);
      if (found.empty()) reader->Read(document->root());
    }
    if (found.empty()) {
      found = reader->reader().problems();
      unlisted = reader->reader().unlisted();
    }
  }
  if (found.empty()) return scenario;
  std::stable_sort(
      found.begin(), found.end(), [](const Problem& a, const Problem& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      });
  std::string message = ProblemsMessage(source, found, unlisted);
  if (problems != nullptr) {
    *problems = std::move(found);
    if (unlisted > 0) {
      problems->push_back({0, 0, "",
                           absl::StrCat("and ", unlisted, " more problem",
                                        unlisted == 1 ? "" : "s")});
    }
  }
  return errors::InvalidScenario(message);
}

absl::StatusOr<model::Scenario> LoadScenarioFile(const std::string& path,
                                                 std::vector<Problem>* problems,
                                                 const ScenarioLimits& limits) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::NotFoundError(
        absl::StrCat(path, ": is a directory, not a scenario file"));
  }
  // A regular file's size is known before reading, so a huge one is refused
  // without loading it.
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > limits.max_bytes) {
    return errors::ScenarioTooLarge(path, size, limits.max_bytes);
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open the scenario file"));
  }
  // Others (a pipe) are read up to one byte past the limit.
  std::string text;
  if (!error) text.reserve(size);
  char buffer[1 << 16];
  while (file.read(buffer, sizeof(buffer)) || file.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(file.gcount()));
    if (text.size() > limits.max_bytes) {
      return errors::ScenarioTooLarge(path, text.size(), limits.max_bytes);
    }
  }
  if (file.bad()) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read the scenario file"));
  }
  return ParseScenario(text, path, problems, limits);
}

}  // namespace customerfake::scenario
