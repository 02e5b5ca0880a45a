// Reading fault rules from YAML: structure and types here, meaning (methods,
// request fields, probability, action combinations) in model::ValidateRule.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fake/errors/errors.h"
#include "fake/errors/grpc_status.h"
#include "fake/model/fault_rule.h"
#include "fake/scenario/scenario_parser.h"

namespace customerfake::scenario {
namespace {

std::optional<absl::StatusCode> ReadCode(const yaml::Node& node,
                                         const std::string& key,
                                         YamlReader& reader) {
  std::optional<std::string> text = reader.String(node, key);
  if (!text) return std::nullopt;
  absl::StatusCode code;
  int number;
  if (errors::ParseCodeName(*text, &code)) return code;
  if (absl::SimpleAtoi(*text, &number) && number >= 0 && number <= 16) {
    return static_cast<absl::StatusCode>(number);
  }
  reader.Report(node, key,
                absl::StrCat("\"", *text,
                             "\" is not a gRPC code; use a name such as OK, "
                             "UNAVAILABLE or NOT_FOUND, or a number 0-16"));
  return std::nullopt;
}

// Error text longer than a client accepts would be cut on every answer;
// refused up front instead.
bool FitsAnError(const yaml::Node& node, const std::string& key,
                 absl::string_view text, size_t max_bytes, YamlReader& reader) {
  if (text.size() <= max_bytes) return true;
  reader.Report(node, key,
                absl::StrCat("has ", text.size(), " bytes; at most ", max_bytes,
                             " fit in an error a gRPC client accepts"));
  return false;
}

void ReadAction(const yaml::Node& node, const std::string& key,
                YamlReader& reader, model::FaultAction& action) {
  if (!reader.Map(node, key,
                  {"code", "message", "reason", "error_metadata", "retry_delay",
                   "delay", "hang", "response", "serve_first", "reset_stream",
                   "close_connection"})) {
    return;
  }
  for (const auto& entry : yaml::Entries(node)) {
    const absl::string_view name = entry.first.Scalar();
    const yaml::Node& value = entry.second;
    std::string at = SubKey(key, name);
    if (name == "code") {
      if (auto code = ReadCode(value, at, reader)) action.code = *code;
    } else if (name == "message") {
      if (auto text = reader.String(value, at);
          text && FitsAnError(value, at, *text, errors::kMaxErrorMessageBytes,
                              reader)) {
        action.message = *text;
      }
    } else if (name == "reason") {
      if (auto text = reader.String(value, at);
          text && FitsAnError(value, at, *text, errors::kMaxErrorMetadataBytes,
                              reader)) {
        action.reason = *text;
      }
    } else if (name == "error_metadata") {
      if (auto map = reader.StringMap(value, at)) {
        bool fits = true;
        for (const auto& [meta_key, text] : *map) {
          fits &= FitsAnError(value, SubKey(at, meta_key), meta_key,
                              errors::kMaxErrorMetadataBytes, reader) &&
                  FitsAnError(value, SubKey(at, meta_key), text,
                              errors::kMaxErrorMetadataBytes, reader);
        }
        if (fits) action.error_metadata = *map;
      }
    } else if (name == "retry_delay") {
      action.retry_delay = reader.Duration(value, at);
    } else if (name == "delay") {
      if (auto delay = reader.Duration(value, at)) action.delay = *delay;
    } else if (name == "hang") {
      if (auto hang = reader.Bool(value, at)) action.hang = *hang;
    } else if (name == "serve_first") {
      if (auto set = reader.Bool(value, at)) action.serve_first = *set;
    } else if (name == "reset_stream") {
      if (auto set = reader.Bool(value, at)) action.reset_stream = *set;
    } else if (name == "close_connection") {
      if (auto set = reader.Bool(value, at)) action.close_connection = *set;
    } else if (name == "response") {
      if (!value.IsMap()) {
        reader.Report(value, at,
                      "must be a mapping: the JSON form of the response");
      } else if (auto json = YamlToJson(value, kMaxResponseJsonBytes)) {
        action.response_json = *std::move(json);
      } else {
        reader.Report(
            value, at,
            absl::StrCat("expands to more than ", kMaxResponseJsonBytes,
                         " bytes of JSON (aliases repeat their "
                         "anchor's whole tree)"));
      }
    }
  }
}

}  // namespace

bool ReadFaultRule(const yaml::Node& node, const std::string& key,
                   YamlReader& reader, model::FaultRule& rule) {
  const size_t problems_before = reader.problems().size();
  if (!reader.Map(node, key,
                  {"id", "method", "match_metadata", "match_request", "skip",
                   "times", "probability", "action", "sequence"})) {
    return false;
  }
  for (const auto& entry : yaml::Entries(node)) {
    const absl::string_view name = entry.first.Scalar();
    const yaml::Node& value = entry.second;
    std::string at = SubKey(key, name);
    if (name == "id") {
      if (auto id = reader.String(value, at)) rule.id = *id;
    } else if (name == "method") {
      if (auto method = reader.String(value, at)) rule.method = *method;
    } else if (name == "match_metadata") {
      if (auto map = reader.StringMap(value, at)) {
        // gRPC delivers header names in lowercase.
        for (auto& [header, expected] : *map) {
          rule.match_metadata[absl::AsciiStrToLower(header)] = expected;
        }
      }
    } else if (name == "match_request") {
      if (auto map = reader.StringMap(value, at)) rule.match_request = *map;
    } else if (name == "skip") {
      if (auto n = reader.Int(value, at, 0, UINT32_MAX)) rule.skip = *n;
    } else if (name == "times") {
      if (auto n = reader.Int(value, at, 0, UINT32_MAX)) rule.times = *n;
    } else if (name == "probability") {
      if (auto p = reader.Double(value, at)) rule.probability = *p;
    } else if (name == "action") {
      rule.action.emplace();
      ReadAction(value, at, reader, *rule.action);
    } else if (name == "sequence") {
      if (reader.Sequence(value, at)) {
        for (size_t i = 0; i < value.size(); ++i) {
          ReadAction(value[i], IndexKey(at, i), reader,
                     rule.sequence.emplace_back());
        }
      }
    }
  }
  // The meaning is checked even when the structure had problems, so that a
  // file is refused with all of them; keys reported already are skipped.
  const std::vector<Problem> structural(
      reader.problems().begin() + problems_before, reader.problems().end());
  for (const model::RuleProblem& problem : model::ValidateRule(rule)) {
    std::string at = SubKey(key, problem.key);
    bool reported = std::any_of(
        structural.begin(), structural.end(),
        [&](const Problem& p) { return absl::StartsWith(p.key, at); });
    if (!reported) {
      reader.Report(NodeAt(node, problem.key), at, problem.message);
    }
  }
  return reader.problems().size() == problems_before;
}

absl::StatusOr<model::FaultRule> ParseFaultRule(absl::string_view yaml,
                                                absl::string_view source) {
  YamlReader reader;
  model::FaultRule rule;
  std::unique_ptr<yaml::Document> document;
  if (std::vector<Problem> problems =
          ParseYaml(yaml, &document, 4 * kMaxResponseJsonBytes);
      !problems.empty()) {
    return errors::InvalidFaultRule(FormatProblems(source, problems));
  }
  if (ReadFaultRule(document->root(), "", reader, rule)) return rule;
  return errors::InvalidFaultRule(FormatProblems(source, reader.problems()));
}

}  // namespace customerfake::scenario
