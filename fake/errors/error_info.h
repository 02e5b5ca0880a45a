// Reading the google.rpc details of an error a client received: the
// ErrorInfo (reason, domain, metadata) and the RetryInfo's delay.
#ifndef CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_
#define CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_

#include <grpcpp/support/status.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/time.h"

namespace customerfake::errors {

// A google.rpc.ErrorInfo. Its accessors are those of the generated class, so
// code written against googleapis' google::rpc::ErrorInfo reads the same;
// the fake carries no generated google.rpc classes, so a program can link
// googleapis' own beside it.
class ErrorInfo {
 public:
  ErrorInfo() = default;
  ErrorInfo(std::string reason, std::string domain,
            std::map<std::string, std::string> metadata)
      : reason_(std::move(reason)),
        domain_(std::move(domain)),
        metadata_(std::move(metadata)) {}

  const std::string& reason() const { return reason_; }
  const std::string& domain() const { return domain_; }
  const std::map<std::string, std::string>& metadata() const {
    return metadata_;
  }

 private:
  std::string reason_;
  std::string domain_;
  std::map<std::string, std::string> metadata_;
};

// The google.rpc.ErrorInfo in a status's binary details
// (grpc-status-details-bin); empty when it has none.
ErrorInfo ErrorInfoOf(const grpc::Status& status);

// The google.rpc.RetryInfo's retry_delay in a status's binary details;
// nullopt when it has none.
std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status);

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_ERROR_INFO_H_
