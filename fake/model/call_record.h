#ifndef CUSTOMER_FAKE_MODEL_CALL_RECORD_H_
#define CUSTOMER_FAKE_MODEL_CALL_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace customerfake::model {

// How a call ended, from the client's side.
enum class CallOutcome {
  kAnswered,           // the service's answer (or a canned one)
  kErrorInjected,      // a fault rule's error instead
  kReset,              // the HTTP/2 stream was reset
  kConnectionClosed,   // the connection was closed
  kCancelledByClient,  // the client cancelled before the answer
  kDeadlineExceeded,   // the client's deadline passed before the answer
};

// "answered", "error_injected", "reset", "connection_closed",
// "cancelled_by_client", "deadline_exceeded".
absl::string_view CallOutcomeName(CallOutcome outcome);

// One CustomerService call as the fake received and answered it. The request
// is kept serialized and turned into JSON only when someone reads it.
struct CallRecord {
  uint64_t sequence = 0;
  std::string method;  // full name
  const google::protobuf::Message* request_prototype = nullptr;
  std::string request_bytes;
  std::vector<std::pair<std::string, std::string>> metadata;
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string reason;
  std::string message;
  std::string fault_rule;
  absl::Time arrival;
  std::optional<absl::Time> deadline;
  absl::Duration duration;
  int attempt = 1;
  std::optional<absl::Duration> since_previous_attempt;
  // The handler of a method that writes ran and its effect stands.
  bool applied = false;
  CallOutcome outcome = CallOutcome::kAnswered;

  std::string RequestJson() const;
};

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_CALL_RECORD_H_
