#ifndef CUSTOMER_FAKE_ERRORS_GRPC_STATUS_H_
#define CUSTOMER_FAKE_ERRORS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace customerfake::errors {

enum class Details {
  kRich,       // google.rpc.Status with ErrorInfo (and RetryInfo) details
  kCodesOnly,  // v1beta1: code and message only
};

// Turns an internal status into the status sent on the wire. With kRich, the
// binary details hold a google.rpc.Status whose ErrorInfo carries `domain`.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain,
                          Details details = Details::kRich);

// gRPC's canonical code name ("NOT_FOUND") and back.
std::string CodeName(absl::StatusCode code);
bool ParseCodeName(absl::string_view name, absl::StatusCode* code);

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_GRPC_STATUS_H_
