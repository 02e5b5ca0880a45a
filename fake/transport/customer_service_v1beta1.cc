#include "fake/transport/customer_service_v1beta1.h"

#include "absl/strings/str_cat.h"
#include "fake/handlers/customer_handlers.h"
#include "fake/transport/call.h"

namespace customerfake::transport {
namespace {

const model::MethodInfo& Method(absl::string_view name) {
  return *model::FindMethod(absl::StrCat(
      "/", v1beta1::CustomerService::service_full_name(), "/", name));
}

}  // namespace

CustomerServiceV1Beta1::CustomerServiceV1Beta1(core::Core& core)
    : core_(core) {}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::GetCustomer(
    grpc::CallbackServerContext* context,
    const v1beta1::GetCustomerRequest* request,
    v1beta1::GetCustomerResponse* response) {
  static const model::MethodInfo& method = Method("GetCustomer");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::GetCustomer);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::ListCustomers(
    grpc::CallbackServerContext* context,
    const v1beta1::ListCustomersRequest* request,
    v1beta1::ListCustomersResponse* response) {
  static const model::MethodInfo& method = Method("ListCustomers");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::ListCustomers);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::CreateCustomer(
    grpc::CallbackServerContext* context,
    const v1beta1::CreateCustomerRequest* request,
    v1beta1::CreateCustomerResponse* response) {
  static const model::MethodInfo& method = Method("CreateCustomer");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::CreateCustomer);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::UpdateCustomer(
    grpc::CallbackServerContext* context,
    const v1beta1::UpdateCustomerRequest* request,
    v1beta1::UpdateCustomerResponse* response) {
  static const model::MethodInfo& method = Method("UpdateCustomer");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::UpdateCustomer);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::DeleteCustomer(
    grpc::CallbackServerContext* context,
    const v1beta1::DeleteCustomerRequest* request,
    v1beta1::DeleteCustomerResponse* response) {
  static const model::MethodInfo& method = Method("DeleteCustomer");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::DeleteCustomer);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::ListCustomerFlags(
    grpc::CallbackServerContext* context,
    const v1beta1::ListCustomerFlagsRequest* request,
    v1beta1::ListCustomerFlagsResponse* response) {
  static const model::MethodInfo& method = Method("ListCustomerFlags");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::ListCustomerFlags);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::AddCustomerFlag(
    grpc::CallbackServerContext* context,
    const v1beta1::AddCustomerFlagRequest* request,
    v1beta1::AddCustomerFlagResponse* response) {
  static const model::MethodInfo& method = Method("AddCustomerFlag");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::AddCustomerFlag);
}

grpc::ServerUnaryReactor* CustomerServiceV1Beta1::RemoveCustomerFlag(
    grpc::CallbackServerContext* context,
    const v1beta1::RemoveCustomerFlagRequest* request,
    v1beta1::RemoveCustomerFlagResponse* response) {
  static const model::MethodInfo& method = Method("RemoveCustomerFlag");
  return ServeV1Beta1Call(core_, context, method, request, response,
                          handlers::RemoveCustomerFlag);
}

}  // namespace customerfake::transport
