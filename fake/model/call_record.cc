#include "fake/model/call_record.h"

#include <memory>

#include "google/protobuf/util/json_util.h"

namespace customerfake::model {

absl::string_view CallOutcomeName(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::kAnswered:
      return "answered";
    case CallOutcome::kErrorInjected:
      return "error_injected";
    case CallOutcome::kReset:
      return "reset";
    case CallOutcome::kConnectionClosed:
      return "connection_closed";
    case CallOutcome::kCancelledByClient:
      return "cancelled_by_client";
    case CallOutcome::kDeadlineExceeded:
      return "deadline_exceeded";
  }
  return "answered";
}

std::string CallRecord::RequestJson() const {
  if (request_prototype == nullptr) return "{}";
  std::unique_ptr<google::protobuf::Message> request(request_prototype->New());
  request->ParseFromString(request_bytes);
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*request, &json, options)
           .ok()) {
    return "{}";
  }
  return json;
}

}  // namespace customerfake::model
