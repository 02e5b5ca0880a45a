#ifndef CUSTOMER_FAKE_TRANSPORT_API_SERVICE_H_
#define CUSTOMER_FAKE_TRANSPORT_API_SERVICE_H_

#include <grpcpp/impl/service_type.h>

#include "fake/core/core.h"
#include "fake/transport/call.h"
#include "fake/transport/connection_faults.h"
#include "fake/wire/api_schema.h"

namespace customerfake::transport {

// One version of the CustomerService API (v1 or v1beta1) as its .proto file
// declares it, served by the fake's handlers: each method is registered by
// name and reads and writes raw bytes, so the same service serves the
// bundled files and an integrator's official ones (see wire::ApiSchema).
class ApiService final : public grpc::Service {
 public:
  // `service`, `connections` and `held` must outlive this (the names of
  // its methods are used as is).
  ApiService(core::Core& core, Connections& connections, HeldCalls& held,
             const wire::ServiceWire& service);
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_API_SERVICE_H_
