// How the fake logs: the access log's format and level (--log-format,
// --log-level).
#ifndef CUSTOMER_FAKE_MODEL_LOGGING_H_
#define CUSTOMER_FAKE_MODEL_LOGGING_H_

#include "absl/strings/string_view.h"

namespace customerfake::model {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

bool ParseLogFormat(absl::string_view text, LogFormat* format);
bool ParseLogLevel(absl::string_view text, LogLevel* level);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_LOGGING_H_
