// Names the fake checks everywhere: namespaces and customer ids.
#ifndef CUSTOMER_FAKE_MODEL_NAMES_H_
#define CUSTOMER_FAKE_MODEL_NAMES_H_

#include "absl/strings/string_view.h"

namespace customerfake::model {

// The namespace of a call without an `x-fake-namespace` header.
inline constexpr absl::string_view kDefaultNamespace = "default";

// True for 1-64 characters of [A-Za-z0-9._-].
bool IsValidNamespaceName(absl::string_view name);

// True for lowercase or uppercase 8-4-4-4-12 hex UUID text.
bool IsUuid(absl::string_view text);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_NAMES_H_
