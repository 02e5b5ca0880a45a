#ifndef CUSTOMER_FAKE_TRANSPORT_CALL_H_
#define CUSTOMER_FAKE_TRANSPORT_CALL_H_

#include <grpcpp/alarm.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "fake/core/core.h"
#include "fake/errors/grpc_status.h"
#include "fake/faults/rule_set.h"
#include "fake/handlers/customer_handlers.h"
#include "fake/journal/journal.h"
#include "fake/model/methods.h"
#include "fake/transport/auth.h"
#include "fake/transport/connection_faults.h"
#include "fake/wire/api_schema.h"

namespace customerfake::transport {

class Call;

// The calls a `hang` rule holds, so that a shutdown ends them at once with
// UNAVAILABLE instead of leaving them to gRPC, which cancels them only when
// the grace period is over (one by one: seconds for thousands of calls).
class HeldCalls {
 public:
  // Records a call as held; false once the server is shutting down: the
  // call must end at once.
  bool Add(Call* call);
  void Remove(Call* call);
  // Ends every held call with UNAVAILABLE; a call held later ends at once.
  void ReleaseAll();

 private:
  absl::Mutex mu_;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<Call*> calls_ ABSL_GUARDED_BY(mu_);
};

// One CustomerService call from arrival to answer: reads the request in the
// declared wire format into the fake's own message, resolves the namespace,
// checks auth, consults the fault rules once, runs the handler, records the
// journal entry and writes the answer in the declared format.
//
// A fault rule's action decides what happens around the handler: an error,
// a canned answer, a delay, a hang, a reset stream or a closed connection
// instead of the answer. Without serve_first the handler runs only after
// any delay, and not at all when the client gives up first; with it, the
// handler runs on arrival and its write stays whatever happens to the
// answer. Delays wait on a gRPC alarm and hangs wait for the client's
// cancellation (or the server's shutdown), so neither holds a server thread.
//
// A call no fault rule takes is answered at once, through the context's
// default reactor, as a plain callback handler would; only a call that a
// rule takes gets a reactor of its own (CallReactor), which owns it and
// sees the client's cancellation.
class Call {
 public:
  // Runs a call as far as it can go without waiting; returns the reactor
  // for gRPC.
  static grpc::ServerUnaryReactor* Start(
      core::Core& core, Connections& connections, HeldCalls& held,
      grpc::CallbackServerContext* context, const wire::MethodWire& wire,
      handlers::AnyHandler handler, errors::Details details,
      const grpc::ByteBuffer* request, grpc::ByteBuffer* response);

  Call(core::Core& core, Connections& connections, HeldCalls& held,
       grpc::CallbackServerContext* context, const wire::MethodWire& wire,
       handlers::AnyHandler handler, errors::Details details,
       const grpc::ByteBuffer* request, grpc::ByteBuffer* response);
  ~Call();

  void OnCancel();

 private:
  friend class HeldCalls;

  // Runs the call as far as it can go without waiting. Every path but a
  // fault rule's finishes it through the default reactor.
  void Run();
  // The status to gRPC, through reactor_ (the default reactor when the
  // call has none of its own yet).
  void Finish(grpc::Status status);
  // The request's bytes into request_; false when they do not parse.
  bool ReadRequest();
  // Runs the handler once; a successful write marks the call applied.
  void RunHandler();
  // Waits for the client's cancellation or the server's shutdown.
  void Hold();
  // Waits for a delay's alarm; false when the call is cancelled already.
  bool BeginDelay(absl::Duration delay);
  // After any wait: the answer the fault rule scripts, or the handler's.
  void Respond();
  // Ends the call with `status`; the journal says `outcome` (a cancelled
  // call says how: by the client, or past its deadline).
  void Complete(absl::Status status, model::CallOutcome outcome);
  // Ends the call without an answer: a reset stream or a closed connection.
  void EndWithoutAnswer(bool close_connection);
  // Marks the call done (once) and records it; false when it was done.
  bool Record(const absl::Status& status, model::CallOutcome outcome);
  // Marks the call done; false when it was done already. `held` says
  // whether it was in held_ (the caller removes it).
  bool Claim(bool* held);
  // The log line and the journal entry of a call just claimed.
  void Log(const absl::Status& status, model::CallOutcome outcome);
  // response_ into the response's bytes, in the declared wire format.
  grpc::Status WriteResponse();

  core::Core& core_;
  Connections& connections_;
  HeldCalls& held_;
  grpc::CallbackServerContext* const context_;
  const wire::MethodWire& wire_;
  const handlers::AnyHandler handler_;
  const errors::Details details_;
  const grpc::ByteBuffer* const request_bytes_;
  grpc::ByteBuffer* const response_bytes_;
  // The reactor gRPC gets: a CallReactor made when a fault rule takes the
  // call, else the default reactor, taken when the call finishes.
  grpc::ServerUnaryReactor* reactor_ = nullptr;
  // The fake's own (v1) messages.
  std::unique_ptr<google::protobuf::Message> request_;
  std::unique_ptr<google::protobuf::Message> response_;

  std::shared_ptr<state::Namespace> ns_;
  std::shared_ptr<const state::Baseline> baseline_;
  model::CallRecord record_;
  std::optional<faults::Decision> fault_;
  // The handler's status, once it ran.
  std::optional<absl::Status> served_;
  // Made only for a call that waits: a delay, and the hop to reset a stream.
  std::unique_ptr<grpc::Alarm> delay_;
  std::unique_ptr<grpc::Alarm> reset_;

  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool hanging_ ABSL_GUARDED_BY(mu_) = false;
  bool in_held_ ABSL_GUARDED_BY(mu_) = false;  // added to held_
  bool delaying_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

// The reactor of a call that a fault rule takes: owns the call, hands it
// the client's cancellation and ends it when gRPC is done with it.
class CallReactor : public grpc::ServerUnaryReactor {
 public:
  explicit CallReactor(std::unique_ptr<Call> call) : call_(std::move(call)) {}

  void OnCancel() override { call_->OnCancel(); }
  void OnDone() override { delete this; }

 private:
  std::unique_ptr<Call> call_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CALL_H_
