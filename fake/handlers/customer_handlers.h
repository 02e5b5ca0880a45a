#ifndef CUSTOMER_FAKE_HANDLERS_CUSTOMER_HANDLERS_H_
#define CUSTOMER_FAKE_HANDLERS_CUSTOMER_HANDLERS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fake/handlers/context.h"
#include "moia/trip/customer/v1/customer.pb.h"

// The eight CustomerService methods: validate, look up, change state, fill
// the response. Faults, auth and the journal happen around them.
namespace customerfake::handlers {

namespace v1 = ::moia::trip::customer::v1;

absl::Status GetCustomer(const RequestContext& ctx,
                         const v1::GetCustomerRequest& request,
                         v1::GetCustomerResponse* response);
absl::Status ListCustomers(const RequestContext& ctx,
                           const v1::ListCustomersRequest& request,
                           v1::ListCustomersResponse* response);
absl::Status CreateCustomer(const RequestContext& ctx,
                            const v1::CreateCustomerRequest& request,
                            v1::CreateCustomerResponse* response);
absl::Status UpdateCustomer(const RequestContext& ctx,
                            const v1::UpdateCustomerRequest& request,
                            v1::UpdateCustomerResponse* response);
absl::Status DeleteCustomer(const RequestContext& ctx,
                            const v1::DeleteCustomerRequest& request,
                            v1::DeleteCustomerResponse* response);
absl::Status ListCustomerFlags(const RequestContext& ctx,
                               const v1::ListCustomerFlagsRequest& request,
                               v1::ListCustomerFlagsResponse* response);
absl::Status AddCustomerFlag(const RequestContext& ctx,
                             const v1::AddCustomerFlagRequest& request,
                             v1::AddCustomerFlagResponse* response);
absl::Status RemoveCustomerFlag(const RequestContext& ctx,
                                const v1::RemoveCustomerFlagRequest& request,
                                v1::RemoveCustomerFlagResponse* response);

// Any of the eight, over the v1 messages as google::protobuf::Message.
using AnyHandler = absl::Status (*)(const RequestContext& ctx,
                                    const google::protobuf::Message& request,
                                    google::protobuf::Message* response);
// The handler of the method with this short name ("GetCustomer"); nullptr
// for none.
AnyHandler HandlerFor(absl::string_view method);

// The page size to use: the default for unset or 0, clamped to the maximum;
// INVALID_PAGE_SIZE below 0.
absl::StatusOr<size_t> ResolvePageSize(std::optional<int32_t> requested,
                                       const model::Settings& settings);

}  // namespace customerfake::handlers

#endif  // CUSTOMER_FAKE_HANDLERS_CUSTOMER_HANDLERS_H_
