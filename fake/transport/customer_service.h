#ifndef CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_H_
#define CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_H_

#include "fake/core/core.h"
#include "fake/model/methods.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake::transport {

namespace v1 = ::moia::trip::customer::v1;

// moia.trip.customer.v1.CustomerService: each method hands its call to
// ServeCall with the matching handler.
class CustomerService final : public v1::CustomerService::CallbackService {
 public:
  explicit CustomerService(core::Core& core);

  grpc::ServerUnaryReactor* GetCustomer(
      grpc::CallbackServerContext* context,
      const v1::GetCustomerRequest* request,
      v1::GetCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomers(
      grpc::CallbackServerContext* context,
      const v1::ListCustomersRequest* request,
      v1::ListCustomersResponse* response) override;
  grpc::ServerUnaryReactor* CreateCustomer(
      grpc::CallbackServerContext* context,
      const v1::CreateCustomerRequest* request,
      v1::CreateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomer(
      grpc::CallbackServerContext* context,
      const v1::UpdateCustomerRequest* request,
      v1::UpdateCustomerResponse* response) override;
  grpc::ServerUnaryReactor* DeleteCustomer(
      grpc::CallbackServerContext* context,
      const v1::DeleteCustomerRequest* request,
      v1::DeleteCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ListCustomerFlags(
      grpc::CallbackServerContext* context,
      const v1::ListCustomerFlagsRequest* request,
      v1::ListCustomerFlagsResponse* response) override;
  grpc::ServerUnaryReactor* AddCustomerFlag(
      grpc::CallbackServerContext* context,
      const v1::AddCustomerFlagRequest* request,
      v1::AddCustomerFlagResponse* response) override;
  grpc::ServerUnaryReactor* RemoveCustomerFlag(
      grpc::CallbackServerContext* context,
      const v1::RemoveCustomerFlagRequest* request,
      v1::RemoveCustomerFlagResponse* response) override;

 private:
  core::Core& core_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CUSTOMER_SERVICE_H_
