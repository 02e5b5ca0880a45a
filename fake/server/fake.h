#ifndef CUSTOMER_FAKE_SERVER_FAKE_H_
#define CUSTOMER_FAKE_SERVER_FAKE_H_

#include <grpcpp/channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fake/model/clock.h"
#include "fake/model/limits.h"
#include "fake/model/logging.h"
#include "fake/model/scenario.h"
#include "fake/model/settings.h"

namespace customerfake {

namespace core {
class Core;
}  // namespace core
namespace control {
class Control;
}  // namespace control

// TLS like production's: the server's certificate and private key, PEM.
// fake/tls/certificates.h makes a local CA and a certificate it signed
// (tls::EnsureSelfSigned).
struct TlsOptions {
  // The server certificate, optionally followed by its chain.
  std::string cert_pem;
  // Its private key, unencrypted.
  std::string key_pem;

  bool enabled() const { return !cert_pem.empty() || !key_pem.empty(); }
};

struct FakeOptions {
  // TCP address to listen on ("127.0.0.1:0" picks a free port); empty for
  // in-process use only.
  std::string listen_address;
  // The control service listens here instead of on listen_address when set;
  // the API port then refuses control calls.
  std::string control_listen_address;
  // When set, control calls must carry it in `x-fake-control-token`.
  std::string control_token;
  // A folder with MOIA's official moia/trip/customer/v1/customer.proto (and
  // optionally the v1beta1 one): the API is served in their wire format,
  // matched by field name. Empty: the bundled protos.
  std::string protos_dir;
  // When enabled, listen_address serves TLS (the control service too when
  // it shares the port) and the token endpoint HTTPS; a separate control
  // listener stays plaintext. Start refuses a certificate or key that does
  // not parse, or a key that is not the certificate's (INVALID_ARGUMENT).
  TlsOptions tls;
  // The starting scenario; see scenario_file.
  model::Scenario scenario;
  // A scenario YAML file, read instead of `scenario` when set.
  std::string scenario_file;
  // Overrides of the scenario's settings.
  std::optional<uint64_t> seed;
  std::optional<model::AuthMode> auth_mode;
  std::vector<std::string> tokens;
  // MOIA's OAuth token endpoint (POST /auth/oauth/token) over HTTP on this
  // HOST:PORT when set; needed by auth mode oauth. The clients and token
  // lifetime override the scenario's.
  std::string oauth_listen_address;
  std::vector<model::OAuthClient> oauth_clients;
  std::optional<absl::Duration> oauth_token_ttl;
  // The web dashboard and its JSON API (docs/dashboard.md) on this
  // HOST:PORT when set, guarded by control_token; HTTPS with `tls`. Nothing
  // runs for it when empty.
  std::string ui_listen_address;

  // Sandbox state kept across restarts: read at start when the file exists
  // (instead of starting every namespace from the scenario), written every
  // `state_interval` while the state changes and at Shutdown.
  std::string state_file;
  absl::Duration state_interval = absl::Seconds(1);
  // Also write the file after every change, before the call that made it is
  // answered (file and folder synced), so a crash loses nothing
  // acknowledged; each write holds the whole state.
  bool state_sync_always = false;

  // Limits (docs/control.md#limits); the serve flags of the same names.
  size_t max_namespaces = 1000;
  size_t journal_entries = 10000;
  size_t journal_bytes = 64 << 20;  // per namespace
  size_t max_fault_rules = 1000;    // --max-fault-rules
  int max_message_bytes = 4 << 20;  // requests and answers, gRPC's limit
  // Calls in flight on one client connection (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS, on every listener): a gRPC client holds
  // the calls past it until one ends, so the fake never sees them. The
  // default is gRPC's own, no limit in practice.
  int max_concurrent_streams = INT32_MAX;
  // Client connections to the API listener at a time (0: no limit); one past
  // it is closed as it is accepted, so its client sees UNAVAILABLE. Each
  // connection holds a file descriptor: `serve` raises its soft limit on
  // open files to the hard one.
  size_t max_connections = 4096;
  size_t max_scenario_bytes = 64 << 20;
  // settings.max_customers of scenarios that do not set it.
  int64_t max_customers = 100000;
  size_t max_customer_flags = 1000;
  bool journal = true;
  const model::Clock* clock = nullptr;  // the system clock when null
  // One log line per call; off by default so tests stay quiet.
  model::LogFormat log_format = model::LogFormat::kText;
  model::LogLevel log_level = model::LogLevel::kOff;
  std::ostream* log_stream = nullptr;  // std::cerr when null
};

// The limits a scenario is read with under `options` (for `validate`).
model::ScenarioLimits ScenarioLimitsOf(const FakeOptions& options);

// The CustomerService fake, running in this process: for C++ tests, and the
// body of the `customer-fake serve` binary.
class Fake {
 public:
  // Loads the scenario and starts serving. Fails with INVALID_ARGUMENT for a
  // bad scenario and UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Fake>> Start(FakeOptions options);
  ~Fake();

  // A channel to the fake that skips the network.
  std::shared_ptr<grpc::Channel> InProcessChannel(
      const grpc::ChannelArguments& args = {});
  // "127.0.0.1:43817"; empty without a listen address.
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // The control listener's address; address() when it shares the port.
  const std::string& control_address() const { return control_address_; }
  // The token endpoint's HOST:PORT; empty without oauth_listen_address.
  const std::string& oauth_address() const { return oauth_address_; }
  // The dashboard's HOST:PORT; empty without ui_listen_address.
  const std::string& ui_address() const { return ui_address_; }

  // The control service's operations as direct calls (no gRPC hop).
  control::Control& control();

  // Stops accepting calls, lets calls in flight finish for up to `grace`,
  // then cancels the rest. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until Shutdown has finished.
  void Wait();
  // Writes the access log lines queued so far (the log writes them in
  // batches; Shutdown and Wait flush it too).
  void FlushLog();

  // Whether Start found a state file and restored it.
  bool state_restored() const;
  // Writes the state file now (when one is set and the state changed).
  // Shutdown writes it last; this returns that write's outcome afterwards.
  absl::Status SaveState();

  // Calls accepted and not yet answered (delayed and hanging ones included).
  int64_t in_flight() const;
  core::Core& core();

 private:
  struct Impl;
  explicit Fake(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string address_;
  std::string control_address_;
  std::string oauth_address_;
  std::string ui_address_;
  int port_ = 0;
};

}  // namespace customerfake

#endif  // CUSTOMER_FAKE_SERVER_FAKE_H_
