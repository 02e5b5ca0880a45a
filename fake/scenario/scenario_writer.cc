#include "fake/scenario/scenario_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fake/errors/grpc_status.h"
#include "fake/scenario/yaml_tree.h"

namespace customerfake::scenario {
namespace {

std::string DurationText(absl::Duration duration) {
  return absl::FormatDuration(duration);
}

void WriteStringMap(yaml::Emitter& out, const char* key,
                    const std::map<std::string, std::string>& map) {
  if (map.empty()) return;
  out << yaml::Key << key << yaml::Value << yaml::BeginMap;
  for (const auto& [name, value] : map) {
    out << yaml::Key << name << yaml::Value << yaml::DoubleQuoted << value;
  }
  out << yaml::EndMap;
}

// A response's JSON (parsed as YAML) written so that YamlToJson reads it back
// to the same JSON: strings double-quoted, numbers, booleans and null plain.
// Emitting the parsed node as it is would write a string such as "-3740" or
// "null" plain, which reads back as a number or null.
void WriteJson(yaml::Emitter& out, const yaml::Node& node) {
  switch (node.Type()) {
    case yaml::NodeType::kMap:
      out << yaml::Flow << yaml::BeginMap;
      for (const auto& entry : yaml::Entries(node)) {
        out << yaml::Key << yaml::DoubleQuoted << entry.first.Scalar()
            << yaml::Value;
        WriteJson(out, entry.second);
      }
      out << yaml::EndMap;
      return;
    case yaml::NodeType::kSequence:
      out << yaml::Flow << yaml::BeginSeq;
      for (size_t i = 0; i < node.size(); ++i) WriteJson(out, node[i]);
      out << yaml::EndSeq;
      return;
    case yaml::NodeType::kScalar:
      if (node.IsQuoted()) out << yaml::DoubleQuoted;  // a JSON string
      out << node.Scalar();
      return;
    default:
      out << yaml::Null;
  }
}

void WriteAction(yaml::Emitter& out, const model::FaultAction& action) {
  out << yaml::BeginMap;
  out << yaml::Key << "code" << yaml::Value << errors::CodeName(action.code);
  if (!action.message.empty()) {
    out << yaml::Key << "message" << yaml::Value << yaml::DoubleQuoted
        << action.message;
  }
  if (!action.reason.empty()) {
    out << yaml::Key << "reason" << yaml::Value << action.reason;
  }
  WriteStringMap(out, "error_metadata", action.error_metadata);
  if (action.retry_delay) {
    out << yaml::Key << "retry_delay" << yaml::Value
        << DurationText(*action.retry_delay);
  }
  if (action.delay > absl::ZeroDuration()) {
    out << yaml::Key << "delay" << yaml::Value << DurationText(action.delay);
  }
  if (action.hang) out << yaml::Key << "hang" << yaml::Value << true;
  if (action.serve_first) {
    out << yaml::Key << "serve_first" << yaml::Value << true;
  }
  if (action.reset_stream) {
    out << yaml::Key << "reset_stream" << yaml::Value << true;
  }
  if (action.close_connection) {
    out << yaml::Key << "close_connection" << yaml::Value << true;
  }
  if (action.response_json) {
    out << yaml::Key << "response" << yaml::Value;
    // JSON is YAML, and this JSON was checked when the rule was read.
    yaml::SyntaxError error;
    WriteJson(out,
              yaml::Document::Parse(*action.response_json, &error)->root());
  }
  out << yaml::EndMap;
}

void WriteRule(yaml::Emitter& out, const model::FaultRule& rule) {
  out << yaml::BeginMap;
  out << yaml::Key << "id" << yaml::Value << yaml::DoubleQuoted << rule.id;
  out << yaml::Key << "method" << yaml::Value << yaml::DoubleQuoted
      << rule.method;
  WriteStringMap(out, "match_metadata", rule.match_metadata);
  WriteStringMap(out, "match_request", rule.match_request);
  if (rule.skip != 0) out << yaml::Key << "skip" << yaml::Value << rule.skip;
  if (rule.times != 0) out << yaml::Key << "times" << yaml::Value << rule.times;
  if (rule.probability != 1.0) {
    // Every digit, so that it reads back as the same double.
    out << yaml::Key << "probability" << yaml::Value
        << absl::StrFormat("%.17g", rule.probability);
  }
  if (rule.action) {
    out << yaml::Key << "action" << yaml::Value;
    WriteAction(out, *rule.action);
  } else {
    out << yaml::Key << "sequence" << yaml::Value << yaml::BeginSeq;
    for (const model::FaultAction& action : rule.sequence) {
      WriteAction(out, action);
    }
    out << yaml::EndSeq;
  }
  out << yaml::EndMap;
}

void WriteStringList(yaml::Emitter& out, const char* key,
                     const std::vector<std::string>& list) {
  out << yaml::Key << key << yaml::Value << yaml::Flow << yaml::BeginSeq;
  for (const std::string& item : list) out << yaml::DoubleQuoted << item;
  out << yaml::EndSeq;
}

void WriteSettings(yaml::Emitter& out, const model::Settings& settings) {
  out << yaml::Key << "settings" << yaml::Value << yaml::BeginMap;
  out << yaml::Key << "page_size" << yaml::Value << yaml::Flow << yaml::BeginMap
      << yaml::Key << "default" << yaml::Value << settings.default_page_size
      << yaml::Key << "max" << yaml::Value << settings.max_page_size
      << yaml::EndMap;
  out << yaml::Key << "auth" << yaml::Value << yaml::BeginMap << yaml::Key
      << "mode" << yaml::Value << model::AuthModeName(settings.auth_mode);
  if (!settings.tokens.empty()) WriteStringList(out, "tokens", settings.tokens);
  if (!settings.oauth_clients.empty()) {
    out << yaml::Key << "clients" << yaml::Value << yaml::BeginSeq;
    for (const model::OAuthClient& client : settings.oauth_clients) {
      out << yaml::Flow << yaml::BeginMap << yaml::Key << "id" << yaml::Value
          << yaml::DoubleQuoted << client.id << yaml::Key << "secret"
          << yaml::Value << yaml::DoubleQuoted << client.secret << yaml::EndMap;
    }
    out << yaml::EndSeq;
  }
  if (settings.token_ttl != absl::Hours(1)) {
    out << yaml::Key << "token_ttl" << yaml::Value
        << DurationText(settings.token_ttl);
  }
  out << yaml::EndMap;
  if (settings.id_seed) {
    out << yaml::Key << "id_seed" << yaml::Value << *settings.id_seed;
  }
  if (settings.fault_seed) {
    out << yaml::Key << "fault_seed" << yaml::Value << *settings.fault_seed;
  }
  out << yaml::Key << "error_domain" << yaml::Value << settings.error_domain;
  if (!settings.languages.empty()) {
    WriteStringList(out, "languages", settings.languages);
  }
  out << yaml::Key << "max_customers" << yaml::Value << settings.max_customers;
  out << yaml::EndMap;
}

}  // namespace

std::string WriteScenario(const model::Scenario& scenario) {
  yaml::Emitter out;
  out << yaml::BeginMap;
  out << yaml::Key << "version" << yaml::Value << 1;
  WriteSettings(out, scenario.settings);
  const model::Settings& settings = scenario.settings;
  if (!settings.known_flags.empty() || !settings.read_only_flags.empty()) {
    out << yaml::Key << "flags" << yaml::Value << yaml::BeginMap;
    WriteStringList(out, "known", settings.known_flags);
    WriteStringList(out, "read_only", settings.read_only_flags);
    out << yaml::EndMap;
  }
  out << yaml::Key << "customers" << yaml::Value << yaml::BeginSeq;
  for (const model::CustomerRecord& customer : scenario.customers) {
    const model::CustomerFields& f = customer.fields;
    out << yaml::BeginMap;
    if (!customer.id.empty()) {  // generated at load when absent
      out << yaml::Key << "id" << yaml::Value << customer.id;
    }
    for (auto [key, value] : {std::pair{"given_name", &f.given_name},
                              std::pair{"family_name", &f.family_name},
                              std::pair{"email_address", &f.email_address},
                              std::pair{"language_code", &f.language_code},
                              std::pair{"phone_number", &f.phone_number}}) {
      out << yaml::Key << key << yaml::Value << yaml::DoubleQuoted << *value;
    }
    if (!customer.flags.empty()) WriteStringList(out, "flags", customer.flags);
    out << yaml::EndMap;
  }
  out << yaml::EndSeq;
  out << yaml::Key << "faults" << yaml::Value << yaml::BeginSeq;
  for (const model::FaultRule& rule : scenario.faults) WriteRule(out, rule);
  out << yaml::EndSeq;
  out << yaml::EndMap;
  return out.Finish();
}

std::string WriteFaultRule(const model::FaultRule& rule) {
  yaml::Emitter out;
  WriteRule(out, rule);
  return out.Finish();
}

}  // namespace customerfake::scenario
