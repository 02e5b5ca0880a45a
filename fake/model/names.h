// Names the fake checks everywhere: namespaces and customer ids; and the
// "did you mean" of a misspelled one.
#ifndef CUSTOMER_FAKE_MODEL_NAMES_H_
#define CUSTOMER_FAKE_MODEL_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace customerfake::model {

// The namespace of a call without an `x-fake-namespace` header.
inline constexpr absl::string_view kDefaultNamespace = "default";

// True for 1-64 characters of [A-Za-z0-9._-].
bool IsValidNamespaceName(absl::string_view name);

// True for lowercase or uppercase 8-4-4-4-12 hex UUID text.
bool IsUuid(absl::string_view text);

// The candidate closest to `word` by edit distance, when it is close enough
// to be a likely misspelling (at most a third of its letters differ, and at
// least one); empty otherwise. For "did you mean ...?" hints.
std::string Closest(absl::string_view word,
                    absl::Span<const std::string> candidates);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_NAMES_H_
