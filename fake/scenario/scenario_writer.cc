#include "fake/scenario/scenario_writer.h"

#include "absl/strings/str_cat.h"
#include "fake/errors/grpc_status.h"
#include "yaml-cpp/yaml.h"

namespace customerfake::scenario {
namespace {

std::string DurationText(absl::Duration duration) {
  return absl::FormatDuration(duration);
}

void WriteStringMap(YAML::Emitter& out, const char* key,
                    const std::map<std::string, std::string>& map) {
  if (map.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : map) {
    out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << value;
  }
  out << YAML::EndMap;
}

// A response's JSON (parsed as YAML) written so that YamlToJson reads it back
// to the same JSON: strings double-quoted, numbers, booleans and null plain.
// Emitting the parsed node as it is would write a string such as "-3740" or
// "null" plain, which reads back as a number or null.
void WriteJson(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::Flow << YAML::BeginMap;
      for (const auto& entry : node) {
        out << YAML::Key << YAML::DoubleQuoted << entry.first.Scalar()
            << YAML::Value;
        WriteJson(out, entry.second);
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& item : node) WriteJson(out, item);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") out << YAML::DoubleQuoted;  // a JSON string
      out << node.Scalar();
      return;
    default:
      out << YAML::Null;
  }
}

void WriteAction(YAML::Emitter& out, const model::FaultAction& action) {
  out << YAML::BeginMap;
  out << YAML::Key << "code" << YAML::Value << errors::CodeName(action.code);
  if (!action.message.empty()) {
    out << YAML::Key << "message" << YAML::Value << YAML::DoubleQuoted
        << action.message;
  }
  if (!action.reason.empty()) {
    out << YAML::Key << "reason" << YAML::Value << action.reason;
  }
  WriteStringMap(out, "error_metadata", action.error_metadata);
  if (action.retry_delay) {
    out << YAML::Key << "retry_delay" << YAML::Value
        << DurationText(*action.retry_delay);
  }
  if (action.delay > absl::ZeroDuration()) {
    out << YAML::Key << "delay" << YAML::Value << DurationText(action.delay);
  }
  if (action.hang) out << YAML::Key << "hang" << YAML::Value << true;
  if (action.serve_first) {
    out << YAML::Key << "serve_first" << YAML::Value << true;
  }
  if (action.reset_stream) {
    out << YAML::Key << "reset_stream" << YAML::Value << true;
  }
  if (action.close_connection) {
    out << YAML::Key << "close_connection" << YAML::Value << true;
  }
  if (action.response_json) {
    out << YAML::Key << "response" << YAML::Value;
    WriteJson(out, YAML::Load(*action.response_json));  // JSON is YAML
  }
  out << YAML::EndMap;
}

void WriteRule(YAML::Emitter& out, const model::FaultRule& rule) {
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << rule.id;
  out << YAML::Key << "method" << YAML::Value << YAML::DoubleQuoted
      << rule.method;
  WriteStringMap(out, "match_metadata", rule.match_metadata);
  WriteStringMap(out, "match_request", rule.match_request);
  if (rule.skip != 0) out << YAML::Key << "skip" << YAML::Value << rule.skip;
  if (rule.times != 0) out << YAML::Key << "times" << YAML::Value << rule.times;
  if (rule.probability != 1.0) {
    out << YAML::Key << "probability" << YAML::Value << YAML::Precision(17)
        << rule.probability;
  }
  if (rule.action) {
    out << YAML::Key << "action" << YAML::Value;
    WriteAction(out, *rule.action);
  } else {
    out << YAML::Key << "sequence" << YAML::Value << YAML::BeginSeq;
    for (const model::FaultAction& action : rule.sequence) {
      WriteAction(out, action);
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void WriteStringList(YAML::Emitter& out, const char* key,
                     const std::vector<std::string>& list) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& item : list) out << YAML::DoubleQuoted << item;
  out << YAML::EndSeq;
}

void WriteSettings(YAML::Emitter& out, const model::Settings& settings) {
  out << YAML::Key << "settings" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "page_size" << YAML::Value << YAML::Flow << YAML::BeginMap
      << YAML::Key << "default" << YAML::Value << settings.default_page_size
      << YAML::Key << "max" << YAML::Value << settings.max_page_size
      << YAML::EndMap;
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap << YAML::Key
      << "mode" << YAML::Value << model::AuthModeName(settings.auth_mode);
  if (!settings.tokens.empty()) WriteStringList(out, "tokens", settings.tokens);
  if (!settings.oauth_clients.empty()) {
    out << YAML::Key << "clients" << YAML::Value << YAML::BeginSeq;
    for (const model::OAuthClient& client : settings.oauth_clients) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value
          << YAML::DoubleQuoted << client.id << YAML::Key << "secret"
          << YAML::Value << YAML::DoubleQuoted << client.secret << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (settings.token_ttl != absl::Hours(1)) {
    out << YAML::Key << "token_ttl" << YAML::Value
        << DurationText(settings.token_ttl);
  }
  out << YAML::EndMap;
  if (settings.id_seed) {
    out << YAML::Key << "id_seed" << YAML::Value << *settings.id_seed;
  }
  if (settings.fault_seed) {
    out << YAML::Key << "fault_seed" << YAML::Value << *settings.fault_seed;
  }
  out << YAML::Key << "error_domain" << YAML::Value << settings.error_domain;
  if (!settings.languages.empty()) {
    WriteStringList(out, "languages", settings.languages);
  }
  out << YAML::Key << "max_customers" << YAML::Value << settings.max_customers;
  out << YAML::EndMap;
}

}  // namespace

std::string WriteScenario(const model::Scenario& scenario) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << 1;
  WriteSettings(out, scenario.settings);
  const model::Settings& settings = scenario.settings;
  if (!settings.known_flags.empty() || !settings.read_only_flags.empty()) {
    out << YAML::Key << "flags" << YAML::Value << YAML::BeginMap;
    WriteStringList(out, "known", settings.known_flags);
    WriteStringList(out, "read_only", settings.read_only_flags);
    out << YAML::EndMap;
  }
  out << YAML::Key << "customers" << YAML::Value << YAML::BeginSeq;
  for (const model::CustomerRecord& customer : scenario.customers) {
    const model::CustomerFields& f = customer.fields;
    out << YAML::BeginMap;
    if (!customer.id.empty()) {  // generated at load when absent
      out << YAML::Key << "id" << YAML::Value << customer.id;
    }
    for (auto [key, value] : {std::pair{"given_name", &f.given_name},
                              std::pair{"family_name", &f.family_name},
                              std::pair{"email_address", &f.email_address},
                              std::pair{"language_code", &f.language_code},
                              std::pair{"phone_number", &f.phone_number}}) {
      out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << *value;
    }
    if (!customer.flags.empty()) WriteStringList(out, "flags", customer.flags);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
  for (const model::FaultRule& rule : scenario.faults) WriteRule(out, rule);
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string WriteFaultRule(const model::FaultRule& rule) {
  YAML::Emitter out;
  WriteRule(out, rule);
  return out.c_str();
}

}  // namespace customerfake::scenario
