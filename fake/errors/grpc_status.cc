#include "fake/errors/grpc_status.h"

#include <grpcpp/support/error_details.h>

#include "absl/strings/ascii.h"
#include "fake/errors/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace customerfake::errors {
namespace {

constexpr absl::string_view kErrorInfoUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain,
                          Details details) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  // Statuses made by Error() are bounded already; others (gRPC's, absl's)
  // are bounded here.
  std::string message = Printable(status.message(), kMaxErrorMessageBytes);
  if (details == Details::kCodesOnly) return grpc::Status(code, message);

  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int32_t>(status.code()));
  rpc_status.set_message(message);
  bool has_error_info = false;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    google::protobuf::Any* any = rpc_status.add_details();
    any->set_type_url(std::string(url));
    if (url == kErrorInfoUrl) {
      has_error_info = true;
      google::rpc::ErrorInfo info;
      info.ParseFromString(std::string(payload));
      info.set_domain(Printable(domain, kMaxErrorMetadataBytes));
      any->set_value(info.SerializeAsString());
    } else {
      any->set_value(std::string(payload));
    }
  });
  if (!has_error_info) {
    // Every error carries ErrorInfo; a bare status gets its code as reason.
    google::rpc::ErrorInfo info;
    info.set_reason(CodeName(status.code()));
    info.set_domain(Printable(domain, kMaxErrorMetadataBytes));
    rpc_status.add_details()->PackFrom(info);
  }
  grpc::Status out;
  grpc::SetErrorDetails(rpc_status, &out);
  return out;
}

std::string CodeName(absl::StatusCode code) {
  // absl's names are the canonical ones in CamelCase ("NotFound") for some
  // versions; gRPC's wire names are upper snake case.
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnknown:
      return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted:
      return "ABORTED";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal:
      return "INTERNAL";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss:
      return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

bool ParseCodeName(absl::string_view name, absl::StatusCode* code) {
  std::string upper = absl::AsciiStrToUpper(name);
  for (int i = 0; i <= 16; ++i) {
    auto candidate = static_cast<absl::StatusCode>(i);
    if (CodeName(candidate) == upper) {
      *code = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace customerfake::errors
