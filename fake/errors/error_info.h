#ifndef CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_
#define CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_

#include <grpcpp/support/status.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace customerfake::errors {

// The google.rpc.ErrorInfo in a status's binary details; empty when it has
// none.
inline google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details;
  google::rpc::ErrorInfo info;
  if (!details.ParseFromString(status.error_details())) return info;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) any.UnpackTo(&info);
  }
  return info;
}

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_
