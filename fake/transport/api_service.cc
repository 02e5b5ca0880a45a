#include "fake/transport/api_service.h"

#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>

#include "fake/handlers/customer_handlers.h"
#include "fake/transport/call.h"

namespace customerfake::transport {

ApiService::ApiService(core::Core& core, Connections& connections,
                       HeldCalls& held, const wire::ServiceWire& service) {
  const errors::Details details = service.rich_errors
                                      ? errors::Details::kRich
                                      : errors::Details::kCodesOnly;
  int index = 0;
  for (const wire::MethodWire& method : service.methods) {
    const handlers::AnyHandler handler =
        handlers::HandlerFor(method.method->short_name);
    AddMethod(new grpc::internal::RpcServiceMethod(
        method.full_name.c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
        nullptr));
    MarkMethodRawCallback(
        index++,
        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                                 grpc::ByteBuffer>(
            [&core, &connections, &held, &method, handler, details](
                grpc::CallbackServerContext* context,
                const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
              return Call::Start(core, connections, held, context, method,
                                 handler, details, request, response);
            }));
  }
}

}  // namespace customerfake::transport
