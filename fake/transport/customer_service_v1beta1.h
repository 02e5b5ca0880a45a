#ifndef CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_V1BETA1_H_
#define CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_V1BETA1_H_

#include "fake/core/core.h"
#include "moia/ridepooling/customer/v1beta1/customer.grpc.pb.h"

namespace customerfake::transport {

namespace v1beta1 = ::moia::ridepooling::customer::v1beta1;

// moia.ridepooling.customer.v1beta1.CustomerService over the same state and
// handlers as v1, for integrators migrating from it. Errors carry codes and
// messages only: v1beta1 has no reason strings.
class CustomerServiceV1Beta1 final
    : public v1beta1::CustomerService::CallbackService {
 public:
  explicit CustomerServiceV1Beta1(core::Core& core);

  grpc::ServerUnaryReactor* GetCustomer(
      grpc::CallbackServerContext* context,
      const v1beta1::GetCustomerRequest* request,
      v1beta1::GetCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomers(
      grpc::CallbackServerContext* context,
      const v1beta1::ListCustomersRequest* request,
      v1beta1::ListCustomersResponse* response) override;
  grpc::ServerUnaryReactor* CreateCustomer(
      grpc::CallbackServerContext* context,
      const v1beta1::CreateCustomerRequest* request,
      v1beta1::CreateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomer(
      grpc::CallbackServerContext* context,
      const v1beta1::UpdateCustomerRequest* request,
      v1beta1::UpdateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* DeleteCustomer(
      grpc::CallbackServerContext* context,
      const v1beta1::DeleteCustomerRequest* request,
      v1beta1::DeleteCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomerFlags(
      grpc::CallbackServerContext* context,
      const v1beta1::ListCustomerFlagsRequest* request,
      v1beta1::ListCustomerFlagsResponse* response) override;
  grpc::ServerUnaryReactor* AddCustomerFlag(
      grpc::CallbackServerContext* context,
      const v1beta1::AddCustomerFlagRequest* request,
      v1beta1::AddCustomerFlagResponse* response) override;
  grpc::ServerUnaryReactor* RemoveCustomerFlag(
      grpc::CallbackServerContext* context,
      const v1beta1::RemoveCustomerFlagRequest* request,
      v1beta1::RemoveCustomerFlagResponse* response) override;

 private:
  core::Core& core_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_V1BETA1_H_
