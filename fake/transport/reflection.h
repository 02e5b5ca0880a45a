#ifndef CUSTOMER_FAKE_TRANSPORT_REFLECTION_H_
#define CUSTOMER_FAKE_TRANSPORT_REFLECTION_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace customerfake::transport {

// gRPC server reflection, grpc.reflection.v1 and v1alpha, over an ordered
// list of descriptor pools: the first pool that has a file or symbol
// answers. The fake lists the integrator's files first (with --protos), then
// its own google.rpc details, then what is compiled in, so `buf curl` and
// `grpcurl` see the API as it is served. gRPC's own reflection plugin
// serves only the compiled-in pool, so the fake does not use it.
class Reflection {
 public:
  // `services`: the full names ListServices answers with.
  Reflection(std::vector<const google::protobuf::DescriptorPool*> pools,
             std::vector<std::string> services);
  ~Reflection();

  grpc::Service* v1();
  grpc::Service* v1alpha();

 private:
  struct Services;
  std::unique_ptr<Services> services_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_REFLECTION_H_
