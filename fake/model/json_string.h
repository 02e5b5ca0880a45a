#ifndef CUSTOMER_FAKE_MODEL_JSON_STRING_H_
#define CUSTOMER_FAKE_MODEL_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace customerfake::model {

// Appends `text` as a JSON string literal: quotes, backslashes and control
// characters escaped, everything else as is. `text` must be UTF-8 (see
// errors::Printable for text from a client).
void AppendJsonString(absl::string_view text, std::string& out);
std::string JsonString(absl::string_view text);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_JSON_STRING_H_
