#include "fake/transport/customer_service.h"

#include "fake/handlers/customer_handlers.h"
#include "fake/transport/call.h"

namespace customerfake::transport {
namespace {

const model::MethodInfo& Method(absl::string_view name) {
  return *model::FindMethod(name);
}

}  // namespace

CustomerService::CustomerService(core::Core& core) : core_(core) {}

grpc::ServerUnaryReactor* CustomerService::GetCustomer(
    grpc::CallbackServerContext* context, const v1::GetCustomerRequest* request,
    v1::GetCustomerResponse* response) {
  static const model::MethodInfo& method = Method("GetCustomer");
  return ServeCall(core_, context, method, request, response,
                   handlers::GetCustomer);
}

grpc::ServerUnaryReactor* CustomerService::ListCustomers(
    grpc::CallbackServerContext* context,
    const v1::ListCustomersRequest* request,
    v1::ListCustomersResponse* response) {
  static const model::MethodInfo& method = Method("ListCustomers");
  return ServeCall(core_, context, method, request, response,
                   handlers::ListCustomers);
}

grpc::ServerUnaryReactor* CustomerService::CreateCustomer(
    grpc::CallbackServerContext* context,
    const v1::CreateCustomerRequest* request,
    v1::CreateCustomerResponse* response) {
  static const model::MethodInfo& method = Method("CreateCustomer");
  return ServeCall(core_, context, method, request, response,
                   handlers::CreateCustomer);
}

grpc::ServerUnaryReactor* CustomerService::UpdateCustomer(
    grpc::CallbackServerContext* context,
    const v1::UpdateCustomerRequest* request,
    v1::UpdateCustomerResponse* response) {
  static const model::MethodInfo& method = Method("UpdateCustomer");
  return ServeCall(core_, context, method, request, response,
                   handlers::UpdateCustomer);
}

grpc::ServerUnaryReactor* CustomerService::DeleteCustomer(
    grpc::CallbackServerContext* context,
    const v1::DeleteCustomerRequest* request,
    v1::DeleteCustomerResponse* response) {
  static const model::MethodInfo& method = Method("DeleteCustomer");
  return ServeCall(core_, context, method, request, response,
                   handlers::DeleteCustomer);
}

grpc::ServerUnaryReactor* CustomerService::ListCustomerFlags(
    grpc::CallbackServerContext* context,
    const v1::ListCustomerFlagsRequest* request,
    v1::ListCustomerFlagsResponse* response) {
  static const model::MethodInfo& method = Method("ListCustomerFlags");
  return ServeCall(core_, context, method, request, response,
                   handlers::ListCustomerFlags);
}

grpc::ServerUnaryReactor* CustomerService::AddCustomerFlag(
    grpc::CallbackServerContext* context,
    const v1::AddCustomerFlagRequest* request,
    v1::AddCustomerFlagResponse* response) {
  static const model::MethodInfo& method = Method("AddCustomerFlag");
  return ServeCall(core_, context, method, request, response,
                   handlers::AddCustomerFlag);
}

grpc::ServerUnaryReactor* CustomerService::RemoveCustomerFlag(
    grpc::CallbackServerContext* context,
    const v1::RemoveCustomerFlagRequest* request,
    v1::RemoveCustomerFlagResponse* response) {
  static const model::MethodInfo& method = Method("RemoveCustomerFlag");
  return ServeCall(core_, context, method, request, response,
                   handlers::RemoveCustomerFlag);
}

}  // namespace customerfake::transport
