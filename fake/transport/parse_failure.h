#ifndef CUSTOMER_FAKE_TRANSPORT_PARSE_FAILURE_H_
#define CUSTOMER_FAKE_TRANSPORT_PARSE_FAILURE_H_

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <string>

namespace customerfake::transport {

// gRPC's callback API answers a request that does not parse with
// UNIMPLEMENTED and an empty message, before any service code runs. In
// practice that is a proto3 string field holding bytes that are not UTF-8
// (a Latin-1 name, a binary id). This interceptor sees the failed parse and
// turns that answer into INVALID_ARGUMENT / MALFORMED_REQUEST naming the
// method and the request type. Such a call never reaches the fake: it is not
// journaled and no fault rule sees it.
class ParseFailureInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ParseFailureInterceptor(grpc::experimental::ServerRpcInfo* info);
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override;

 private:
  const std::string method_;
  // Set by the receive batch's hook, read by the send batch's and by the
  // close hook, which gRPC may run on another completion-queue thread.
  std::atomic<bool> parse_failed_{false};
};

class ParseFailureInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ParseFailureInterceptor(info);
  }
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_PARSE_FAILURE_H_
