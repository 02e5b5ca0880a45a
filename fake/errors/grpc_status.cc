#include "fake/errors/grpc_status.h"

#include "absl/strings/ascii.h"
#include "fake/errors/errors.h"
#include "fake/errors/rpc_details.h"

namespace customerfake::errors {
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain,
                          Details details) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  // Statuses made by Error() are bounded already; others (gRPC's, absl's)
  // are bounded here.
  std::string message = Printable(status.message(), kMaxErrorMessageBytes);
  if (details == Details::kCodesOnly) return grpc::Status(code, message);

  RpcStatus rpc_status;
  rpc_status.code = static_cast<int32_t>(status.code());
  rpc_status.message = message;
  bool has_error_info = false;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    std::string value(payload);
    if (url == kErrorInfoUrl) {
      if (std::optional<ErrorInfo> info = ParseErrorInfo(value)) {
        has_error_info = true;
        value = SerializeErrorInfo(
            ErrorInfo(info->reason(), Printable(domain, kMaxErrorMetadataBytes),
                      info->metadata()));
      }
    }
    rpc_status.details.push_back({std::string(url), std::move(value)});
  });
  if (!has_error_info) {
    // Every error carries ErrorInfo; a bare status gets its code as reason.
    rpc_status.details.push_back(
        {std::string(kErrorInfoUrl),
         SerializeErrorInfo(ErrorInfo(CodeName(status.code()),
                                      Printable(domain, kMaxErrorMetadataBytes),
                                      {}))});
  }
  return grpc::Status(code, message, SerializeStatus(rpc_status));
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
