#ifndef CUSTOMER_FAKE_TRANSPORT_OAUTH_ENDPOINT_H_
#define CUSTOMER_FAKE_TRANSPORT_OAUTH_ENDPOINT_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace customerfake::core {
class Core;
}  // namespace customerfake::core

namespace customerfake::transport {

// MOIA's OAuth token endpoint over HTTP: `POST /auth/oauth/token` with HTTP
// Basic client credentials and `grant_type=client_credentials` answers
// {"access_token", "expires_in", "token_type": "bearer"}. The clients and the
// tokens' lifetime come from the settings of the namespace named by the
// `x-fake-namespace` header (default "default"); with no clients there, any
// credentials are accepted. Errors follow RFC 6749: 401 invalid_client, 400
// invalid_request or unsupported_grant_type, as JSON. Over HTTPS when given
// a certificate.
class OAuthEndpoint {
 public:
  // UNAVAILABLE when `address` (HOST:PORT, port 0 for any) cannot be bound.
  // With `cert_pem` (the certificate, then its chain) and `key_pem` it
  // serves HTTPS (TLS 1.2 and newer); INVALID_ARGUMENT when they do not
  // parse or match.
  static absl::StatusOr<std::unique_ptr<OAuthEndpoint>> Start(
      core::Core& core, const std::string& address,
      absl::string_view cert_pem = {}, absl::string_view key_pem = {});
  ~OAuthEndpoint();

  // "127.0.0.1:43817", with the port bound.
  const std::string& address() const { return address_; }
  void Stop();

 private:
  OAuthEndpoint() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_OAUTH_ENDPOINT_H_
