#ifndef CUSTOMER_FAKE_TRANSPORT_CONTROL_PROTO_H_
#define CUSTOMER_FAKE_TRANSPORT_CONTROL_PROTO_H_

#include "absl/time/time.h"
#include "customerfake/control/v1/control.pb.h"
#include "fake/model/call_record.h"
#include "fake/model/fault_rule.h"
#include "google/protobuf/timestamp.pb.h"

namespace customerfake::transport {

namespace cv1 = ::customerfake::control::v1;

// The control service's messages of the model's rules and journal entries:
// what ControlService answers, and the JSON the dashboard's API answers.
void ToProto(const model::FaultRule& rule, cv1::FaultRule* out);
// Tokens masked, binary metadata in base64, as the journal shows them.
void ToProto(const model::CallRecord& record, cv1::Call* out);
google::protobuf::Timestamp ToProto(absl::Time time);

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CONTROL_PROTO_H_
