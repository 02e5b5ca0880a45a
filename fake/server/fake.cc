#include "fake/server/fake.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "fake/core/core.h"
#include "fake/state/baseline.h"
#include "fake/transport/customer_service.h"

namespace customerfake {

struct Fake::Impl {
  std::unique_ptr<core::Core> core;
  std::unique_ptr<transport::CustomerService> customer_service;
  std::unique_ptr<grpc::Server> server;
  absl::Mutex mu;
  bool shut_down ABSL_GUARDED_BY(mu) = false;
};

Fake::Fake(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Fake::~Fake() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<Fake>> Fake::Start(FakeOptions options) {
  model::Scenario scenario = std::move(options.scenario);
  if (options.seed) scenario.settings.id_seed = options.seed;
  if (options.auth_mode) scenario.settings.auth_mode = *options.auth_mode;
  if (!options.tokens.empty()) scenario.settings.tokens = options.tokens;

  auto impl = std::make_unique<Impl>();
  core::CoreOptions core_options;
  core_options.max_namespaces = options.max_namespaces;
  core_options.limits.journal_entries = options.journal_entries;
  core_options.limits.fault_rules = options.fault_rules;
  core_options.journal = options.journal;
  core_options.clock = options.clock;
  impl->core = std::make_unique<core::Core>(
      state::MakeBaseline(std::move(scenario)), core_options);
  impl->customer_service =
      std::make_unique<transport::CustomerService>(*impl->core);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  if (!options.listen_address.empty()) {
    builder.AddListeningPort(options.listen_address,
                             grpc::InsecureServerCredentials(), &port);
  }
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.RegisterService(impl->customer_service.get());
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr ||
      (!options.listen_address.empty() && port == 0)) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  impl->server->GetHealthCheckService()->SetServingStatus(true);

  auto fake = std::unique_ptr<Fake>(new Fake(std::move(impl)));
  if (port != 0) {
    fake->port_ = port;
    std::string host =
        options.listen_address.substr(0, options.listen_address.rfind(':'));
    fake->address_ = absl::StrCat(host, ":", port);
  }
  return fake;
}

std::shared_ptr<grpc::Channel> Fake::InProcessChannel(
    const grpc::ChannelArguments& args) {
  return impl_->server->InProcessChannel(args);
}

void Fake::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->shut_down) return;
    impl_->shut_down = true;
  }
  impl_->server->GetHealthCheckService()->SetServingStatus(false);
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void Fake::Wait() { impl_->server->Wait(); }

int64_t Fake::in_flight() const { return impl_->core->in_flight(); }

core::Core& Fake::core() { return *impl_->core; }

}  // namespace customerfake
