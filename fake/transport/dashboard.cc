#include "fake/transport/dashboard.h"

#include <httplib.h>
#include <openssl/rand.h>

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "fake/control/control.h"
#include "fake/errors/errors.h"
#include "fake/tls/server_context.h"
#include "fake/transport/auth.h"
#include "fake/transport/dashboard_api.h"
#include "fake/transport/dashboard_assets.h"
#include "fake/transport/http_listener.h"

namespace customerfake::transport {
namespace {

constexpr char kCookie[] = "customer_fake_session";
constexpr char kCsrfHeader[] = "x-customer-fake-csrf";

// Scripts, styles and fetches from this origin only; no inline script, no
// framing.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// A random session value for the cookie, so that the cookie is not the
// token itself.
std::string NewSession() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "";
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

// The value of cookie `name` in the request's Cookie header, or "".
std::string CookieValue(const httplib::Request& request,
                        absl::string_view name) {
  for (absl::string_view part :
       absl::StrSplit(request.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

// The guard of one dashboard: the control token and the session it logs in.
struct Guard {
  std::string token;
  std::string session;
  bool https = false;

  bool Authorized(const httplib::Request& request) const {
    if (token.empty()) return true;
    if (request.has_header("x-fake-control-token")) {
      return SecretMatches(request.get_header_value("x-fake-control-token"),
                           token);
    }
    const std::string header = request.get_header_value("Authorization");
    absl::string_view authorization = header;
    if (absl::ConsumePrefix(&authorization, "Bearer ")) {
      return SecretMatches(absl::StripAsciiWhitespace(authorization), token);
    }
    const std::string cookie = CookieValue(request, kCookie);
    return !session.empty() && !cookie.empty() &&
           SecretMatches(cookie, session);
  }
};

void SendAsset(httplib::Response& response, absl::string_view path) {
  const DashboardAsset* asset = FindDashboardAsset(path);
  if (asset == nullptr) return;
  response.set_content(std::string(asset->body),
                       std::string(asset->content_type));
}

// 401: the login page, or JSON for the API.
void Unauthorized(const httplib::Request& request,
                  httplib::Response& response) {
  if (absl::StartsWith(request.path, "/api/")) {
    response.set_header("WWW-Authenticate",
                        "Bearer realm=\"customer-fake dashboard\"");
    SendError(response, 401, "UNAUTHENTICATED", "CONTROL_TOKEN_REQUIRED",
              "the dashboard needs the control token: header "
              "x-fake-control-token or authorization: Bearer TOKEN, or log "
              "in at /login");
  } else {
    SendAsset(response, "/login.html");
  }
  response.status = 401;
}

// POST /login with the form field `token`: the session cookie and back to
// the page, or the login page again with 401.
void Login(const Guard& guard, const httplib::Request& request,
           httplib::Response& response) {
  if (guard.token.empty() ||
      !SecretMatches(request.get_param_value("token"), guard.token)) {
    SendAsset(response, "/login.html");
    response.status = 401;
    return;
  }
  response.set_header("Set-Cookie",
                      absl::StrCat(kCookie, "=", guard.session,
                                   "; Path=/; HttpOnly; SameSite=Strict",
                                   guard.https ? "; Secure" : ""));
  response.set_redirect("/", 303);
}

// Authentication, then the CSRF header for changes; Handled when refused.
httplib::Server::HandlerResponse Check(const Guard& guard,
                                       const httplib::Request& request,
                                       httplib::Response& response) {
  // Its form is read after this check (the route's handler, Login).
  if (request.method == "POST" && request.path == "/login") {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  if (!guard.Authorized(request)) {
    Unauthorized(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }
  if (request.method != "GET" && request.method != "HEAD" &&
      request.get_header_value(kCsrfHeader) != "1") {
    SendError(response, 403, "PERMISSION_DENIED", "CSRF_HEADER_REQUIRED",
              absl::StrCat(request.method,
                           " needs the header x-customer-fake-csrf: 1 (a page "
                           "of another site cannot send it)"));
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dashboard>> Dashboard::Start(
    control::Control& control, const Options& options) {
  auto host_port = SplitListenAddress(options.address, "dashboard");
  if (!host_port.ok()) return host_port.status();
  auto [host, port] = *std::move(host_port);
  auto dashboard = std::unique_ptr<Dashboard>(new Dashboard());
  Guard guard{options.control_token, NewSession(),
              !options.cert_pem.empty() || !options.key_pem.empty()};
  if (!guard.token.empty() && guard.session.empty()) {
    return absl::InternalError("no random bytes for the dashboard's session");
  }
  if (!guard.https) {
    dashboard->server_ = std::make_unique<httplib::Server>();
  } else {
    absl::Status usable;
    auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& context) {
      usable = tls::UseKeyPair(context, options.cert_pem, options.key_pem);
      return usable.ok();
    });
    if (!usable.ok()) return usable;
    if (!server->is_valid()) {
      return absl::InternalError("cannot set up TLS for the dashboard");
    }
    dashboard->server_ = std::move(server);
  }
  httplib::Server& server = *dashboard->server_;
  server.set_payload_max_length(64 << 20);
  server.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  });
  server.set_pre_routing_handler(
      [guard](const httplib::Request& request, httplib::Response& response) {
        return Check(guard, request, response);
      });
  server.Post("/login", [guard](const httplib::Request& request,
                                httplib::Response& response) {
    Login(guard, request, response);
  });
  AddDashboardApi(control, server);
  server.Get("/(|index\\.html|app\\.js|style\\.css)",
             [](const httplib::Request& request, httplib::Response& response) {
               SendAsset(response,
                         request.path == "/" ? "/index.html" : request.path);
             });
  server.set_error_handler([](const httplib::Request& request,
                              httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 404) {
      SendError(response, 404, "NOT_FOUND", "NO_SUCH_ENDPOINT",
                absl::StrCat(request.method, " ",
                             errors::Printable(request.path, 256),
                             ": no such page or endpoint (docs/dashboard.md)"));
    } else if (response.status == 413) {
      SendError(response, 413, "RESOURCE_EXHAUSTED", "REQUEST_TOO_LARGE",
                "the request is over 64 MiB");
    } else {
      SendError(response, response.status, "INVALID_ARGUMENT", "BAD_REQUEST",
                absl::StrCat("HTTP status ", response.status));
    }
  });
  absl::StatusOr<std::string> bound =
      BindAndRun(server, options.address, host, port, dashboard->thread_);
  if (!bound.ok()) return bound.status();
  dashboard->address_ = *std::move(bound);
  return dashboard;
}

Dashboard::~Dashboard() { Stop(); }

void Dashboard::Stop() { StopAndJoin(server_.get(), thread_); }

}  // namespace customerfake::transport
