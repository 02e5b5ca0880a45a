#include "fake/server/cli_flags.h"

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace customerfake::cli {

absl::StatusOr<std::vector<std::string>> ParseFlags(
    absl::Span<char* const> args) {
  std::vector<std::string> positional;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
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
    if (flag_name == "namespace") flag_name = "ns";  // a C++ keyword
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr && absl::StartsWith(flag_name, "no") && !value) {
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(flag_name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) {
        flag = negated;
        value = "false";
      }
    }
    if (flag == nullptr ||
        flag->Filename().find("/fake/") == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
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
    if (flag->IsOfType<std::vector<std::string>>() &&
        !seen.insert(std::string(flag->Name())).second) {
      value = absl::StrCat(flag->CurrentValue(), ",", *value);
    }
    std::string error;
    if (!flag->ParseFrom(*value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value \"", *value, "\" for --", name, ": ", error));
    }
  }
  return positional;
}

std::string FlagHelp(absl::Span<const absl::string_view> names) {
  std::string out;
  for (absl::string_view name : names) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::string default_value = flag->DefaultValue();
    absl::StrAppendFormat(
        &out, "  --%-18s %s%s\n",
        absl::StrReplaceAll(flag->Name(), {{"_", "-"}}), flag->Help(),
        default_value.empty() || default_value == "false"
            ? ""
            : absl::StrCat(" (default: ", default_value, ")"));
  }
  return out;
}

}  // namespace customerfake::cli
