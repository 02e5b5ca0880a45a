#ifndef CUSTOMER_FAKE_CLI_FLAGS_H_
#define CUSTOMER_FAKE_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace customerfake::cli {

// Every flag --foo-bar of the fake may also come from the environment
// variable CUSTOMER_FAKE_FOO_BAR (--namespace from CUSTOMER_FAKE_NAMESPACE).
inline constexpr absl::string_view kEnvPrefix = "CUSTOMER_FAKE_";

// Sets the absl flags named in `args` ("--name=value", "--name value",
// "--bool", "--nobool"); a flag of type std::vector<std::string> given more
// than once collects all values. Then sets every flag not given in `args`
// from its environment variable, when that is set and not empty: the command
// line wins. Returns the positional arguments, or an error naming the first
// bad flag or variable; an unknown flag with a "did you mean" when one is
// close. "-h" is --help. `given` (when not null) receives the defined names
// of the flags set on the command line, in order, so that the caller can
// refuse those that do not apply to the command. A CUSTOMER_FAKE_ variable
// that names no flag is
// ignored with a message in `warnings` (when given): the environment is
// shared with other programs (CI systems pass a job's variables to its
// services), so it is not refused like an unknown flag. Unlike
// absl::ParseCommandLine it never exits, so the caller decides the exit code.
absl::StatusOr<std::vector<std::string>> ParseFlags(
    absl::Span<char* const> args, std::vector<std::string>* warnings = nullptr,
    std::vector<std::string>* given = nullptr);

// The environment variable of a flag, by its defined name:
// "max_namespaces" -> "CUSTOMER_FAKE_MAX_NAMESPACES".
std::string EnvVarName(absl::string_view flag_name);

// Whether the last ParseFlags took this flag's value from the environment.
bool FromEnv(absl::string_view flag_name);

// How a message names the flag: "--max-namespaces", or
// "CUSTOMER_FAKE_MAX_NAMESPACES" when its value came from the environment.
std::string FlagRef(absl::string_view flag_name);

// " (did you mean X?)" for the candidate closest to `word` (model::Closest),
// or "".
std::string DidYouMean(absl::string_view word,
                       absl::Span<const std::string> candidates);

// The spelled names of the fake's own flags, with dashes: "max-namespaces".
std::vector<std::string> OwnFlagNames();

// "1 customer", "2 customers": a count and its noun, plural with an s.
std::string Count(uint64_t n, absl::string_view noun);

// "  --name VALUE  help (default: value)" lines for the given flags (by
// defined name), VALUE a placeholder such as HOST:PORT or FILE, the help
// wrapped to 80 columns.
std::string FlagHelp(absl::Span<const absl::string_view> names);

}  // namespace customerfake::cli

#endif  // CUSTOMER_FAKE_CLI_FLAGS_H_
