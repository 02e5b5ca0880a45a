#include "fake/server/fake.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "fake/control/control.h"
#include "fake/core/core.h"
#include "fake/errors/bundled_protos.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/server/state_keeper.h"
#include "fake/state/baseline.h"
#include "fake/tls/certificates.h"
#include "fake/transport/api_service.h"
#include "fake/transport/control_service.h"
#include "fake/transport/dashboard.h"
#include "fake/transport/oauth_endpoint.h"
#include "fake/transport/parse_failure.h"
#include "fake/transport/reflection.h"
#include "fake/wire/api_schema.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace customerfake {

struct Fake::Impl {
  std::unique_ptr<core::Core> core;
  // The API listener's connections, for faults that close one; declared
  // before the servers, so it outlives them.
  transport::Connections connections;
  // The calls a `hang` rule holds, ended at once by a shutdown.
  transport::HeldCalls held;
  std::unique_ptr<control::Control> control;
  // The API's wire format and a service per version (v1, v1beta1).
  std::unique_ptr<wire::ApiSchema> schema;
  std::vector<std::unique_ptr<transport::ApiService>> api_services;
  std::unique_ptr<transport::ControlService> control_service;
  // Reflection as each listener has it (it lists that listener's services).
  std::unique_ptr<transport::Reflection> reflection;
  std::unique_ptr<transport::Reflection> control_reflection;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<grpc::Server> control_server;     // with a separate listener
  std::unique_ptr<StateKeeper> state;               // with a state file
  std::unique_ptr<transport::OAuthEndpoint> oauth;  // with an OAuth listener
  std::unique_ptr<transport::Dashboard> dashboard;  // with a UI listener
  bool state_restored = false;
  absl::Mutex mu;
  bool shut_down ABSL_GUARDED_BY(mu) = false;
  absl::Status final_save ABSL_GUARDED_BY(mu);

  // Restores the state file, or writes it for the first time.
  absl::Status OpenStateFile(const FakeOptions& options);
  // The bundled protos or the integrator's (--protos), and the API services
  // that serve them.
  absl::Status LoadSchema(const FakeOptions& options);
  // The gRPC listeners: the API services (every version) always on the API
  // port; the control service there too, or alone on its own listener.
  absl::Status StartGrpc(const FakeOptions& options, int* port,
                         int* control_port);
  // Stops the listeners started so far (a start that failed half-way).
  void StopListeners();
};

Fake::Fake(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Fake::~Fake() { Shutdown(absl::ZeroDuration()); }

namespace {

// "host:port" with the port that was bound.
std::string BoundAddress(const std::string& requested, int port) {
  return absl::StrCat(requested.substr(0, requested.rfind(':')), ":", port);
}

// What a listener serves with: TLS with the options' certificate, else
// plaintext.
std::shared_ptr<grpc::ServerCredentials> Credentials(
    const TlsOptions& certificate) {
  if (!certificate.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({certificate.key_pem, certificate.cert_pem});
  return grpc::SslServerCredentials(ssl);
}

// Reflection for a listener serving `api_names` (and health and reflection):
// the integrator's files first, then the google.rpc details, then what is
// compiled in.
std::unique_ptr<transport::Reflection> MakeReflection(
    const wire::ApiSchema& schema, std::vector<std::string> names) {
  std::vector<const google::protobuf::DescriptorPool*> pools;
  if (schema.pool() != nullptr) pools.push_back(schema.pool());
  pools.push_back(&errors::RpcPool());
  pools.push_back(google::protobuf::DescriptorPool::generated_pool());
  // Referenced, so that the linker keeps health's descriptor for reflection.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  names.push_back(grpc::health::v1::Health::service_full_name());
  names.push_back(grpc::reflection::v1::ServerReflection::service_full_name());
  names.push_back(
      grpc::reflection::v1alpha::ServerReflection::service_full_name());
  return std::make_unique<transport::Reflection>(std::move(pools),
                                                 std::move(names));
}

// Builds and starts a server for `services`; `port` receives the bound port.
// `option` (may be null) adds to the builder.
std::unique_ptr<grpc::Server> StartServer(
    const std::string& address,
    const std::shared_ptr<grpc::ServerCredentials>& credentials,
    const FakeOptions& options, const std::vector<grpc::Service*>& services,
    int* port, std::unique_ptr<grpc::ServerBuilderOption> option = nullptr) {
  grpc::ServerBuilder builder;
  if (option != nullptr) builder.SetOption(std::move(option));
  if (!address.empty()) builder.AddListeningPort(address, credentials, port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<transport::ParseFailureInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server != nullptr && !address.empty() && *port == 0) return nullptr;
  if (server != nullptr)
    server->GetHealthCheckService()->SetServingStatus(true);
  return server;
}

// The scenario the fake starts from, read and checked like a file (a
// scenario built in code is written out as YAML and read back, so it gets
// the same validation), with the options' overrides applied.
absl::StatusOr<model::Scenario> ResolveScenario(FakeOptions& options) {
  model::ScenarioLimits limits = ScenarioLimitsOf(options);
  // A scenario built in code that leaves max_customers at the struct's
  // default gets the server's, as a file that does not set it would.
  if (options.scenario.settings.max_customers ==
      model::Settings().max_customers) {
    options.scenario.settings.max_customers = options.max_customers;
  }
  absl::StatusOr<model::Scenario> loaded =
      options.scenario_file.empty()
          ? scenario::ParseScenario(scenario::WriteScenario(options.scenario),
                                    "FakeOptions.scenario", nullptr, limits)
          : scenario::LoadScenarioFile(options.scenario_file, nullptr, limits);
  if (!loaded.ok()) return loaded.status();
  model::Settings& settings = loaded->settings;
  if (options.seed) settings.id_seed = options.seed;
  if (options.auth_mode) settings.auth_mode = *options.auth_mode;
  if (!options.tokens.empty()) settings.tokens = options.tokens;
  if (!options.oauth_clients.empty()) {
    settings.oauth_clients = options.oauth_clients;
  }
  if (options.oauth_token_ttl) settings.token_ttl = *options.oauth_token_ttl;
  if (settings.auth_mode == model::AuthMode::kOAuth &&
      options.oauth_listen_address.empty()) {
    return absl::InvalidArgumentError(
        "auth mode oauth accepts only tokens from the token endpoint, which "
        "needs an OAuth listen address (--oauth-listen HOST:PORT)");
  }
  return loaded;
}

core::CoreOptions CoreOptionsOf(const FakeOptions& options) {
  core::CoreOptions core_options;
  core_options.max_namespaces = options.max_namespaces;
  core_options.limits.max_journal_entries = options.journal_entries;
  core_options.limits.max_journal_bytes = options.journal_bytes;
  core_options.limits.max_fault_rules = options.max_fault_rules;
  core_options.limits.max_customer_flags = options.max_customer_flags;
  core_options.scenario_limits = ScenarioLimitsOf(options);
  // What LoadScenario accepts; the server's own scenario was checked with
  // the flags' overrides by ResolveScenario.
  core_options.scenario_limits.token_endpoint =
      !options.oauth_listen_address.empty();
  core_options.max_message_bytes =
      static_cast<size_t>(options.max_message_bytes);
  core_options.journal = options.journal;
  core_options.clock = options.clock;
  core_options.log_format = options.log_format;
  core_options.log_level = options.log_level;
  core_options.log_stream = options.log_stream;
  return core_options;
}

}  // namespace

model::ScenarioLimits ScenarioLimitsOf(const FakeOptions& options) {
  model::ScenarioLimits limits;
  limits.max_bytes = options.max_scenario_bytes;
  limits.default_max_customers = options.max_customers;
  limits.max_customer_flags = options.max_customer_flags;
  limits.max_fault_rules = options.max_fault_rules;
  return limits;
}

absl::Status Fake::Impl::OpenStateFile(const FakeOptions& options) {
  state = std::make_unique<StateKeeper>(*core, options.state_file,
                                        options.state_interval);
  if (absl::Status restored = state->Restore(&state_restored); !restored.ok()) {
    return restored;
  }
  // Before any call, so that a crash before the next write cannot hand out
  // the ids this run answers a second time (StateKeeper).
  if (absl::Status saved = state->ReserveIds(); !saved.ok()) {
    return absl::FailedPreconditionError(saved.message());
  }
  return absl::OkStatus();
}

absl::Status Fake::Impl::LoadSchema(const FakeOptions& options) {
  absl::StatusOr<std::unique_ptr<wire::ApiSchema>> loaded =
      options.protos_dir.empty() ? wire::ApiSchema::Bundled()
                                 : wire::ApiSchema::Load(options.protos_dir);
  if (!loaded.ok()) return loaded.status();
  schema = *std::move(loaded);
  if (!schema->unknown().empty()) {
    core->log().Info(absl::StrCat(
        "the protos declare what the fake does not know (ignored in "
        "requests, left unset in answers): ",
        absl::StrJoin(schema->unknown(), ", ")));
  }
  for (const wire::ServiceWire& service : schema->services()) {
    api_services.push_back(std::make_unique<transport::ApiService>(
        *core, connections, held, service));
  }
  return absl::OkStatus();
}

absl::Status Fake::Impl::StartGrpc(const FakeOptions& options, int* port,
                                   int* control_port) {
  grpc::EnableDefaultHealthCheckService(true);
  const bool separate_control = !options.control_listen_address.empty();
  std::vector<grpc::Service*> api;
  std::vector<std::string> api_names;
  for (size_t i = 0; i < api_services.size(); ++i) {
    api.push_back(api_services[i].get());
    api_names.push_back(schema->services()[i].declared->full_name());
  }
  if (!separate_control) {
    api.push_back(control_service.get());
    api_names.push_back(transport::cv1::ControlService::service_full_name());
  }
  reflection = MakeReflection(*schema, std::move(api_names));
  api.push_back(reflection->v1());
  api.push_back(reflection->v1alpha());
  connections.set_max_connections(options.max_connections);
  server = StartServer(options.listen_address, Credentials(options.tls),
                       options, api, port, connections.Option());
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  if (!separate_control) return absl::OkStatus();
  // Plaintext: a listener of its own is for the test harness, on loopback
  // or behind --control-token.
  control_reflection = MakeReflection(
      *schema, {transport::cv1::ControlService::service_full_name()});
  control_server = StartServer(options.control_listen_address,
                               grpc::InsecureServerCredentials(), options,
                               {control_service.get(), control_reflection->v1(),
                                control_reflection->v1alpha()},
                               control_port);
  if (control_server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.control_listen_address));
  }
  return absl::OkStatus();
}

void Fake::Impl::StopListeners() {
  if (dashboard != nullptr) dashboard->Stop();
  if (oauth != nullptr) oauth->Stop();
  for (grpc::Server* started : {server.get(), control_server.get()}) {
    if (started != nullptr) started->Shutdown();
  }
}

absl::StatusOr<std::unique_ptr<Fake>> Fake::Start(FakeOptions options) {
  // gRPC would only log why it cannot use them, and serve nothing.
  if (options.tls.enabled()) {
    if (options.tls.cert_pem.empty() || options.tls.key_pem.empty()) {
      return absl::InvalidArgumentError(
          "TLS needs both a certificate and its private key");
    }
    if (absl::Status usable =
            tls::CheckKeyPair(options.tls.cert_pem, options.tls.key_pem);
        !usable.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS: ", usable.message()));
    }
  }
  absl::StatusOr<model::Scenario> scenario = ResolveScenario(options);
  if (!scenario.ok()) return scenario.status();
  auto impl = std::make_unique<Impl>();
  impl->core = std::make_unique<core::Core>(
      state::MakeBaseline(*std::move(scenario)), CoreOptionsOf(options));
  // The protos before the state file: a start that fails on them writes
  // nothing.
  if (absl::Status loaded = impl->LoadSchema(options); !loaded.ok()) {
    return loaded;
  }
  if (!options.state_file.empty()) {
    if (absl::Status opened = impl->OpenStateFile(options); !opened.ok()) {
      return opened;
    }
    if (options.state_sync_always) {
      impl->core->set_after_change(
          [keeper = impl->state.get()] { keeper->SaveAndLog(); });
    }
  }
  impl->control = std::make_unique<control::Control>(*impl->core);
  impl->control_service = std::make_unique<transport::ControlService>(
      *impl->control, options.control_token);

  int port = 0;
  int control_port = 0;
  absl::Status started = impl->StartGrpc(options, &port, &control_port);
  if (started.ok() && !options.oauth_listen_address.empty()) {
    absl::StatusOr<std::unique_ptr<transport::OAuthEndpoint>> oauth =
        transport::OAuthEndpoint::Start(
            *impl->core, options.oauth_listen_address, options.tls.cert_pem,
            options.tls.key_pem);
    started = oauth.status();
    if (oauth.ok()) impl->oauth = *std::move(oauth);
  }
  if (started.ok() && !options.ui_listen_address.empty()) {
    absl::StatusOr<std::unique_ptr<transport::Dashboard>> dashboard =
        transport::Dashboard::Start(
            *impl->control, {options.ui_listen_address, options.control_token,
                             options.tls.cert_pem, options.tls.key_pem});
    started = dashboard.status();
    if (dashboard.ok()) impl->dashboard = *std::move(dashboard);
  }
  if (!started.ok()) {
    impl->StopListeners();
    return started;
  }
  if (impl->state != nullptr) impl->state->Start();

  auto fake = std::unique_ptr<Fake>(new Fake(std::move(impl)));
  if (fake->impl_->oauth != nullptr) {
    fake->oauth_address_ = fake->impl_->oauth->address();
  }
  if (fake->impl_->dashboard != nullptr) {
    fake->ui_address_ = fake->impl_->dashboard->address();
  }
  if (port != 0) {
    fake->port_ = port;
    fake->address_ = BoundAddress(options.listen_address, port);
  }
  fake->control_address_ =
      options.control_listen_address.empty()
          ? fake->address_
          : BoundAddress(options.control_listen_address, control_port);
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
  const auto deadline = absl::ToChronoTime(absl::Now() + grace);
  if (impl_->dashboard != nullptr) impl_->dashboard->Stop();
  if (impl_->oauth != nullptr) impl_->oauth->Stop();
  // Held calls would never end by themselves: gRPC would cancel them only
  // when the grace is over.
  impl_->held.ReleaseAll();
  for (grpc::Server* server :
       {impl_->server.get(), impl_->control_server.get()}) {
    if (server == nullptr) continue;
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(deadline);
  }
  // Every call is answered now: the last write holds all of them.
  if (impl_->state != nullptr) {
    absl::Status saved = impl_->state->Stop();
    if (!saved.ok()) impl_->core->log().Error(saved.message());
    absl::MutexLock lock(&impl_->mu);
    impl_->final_save = saved;
  }
  // The lines of every call, now that all are answered.
  impl_->core->log().Flush();
}

bool Fake::state_restored() const { return impl_->state_restored; }

absl::Status Fake::SaveState() {
  if (impl_->state == nullptr) return absl::OkStatus();
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->shut_down) return impl_->final_save;
  }
  return impl_->state->Save();
}

void Fake::Wait() {
  impl_->server->Wait();
  if (impl_->control_server != nullptr) impl_->control_server->Wait();
  impl_->core->log().Flush();
}

void Fake::FlushLog() { impl_->core->log().Flush(); }

control::Control& Fake::control() { return *impl_->control; }

int64_t Fake::in_flight() const { return impl_->core->in_flight(); }

core::Core& Fake::core() { return *impl_->core; }

}  // namespace customerfake
