#ifndef CUSTOMER_FAKE_TRANSPORT_DASHBOARD_H_
#define CUSTOMER_FAKE_TRANSPORT_DASHBOARD_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace customerfake::control {
class Control;
}  // namespace customerfake::control

namespace customerfake::transport {

// The web dashboard (`serve --ui-listen`): a page of namespaces, customers,
// fault rules and the live journal, served from the binary, and the JSON API
// under /api/v1/ it uses (docs/dashboard.md). Every operation goes through
// control::Control, as the gRPC control service's do.
//
// Guarded like the control service: with a control token, every page and
// endpoint answers 401 unless the request carries the token (header
// `x-fake-control-token: TOKEN` or `authorization: Bearer TOKEN`) or the
// session cookie that POST /login sets (HttpOnly, SameSite=Strict). Changes
// (POST, DELETE) also need the header `x-customer-fake-csrf: 1`, which a
// page of another origin cannot send: 403 without it.
class Dashboard {
 public:
  struct Options {
    // HOST:PORT; port 0 picks a free one.
    std::string address;
    // Empty: no login.
    std::string control_token;
    // HTTPS with these (PEM), as the token endpoint.
    std::string cert_pem;
    std::string key_pem;
  };
  // UNAVAILABLE when the address cannot be bound; INVALID_ARGUMENT for a
  // bad address or certificate.
  static absl::StatusOr<std::unique_ptr<Dashboard>> Start(
      control::Control& control, const Options& options);
  ~Dashboard();

  // "127.0.0.1:43817", with the port bound.
  const std::string& address() const { return address_; }
  void Stop();

 private:
  Dashboard() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_DASHBOARD_H_
