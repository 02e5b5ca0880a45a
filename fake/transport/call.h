#ifndef CUSTOMER_FAKE_TRANSPORT_CALL_H_
#define CUSTOMER_FAKE_TRANSPORT_CALL_H_

#include <grpcpp/alarm.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "fake/core/core.h"
#include "fake/errors/grpc_status.h"
#include "fake/faults/rule_set.h"
#include "fake/handlers/context.h"
#include "fake/journal/journal.h"
#include "fake/model/methods.h"
#include "fake/transport/auth.h"

namespace customerfake::transport {

using Handler = std::function<absl::Status(const handlers::RequestContext&)>;

// One CustomerService call from arrival to answer: resolves the namespace,
// checks auth, consults the fault rules once, runs the handler, records the
// journal entry. Delays wait on a gRPC alarm and hangs wait for the client's
// cancellation, so neither holds a server thread.
class CallReactor : public grpc::ServerUnaryReactor {
 public:
  CallReactor(core::Core& core, grpc::CallbackServerContext* context,
              const model::MethodInfo& method,
              const google::protobuf::Message* request,
              google::protobuf::Message* response, Handler handler,
              errors::Details details);

  // Runs the call as far as it can go without waiting.
  void Start();

  void OnCancel() override;
  void OnDone() override;

 private:
  // Waits for a delay's alarm or, for a hang, the client's cancellation;
  // false when the call is cancelled already.
  bool BeginWait(const model::FaultAction& action);
  // After any delay: the fault's answer, or the handler's.
  void Serve();
  void Complete(absl::Status status);

  core::Core& core_;
  grpc::CallbackServerContext* const context_;
  const model::MethodInfo& method_;
  const google::protobuf::Message* const request_;
  google::protobuf::Message* const response_;
  const Handler handler_;
  const errors::Details details_;

  std::shared_ptr<state::Namespace> ns_;
  std::shared_ptr<const state::Baseline> baseline_;
  model::CallRecord record_;
  std::optional<faults::Decision> fault_;
  grpc::Alarm alarm_;

  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool hanging_ ABSL_GUARDED_BY(mu_) = false;
  bool delaying_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

// Starts a call of a generated callback service method.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* ServeCall(
    core::Core& core, grpc::CallbackServerContext* context,
    const model::MethodInfo& method, const Request* request, Response* response,
    absl::Status (*handler)(const handlers::RequestContext&, const Request&,
                            Response*)) {
  auto* reactor = new CallReactor(
      core, context, method, request, response,
      [handler, request, response](const handlers::RequestContext& ctx) {
        return handler(ctx, *request, response);
      },
      errors::Details::kRich);
  reactor->Start();
  return reactor;
}

// Starts a v1beta1 call with v1's handler. The two versions' messages are
// wire-compatible, so they convert by serialization; errors carry codes only,
// as v1beta1's do.
template <typename V1Request, typename V1Response, typename Request,
          typename Response>
grpc::ServerUnaryReactor* ServeV1Beta1Call(
    core::Core& core, grpc::CallbackServerContext* context,
    const model::MethodInfo& method, const Request* request, Response* response,
    absl::Status (*handler)(const handlers::RequestContext&, const V1Request&,
                            V1Response*)) {
  auto* reactor = new CallReactor(
      core, context, method, request, response,
      [handler, request, response](const handlers::RequestContext& ctx) {
        V1Request v1_request;
        v1_request.ParseFromString(request->SerializeAsString());
        V1Response v1_response;
        absl::Status status = handler(ctx, v1_request, &v1_response);
        response->ParseFromString(v1_response.SerializeAsString());
        return status;
      },
      errors::Details::kCodesOnly);
  reactor->Start();
  return reactor;
}

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CALL_H_
