// google.rpc.Status, ErrorInfo and RetryInfo in their wire form, read and
// written through the fake's own descriptor pool (RpcPool), not generated
// classes.
#ifndef CUSTOMER_FAKE_ERRORS_RPC_DETAILS_H_
#define CUSTOMER_FAKE_ERRORS_RPC_DETAILS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fake/errors/error_info.h"

namespace customerfake::errors {

inline constexpr absl::string_view kErrorInfoUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr absl::string_view kRetryInfoUrl =
    "type.googleapis.com/google.rpc.RetryInfo";

// A google.rpc.Status: its details are google.protobuf.Any.
struct RpcStatus {
  struct Detail {
    std::string type_url;
    std::string value;  // the detail message's bytes
  };
  int32_t code = 0;
  std::string message;
  std::vector<Detail> details;
};

std::string SerializeStatus(const RpcStatus& status);
std::optional<RpcStatus> ParseStatus(absl::string_view bytes);

std::string SerializeErrorInfo(const ErrorInfo& info);
std::optional<ErrorInfo> ParseErrorInfo(absl::string_view bytes);

std::string SerializeRetryInfo(absl::Duration delay);
std::optional<absl::Duration> ParseRetryInfo(absl::string_view bytes);

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_RPC_DETAILS_H_
