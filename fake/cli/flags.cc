#include "fake/cli/flags.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "fake/model/names.h"

extern char** environ;

namespace customerfake::cli {
namespace {

// Command-line names that differ from the flag's defined name.
constexpr std::pair<absl::string_view, absl::string_view> kAliases[] = {
    {"namespace", "ns"},  // a C++ keyword
};

// What a flag's value looks like in help texts: --listen HOST:PORT.
absl::string_view Placeholder(absl::string_view flag_name) {
  static constexpr std::pair<absl::string_view, absl::string_view> kValues[] = {
      {"listen", "HOST:PORT"},
      {"scenario", "FILE"},
      {"protos", "DIR"},
      {"control_listen", "HOST:PORT"},
      {"control_token", "TOKEN"},
      {"seed", "N"},
      {"auth", "MODE"},
      {"token", "TOKEN"},
      {"oauth_listen", "HOST:PORT"},
      {"oauth_client", "ID:SECRET"},
      {"ui_listen", "HOST:PORT"},
      {"oauth_token_ttl", "DURATION"},
      {"tls_cert", "FILE"},
      {"tls_key", "FILE"},
      {"tls_self_signed", "DIR"},
      {"tls_host", "NAME"},
      {"state_file", "FILE"},
      {"state_interval", "DURATION"},
      {"shutdown_grace", "DURATION"},
      {"state_sync", "periodic|always"},
      {"log_format", "text|json"},
      {"log_level", "LEVEL"},
      {"addr", "HOST:PORT"},
      {"ns", "NAME"},
      {"method", "METHOD"},
      {"timeout", "DURATION"},
      {"tls_ca", "FILE"},
      {"tls_server_name", "NAME"},
      {"token_url", "URL"},
      {"client", "ID:SECRET"},
      {"only", "PATTERN"},
      {"flag", "NAME"},
  };
  for (const auto& [name, value] : kValues) {
    if (name == flag_name) return value;
  }
  return "N";  // the limits: numbers
}

// Flags of the fake's own command line, as opposed to those of libraries.
bool IsOwnFlag(const absl::CommandLineFlag& flag) {
  return flag.Filename().find("/fake/") != std::string::npos;
}

// The name a person writes, underscores kept: "max_namespaces", "namespace".
std::string SpelledName(absl::string_view flag_name) {
  for (const auto& [spelled, defined] : kAliases) {
    if (flag_name == defined) return std::string(spelled);
  }
  return std::string(flag_name);
}

// Defined names of the flags whose value the last ParseFlags took from the
// environment.
absl::flat_hash_set<std::string>& EnvSetFlags() {
  static auto* flags = new absl::flat_hash_set<std::string>();
  return *flags;
}

// Sets from CUSTOMER_FAKE_* variables the flags not in `given` (the command
// line wins). A variable that names no flag adds a warning.
absl::Status ApplyEnvironment(const absl::flat_hash_set<std::string>& given,
                              std::vector<std::string>* warnings) {
  absl::flat_hash_map<std::string, absl::CommandLineFlag*> by_variable;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOwnFlag(*flag) && name != "help") {
      by_variable[EnvVarName(name)] = flag;
    }
  }
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    absl::string_view text = *entry;
    if (absl::StartsWith(text, kEnvPrefix)) {
      variables.emplace_back(text.substr(0, text.find('=')));
    }
  }
  std::sort(variables.begin(), variables.end());  // a stable order
  for (const std::string& variable : variables) {
    auto it = by_variable.find(variable);
    if (it == by_variable.end()) {
      if (warnings != nullptr) {
        std::string name = absl::AsciiStrToLower(
            absl::string_view(variable).substr(kEnvPrefix.size()));
        if (SpelledName(name) != name) {  // CUSTOMER_FAKE_NS
          warnings->push_back(
              absl::StrCat("ignoring ", variable, ": use ", EnvVarName(name)));
        } else {
          warnings->push_back(absl::StrCat(
              "ignoring ", variable, ": there is no flag --",
              absl::StrReplaceAll(name, {{"_", "-"}}), " (see --help)"));
        }
      }
      continue;
    }
    absl::CommandLineFlag* flag = it->second;
    if (given.contains(flag->Name())) continue;
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') continue;  // unset, as in compose
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad value \"", value, "\" for ", variable, ": ", error));
    }
    EnvSetFlags().insert(std::string(flag->Name()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string DidYouMean(absl::string_view word,
                       absl::Span<const std::string> candidates) {
  std::string closest = model::Closest(word, candidates);
  return closest.empty() ? "" : absl::StrCat(" (did you mean ", closest, "?)");
}

std::string Count(uint64_t n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

std::vector<std::string> OwnFlagNames() {
  std::vector<std::string> names;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOwnFlag(*flag)) {
      names.push_back(absl::StrReplaceAll(SpelledName(name), {{"_", "-"}}));
    }
  }
  std::sort(names.begin(), names.end());  // ties go to the first in order
  return names;
}

absl::StatusOr<std::vector<std::string>> ParseFlags(
    absl::Span<char* const> args, std::vector<std::string>* warnings,
    std::vector<std::string>* given_in_order) {
  std::vector<std::string> positional;
  absl::flat_hash_set<std::string> given;  // defined names
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "-h") arg = "--help";
    if (arg == "--") {
      for (++i; i < args.size(); ++i) positional.emplace_back(args[i]);
      break;
    }
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      positional.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    absl::string_view name = arg;
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    }
    // Flags are written with dashes on the command line (--max-namespaces)
    // and defined with underscores, as absl requires.
    std::string flag_name = absl::StrReplaceAll(name, {{"-", "_"}});
    for (const auto& [spelled, defined] : kAliases) {
      if (flag_name == spelled) flag_name = std::string(defined);
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr && absl::StartsWith(flag_name, "no") && !value) {
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(flag_name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) {
        flag = negated;
        value = "false";
      }
    }
    if (flag == nullptr || !IsOwnFlag(*flag)) {
      std::vector<std::string> known = OwnFlagNames();
      std::string closest = model::Closest(name, known);
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name,
          closest.empty() ? ""
                          : absl::StrCat(" (did you mean --", closest, "?)"),
          " (see --help)"));
    }
    if (!value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
    }
    if (!given.insert(std::string(flag->Name())).second) {
      if (flag->IsOfType<std::vector<std::string>>()) {
        value = absl::StrCat(flag->CurrentValue(), ",", *value);
      }
    } else if (given_in_order != nullptr) {
      given_in_order->emplace_back(flag->Name());
    }
    std::string error;
    if (!flag->ParseFrom(*value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", *value, "\" for --", name, ": ", error));
    }
  }
  EnvSetFlags().clear();
  if (absl::Status status = ApplyEnvironment(given, warnings); !status.ok()) {
    return status;
  }
  return positional;
}

std::string EnvVarName(absl::string_view flag_name) {
  return absl::StrCat(kEnvPrefix,
                      absl::AsciiStrToUpper(SpelledName(flag_name)));
}

bool FromEnv(absl::string_view flag_name) {
  return EnvSetFlags().contains(flag_name);
}

std::string FlagRef(absl::string_view flag_name) {
  if (FromEnv(flag_name)) return EnvVarName(flag_name);
  return absl::StrCat(
      "--", absl::StrReplaceAll(SpelledName(flag_name), {{"_", "-"}}));
}

std::string FlagHelp(absl::Span<const absl::string_view> names) {
  constexpr size_t kNameWidth = 30;  // "  --name VALUE" and room
  constexpr size_t kLineWidth = 80;
  std::string out;
  for (absl::string_view name : names) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::string spelled = absl::StrCat(
        "  --", absl::StrReplaceAll(SpelledName(flag->Name()), {{"_", "-"}}));
    if (!flag->IsOfType<bool>()) {
      absl::StrAppend(&spelled, " ", Placeholder(name));
    }
    std::string default_value = flag->DefaultValue();
    std::string text = absl::StrCat(
        flag->Help(), default_value.empty() || default_value == "false"
                          ? ""
                          : absl::StrCat(" (default: ", default_value, ")"));
    // The help wrapped at spaces into the column after the name; on a line
    // of its own when the name is too wide.
    std::string line = spelled;
    if (line.size() + 1 >= kNameWidth) {
      absl::StrAppend(&out, line, "\n");
      line.clear();
    }
    for (absl::string_view word : absl::StrSplit(text, ' ')) {
      size_t column = std::max(line.size(), kNameWidth);
      if (line.size() > kNameWidth && column + 1 + word.size() > kLineWidth) {
        absl::StrAppend(&out, line, "\n");
        line.clear();
      }
      if (line.size() < kNameWidth) {
        line.resize(kNameWidth, ' ');
      } else {
        line += ' ';
      }
      absl::StrAppend(&line, word);
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

}  // namespace customerfake::cli
