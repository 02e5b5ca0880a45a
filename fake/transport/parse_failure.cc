#include "fake/transport/parse_failure.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "fake/errors/errors.h"
#include "fake/errors/grpc_status.h"
#include "fake/model/settings.h"
#include "google/protobuf/descriptor.h"

namespace customerfake::transport {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr absl::string_view kControlDomain = "customer-fake.control";

// "moia.trip.customer.v1.CreateCustomerRequest" for
// "/moia.trip.customer.v1.CustomerService/CreateCustomer"; the method name
// when the method is not in the generated pool.
std::string RequestType(absl::string_view method) {
  std::string dotted =
      absl::StrReplaceAll(absl::StripPrefix(method, "/"), {{"/", "."}});
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          dotted);
  if (descriptor == nullptr) return std::string(method);
  return descriptor->input_type()->full_name();
}

grpc::Status MalformedRequestStatus(absl::string_view method) {
  absl::Status status = errors::MalformedRequest(method, RequestType(method));
  if (absl::StartsWith(method, "/customerfake.")) {
    return errors::ToGrpcStatus(status, kControlDomain);
  }
  // v1beta1 errors carry codes only, like the real v1beta1 service's.
  return errors::ToGrpcStatus(status, model::Settings().error_domain,
                              absl::StrContains(method, ".v1beta1.")
                                  ? errors::Details::kCodesOnly
                                  : errors::Details::kRich);
}

}  // namespace

ParseFailureInterceptor::ParseFailureInterceptor(
    grpc::experimental::ServerRpcInfo* info)
    : method_(info->method()) {}

void ParseFailureInterceptor::Intercept(
    grpc::experimental::InterceptorBatchMethods* methods) {
  if (methods->QueryInterceptionHookPoint(
          InterceptionHookPoints::POST_RECV_MESSAGE) &&
      methods->GetRecvMessage() == nullptr) {
    parse_failed_.store(true, std::memory_order_relaxed);
  }
  if (parse_failed_.load(std::memory_order_relaxed) &&
      methods->QueryInterceptionHookPoint(
          InterceptionHookPoints::PRE_SEND_STATUS) &&
      methods->GetSendStatus().error_code() ==
          grpc::StatusCode::UNIMPLEMENTED) {
    methods->ModifySendStatus(MalformedRequestStatus(method_));
  }
  methods->Proceed();
}

}  // namespace customerfake::transport
