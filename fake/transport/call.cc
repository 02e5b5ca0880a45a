#include "fake/transport/call.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "fake/errors/errors.h"
#include "fake/model/names.h"
#include "fake/state/registry.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::transport {
namespace {

constexpr absl::string_view kNamespaceHeader = "x-fake-namespace";

Metadata CopyMetadata(const grpc::CallbackServerContext& context) {
  Metadata metadata;
  for (const auto& [key, value] : context.client_metadata()) {
    metadata.emplace_back(std::string(key.data(), key.size()),
                          std::string(value.data(), value.size()));
  }
  return metadata;
}

absl::Status FaultStatus(const model::FaultAction& action) {
  absl::Status status = errors::Error(
      action.code,
      action.reason.empty() ? errors::CodeName(action.code) : action.reason,
      action.message, action.error_metadata);
  if (action.retry_delay) errors::SetRetryDelay(status, *action.retry_delay);
  return status;
}

// Whether the call came over TLS: gRPC names the channel's security in its
// auth context ("ssl", or "insecure" for plaintext).
bool IsTls(const grpc::CallbackServerContext& context) {
  for (const grpc::string_ref& type :
       context.auth_context()->FindPropertyValues(
           GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME)) {
    if (type == "ssl") return true;
  }
  return false;
}

}  // namespace

bool HeldCalls::Add(Call* call) {
  absl::MutexLock lock(&mu_);
  if (released_) return false;
  calls_.insert(call);
  return true;
}

void HeldCalls::Remove(Call* call) {
  absl::MutexLock lock(&mu_);
  calls_.erase(call);
}

void HeldCalls::ReleaseAll() {
  // A call claimed here is this thread's to end: no cancellation or other
  // path finishes it, so it stays alive until its Finish below. The others
  // in the set are being ended by their own threads, which remove them.
  std::vector<Call*> claimed;
  {
    absl::MutexLock lock(&mu_);
    released_ = true;
    for (Call* call : calls_) {
      bool held;
      if (call->Claim(&held)) claimed.push_back(call);
    }
    calls_.clear();
  }
  for (Call* call : claimed) {
    absl::Status status = absl::UnavailableError("the fake is shutting down");
    call->Log(status, model::CallOutcome::kAnswered);
    call->Finish(errors::ToGrpcStatus(
        status, call->baseline_->settings.error_domain, call->details_));
  }
}

grpc::ServerUnaryReactor* Call::Start(
    core::Core& core, Connections& connections, HeldCalls& held,
    grpc::CallbackServerContext* context, const wire::MethodWire& wire,
    handlers::AnyHandler handler, errors::Details details,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  auto call = std::make_unique<Call>(core, connections, held, context, wire,
                                     handler, details, request, response);
  call->Run();
  grpc::ServerUnaryReactor* reactor = call->reactor_;
  // A call a fault rule took is owned by its CallReactor now.
  if (call->fault_) (void)call.release();
  return reactor;
}

Call::Call(core::Core& core, Connections& connections, HeldCalls& held,
           grpc::CallbackServerContext* context, const wire::MethodWire& wire,
           handlers::AnyHandler handler, errors::Details details,
           const grpc::ByteBuffer* request, grpc::ByteBuffer* response)
    : core_(core),
      connections_(connections),
      held_(held),
      context_(context),
      wire_(wire),
      handler_(handler),
      details_(details),
      request_bytes_(request),
      response_bytes_(response),
      request_(wire.method->request_prototype->New()),
      response_(wire.method->response_prototype->New()) {
  core_.CallStarted();
}

Call::~Call() { core_.CallDone(); }

void Call::Finish(grpc::Status status) {
  if (reactor_ == nullptr) reactor_ = context_->DefaultReactor();
  reactor_->Finish(std::move(status));
}

bool Call::ReadRequest() {
  grpc::ByteBuffer bytes(*request_bytes_);  // shares the slices
  const wire::FieldMap& fields = *wire_.request.fields;
  if (fields.identical()) {
    return grpc::SerializationTraits<google::protobuf::Message>::Deserialize(
               &bytes, request_.get())
        .ok();
  }
  grpc::Slice slice;
  std::string ours;
  return bytes.DumpToSingleSlice(&slice).ok() &&
         fields.ToInternal(
             absl::string_view(reinterpret_cast<const char*>(slice.begin()),
                               slice.size()),
             &ours) &&
         request_->ParseFromString(ours);
}

void Call::Run() {
  if (!ReadRequest()) {
    // Before the namespace is known: not journaled, no fault rule sees it.
    Finish(errors::ToGrpcStatus(
        errors::MalformedRequest(wire_.full_name,
                                 wire_.request.declared->full_name()),
        model::Settings().error_domain, details_));
    return;
  }
  record_.arrival = core_.clock().Now();
  record_.method = wire_.full_name;
  record_.request_prototype = wire_.method->request_prototype;
  record_.metadata = CopyMetadata(*context_);
  absl::string_view ns_name = model::kDefaultNamespace;
  for (auto& [key, value] : record_.metadata) {
    if (key == kNamespaceHeader) ns_name = value;
  }
  absl::StatusOr<std::shared_ptr<state::Namespace>> ns =
      core_.namespaces().GetOrCreate(ns_name);
  if (!ns.ok()) {
    // No namespace, so no journal to record in.
    Finish(errors::ToGrpcStatus(ns.status(), model::Settings().error_domain,
                                details_));
    return;
  }
  ns_ = *std::move(ns);
  baseline_ = ns_->baseline();

  if (core_.journal_enabled()) {
    request_->SerializeToString(&record_.request_bytes);
    journal::Journal::Attempt attempt = ns_->journal().Arrive(
        record_.method, record_.request_bytes, record_.arrival);
    record_.attempt = attempt.number;
    record_.since_previous_attempt = attempt.since_previous;
    if (context_->deadline() != std::chrono::system_clock::time_point::max()) {
      record_.deadline = absl::FromChrono(context_->deadline());
    }
  }
  if (absl::Status auth = CheckAuth(baseline_->settings, record_.metadata,
                                    core_.access_tokens());
      !auth.ok()) {
    Complete(std::move(auth), model::CallOutcome::kAnswered);
    return;
  }
  fault_ = ns_->DecideFault(
      faults::CallView(record_.method, &record_.metadata, request_.get()));
  if (!fault_) {
    Respond();
    return;
  }
  reactor_ = new CallReactor(std::unique_ptr<Call>(this));
  record_.fault_rule = fault_->rule_id;
  const model::FaultAction& action = fault_->action;
  if (action.serve_first) RunHandler();
  if (action.hang) {
    Hold();
    return;
  }
  if (action.delay > absl::ZeroDuration()) {
    if (!BeginDelay(action.delay)) {
      Complete(absl::CancelledError("call cancelled"),
               model::CallOutcome::kCancelledByClient);
    }
    return;
  }
  Respond();
}

void Call::RunHandler() {
  handlers::RequestContext ctx{*ns_, baseline_->settings, core_.tokens(),
                               core_.max_response_bytes()};
  served_ = handler_(ctx, *request_, response_.get());
  record_.applied = served_->ok() && wire_.method->writes;
  if (record_.applied) core_.Changed();
}

void Call::Hold() {
  // Added before mu_ is taken: HeldCalls::ReleaseAll takes its own lock,
  // then each call's.
  if (!held_.Add(this)) {
    Complete(absl::UnavailableError("the fake is shutting down"),
             model::CallOutcome::kAnswered);
    return;
  }
  bool cancelled;
  {
    absl::MutexLock lock(&mu_);
    in_held_ = true;
    cancelled = cancelled_;  // the client gave up already
    // Until OnCancel or ReleaseAll (which may have claimed it already).
    hanging_ = !cancelled_ && !done_;
  }
  if (cancelled) {
    Complete(absl::CancelledError("call cancelled"),
             model::CallOutcome::kCancelledByClient);
  }
}

bool Call::BeginDelay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;  // the client gave up already
  delaying_ = true;
  delay_ = std::make_unique<grpc::Alarm>();
  delay_->Set(absl::ToChronoTime(absl::Now() + delay), [this](bool fired) {
    bool cancelled;
    {
      absl::MutexLock alarm_lock(&mu_);
      delaying_ = false;
      cancelled = cancelled_;
    }
    // A client that gave up is never served, even when its
    // cancellation and the alarm cross.
    if (fired && !cancelled) {
      Respond();
    } else {
      Complete(absl::CancelledError("call cancelled"),
               model::CallOutcome::kCancelledByClient);
    }
  });
  return true;
}

void Call::Respond() {
  if (!fault_) {
    RunHandler();
    Complete(*served_, model::CallOutcome::kAnswered);
    return;
  }
  const model::FaultAction& action = fault_->action;
  if (action.reset_stream || action.close_connection) {
    EndWithoutAnswer(action.close_connection);
    return;
  }
  if (action.code != absl::StatusCode::kOk) {
    Complete(FaultStatus(action), model::CallOutcome::kErrorInjected);
    return;
  }
  if (action.response_json) {
    // Validated when the rule was added.
    (void)google::protobuf::util::JsonStringToMessage(*action.response_json,
                                                      response_.get());
    Complete(absl::OkStatus(), model::CallOutcome::kAnswered);
    return;
  }
  if (!served_) RunHandler();
  Complete(*served_, model::CallOutcome::kAnswered);
}

bool Call::Claim(bool* held) {
  absl::MutexLock lock(&mu_);
  if (done_) return false;
  done_ = true;
  hanging_ = false;
  *held = in_held_;
  return true;
}

bool Call::Record(const absl::Status& status, model::CallOutcome outcome) {
  bool held;
  if (!Claim(&held)) return false;
  if (held) held_.Remove(this);
  Log(status, outcome);
  return true;
}

void Call::Log(const absl::Status& status, model::CallOutcome outcome) {
  const absl::Duration duration = core_.clock().Now() - record_.arrival;
  if (core_.log().enabled()) {
    std::string code = errors::CodeName(status.code());
    std::string reason = errors::ReasonOf(status);
    core_.log().Call({record_.method, ns_->name(), code, reason,
                      record_.fault_rule, duration, !status.ok()});
  }
  if (core_.journal_enabled()) {
    record_.code = status.code();
    record_.reason = errors::ReasonOf(status);
    record_.message = std::string(status.message());
    record_.duration = duration;
    record_.outcome = outcome;
    ns_->journal().Record(std::move(record_));
  }
}

void Call::Complete(absl::Status status, model::CallOutcome outcome) {
  // A client whose deadline passes cancels the call itself, and its
  // cancellation can arrive before the deadline as the server reckons it
  // (from grpc-timeout, counted from when the server read the headers):
  // by as much as the server lagged behind when the call came in, which on
  // a loaded machine is a few hundred milliseconds. A cancellation that
  // close to the deadline is counted as the deadline.
  constexpr auto kDeadlineSkew = std::chrono::milliseconds(250);
  if (status.code() == absl::StatusCode::kCancelled &&
      outcome == model::CallOutcome::kCancelledByClient &&
      context_->deadline() <=
          std::chrono::system_clock::now() + kDeadlineSkew) {
    status = absl::DeadlineExceededError("the client's deadline expired");
    outcome = model::CallOutcome::kDeadlineExceeded;
  }
  if (!Record(status, outcome)) return;
  if (!status.ok()) {
    Finish(errors::ToGrpcStatus(status, baseline_->settings.error_domain,
                                details_));
    return;
  }
  Finish(WriteResponse());
}

void Call::EndWithoutAnswer(bool close_connection) {
  // An in-process call has no connection of its own: its stream is reset.
  if (close_connection &&
      connections_.Close(context_->peer(), !IsTls(*context_))) {
    if (Record(absl::UnavailableError("connection closed by a fault rule"),
               model::CallOutcome::kConnectionClosed)) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection closed"));
    }
    return;
  }
  if (!Record(absl::InternalError(
                  "stream reset by a fault rule (RST_STREAM INTERNAL_ERROR)"),
              model::CallOutcome::kReset)) {
    return;
  }
  // gRPC's core resets a stream only from a thread it runs: an alarm that
  // fires at once hands over to one.
  reset_ = std::make_unique<grpc::Alarm>();
  reset_->Set(std::chrono::system_clock::now(), [this](bool /*fired*/) {
    ResetStream(*context_);
    Finish(grpc::Status(grpc::StatusCode::INTERNAL, "stream reset"));
  });
}

grpc::Status Call::WriteResponse() {
  const wire::FieldMap& fields = *wire_.response.fields;
  if (fields.identical()) {
    bool own_buffer;
    return grpc::SerializationTraits<google::protobuf::Message>::Serialize(
        *response_, response_bytes_, &own_buffer);
  }
  std::string declared;
  if (!fields.ToExternal(response_->SerializeAsString(), &declared)) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the answer could not be written");
  }
  grpc::Slice slice(declared);
  *response_bytes_ = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

void Call::OnCancel() {
  bool hanging;
  bool delaying;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    hanging = hanging_;
    delaying = delaying_;
  }
  if (hanging) {
    Complete(absl::CancelledError("call cancelled"),
             model::CallOutcome::kCancelledByClient);
  }
  // The alarm's callback runs with fired == false and completes the call.
  if (delaying) delay_->Cancel();
}

}  // namespace customerfake::transport
