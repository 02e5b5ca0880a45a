#include "fake/model/json_string.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace customerfake::model {

namespace {

// The code point of the UTF-8 sequence at text[i] when it is one YAML must
// not see raw (AppendJsonString), and how many bytes it takes; 0 otherwise.
size_t YamlUnsafe(absl::string_view text, size_t i, uint32_t* code) {
  auto byte = [&](size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  if (byte(0) == 0x7F) {
    *code = 0x7F;
    return 1;
  }
  if (byte(0) == 0xC2 && byte(1) >= 0x80 && byte(1) <= 0x9F) {
    *code = byte(1);  // U+0080..U+009F
    return 2;
  }
  const uint32_t three =
      byte(0) << 16 | byte(1) << 8 | byte(2);  // 0 past the end
  switch (three) {
    case 0xE280A8:  // U+2028
    case 0xE280A9:  // U+2029
    case 0xEFBBBF:  // U+FEFF
    case 0xEFBFBE:  // U+FFFE
    case 0xEFBFBF:  // U+FFFF
      *code = (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
      return 3;
    default:
      return 0;
  }
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string& out) {
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    uint32_t code;
    if (const size_t length = YamlUnsafe(text, i, &code); length > 0) {
      absl::StrAppend(&out, "\\u", absl::Hex(code, absl::kZeroPad4));
      i += length - 1;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string JsonString(absl::string_view text) {
  std::string out;
  AppendJsonString(text, out);
  return out;
}

}  // namespace customerfake::model
