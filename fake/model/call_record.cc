#include "fake/model/call_record.h"

#include <memory>

#include "google/protobuf/util/json_util.h"

namespace customerfake::model {

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
