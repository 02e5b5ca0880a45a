#include "fake/model/logging.h"

namespace customerfake::model {

bool ParseLogFormat(absl::string_view text, LogFormat* format) {
  if (text == "text")
    *format = LogFormat::kText;
  else if (text == "json")
    *format = LogFormat::kJson;
  else
    return false;
  return true;
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  if (text == "debug")
    *level = LogLevel::kDebug;
  else if (text == "info")
    *level = LogLevel::kInfo;
  else if (text == "warn")
    *level = LogLevel::kWarn;
  else if (text == "error")
    *level = LogLevel::kError;
  else if (text == "off")
    *level = LogLevel::kOff;
  else
    return false;
  return true;
}

}  // namespace customerfake::model
