#ifndef CUSTOMER_FAKE_MODEL_JSON_STRING_H_
#define CUSTOMER_FAKE_MODEL_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace customerfake::model {

// Appends `text` as a JSON string literal: quotes, backslashes and control
// characters escaped, everything else as is. Also escaped are the characters
// YAML cannot hold raw in a quoted string (DEL, the C1 controls, U+FEFF,
// U+FFFE, U+FFFF) or reads as line breaks (NEL, U+2028, U+2029), so that
// the JSON is also YAML that reads back to the same text, as the scenario
// writer relies on. `text` must be UTF-8 (see errors::Printable for text
// from a client).
void AppendJsonString(absl::string_view text, std::string& out);
std::string JsonString(absl::string_view text);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_JSON_STRING_H_
