#include "fake/transport/oauth_endpoint.h"

#include <httplib.h>

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fake/core/core.h"
#include "fake/errors/errors.h"
#include "fake/model/json_string.h"
#include "fake/model/names.h"
#include "fake/state/registry.h"
#include "fake/tls/server_context.h"
#include "fake/transport/http_listener.h"

namespace customerfake::transport {
namespace {

constexpr char kTokenPath[] = "/auth/oauth/token";
constexpr char kJson[] = "application/json";

// Text from the request (a header, a parameter, the path) may be any bytes.
std::string JsonString(absl::string_view text) {
  return model::JsonString(errors::Printable(text, 1024));
}

void Error(httplib::Response& response, int status, absl::string_view error,
           absl::string_view description) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  if (status == 401) {
    response.set_header("WWW-Authenticate", "Basic realm=\"customer-fake\"");
  }
  response.set_content(
      absl::StrCat("{\"error\":", JsonString(error),
                   ",\"error_description\":", JsonString(description), "}"),
      kJson);
}

constexpr absl::string_view kMissingGrantType =
    "missing grant_type (send grant_type=client_credentials as "
    "application/x-www-form-urlencoded)";

// The client id and secret of "Basic base64(id:secret)", or of the form
// fields client_id and client_secret (RFC 6749 allows both).
bool Credentials(const httplib::Request& request, std::string* id,
                 std::string* secret) {
  const std::string header = request.get_header_value("Authorization");
  if (!header.empty()) {
    absl::string_view value = absl::StripAsciiWhitespace(header);
    if (value.size() < 6 ||
        !absl::EqualsIgnoreCase(value.substr(0, 6), "basic ")) {
      return false;
    }
    std::string decoded;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(value.substr(6)),
                              &decoded)) {
      return false;
    }
    size_t colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    *id = decoded.substr(0, colon);
    *secret = decoded.substr(colon + 1);
    return true;
  }
  if (!request.has_param("client_id")) return false;
  *id = request.get_param_value("client_id");
  *secret = request.get_param_value("client_secret");
  return true;
}

void IssueToken(core::Core& core, const httplib::Request& request,
                httplib::Response& response) {
  // The request is checked before its namespace is looked up, and a token
  // creates no namespace: junk requests cannot fill --max-namespaces.
  if (!request.has_param("grant_type")) {
    Error(response, 400, "invalid_request", kMissingGrantType);
    return;
  }
  if (request.get_param_value("grant_type") != "client_credentials") {
    Error(response, 400, "unsupported_grant_type",
          absl::StrCat("grant_type \"", request.get_param_value("grant_type"),
                       "\" is not supported; use client_credentials"));
    return;
  }
  std::string id, secret;
  if (!Credentials(request, &id, &secret)) {
    Error(response, 401, "invalid_client",
          "missing client credentials (HTTP Basic client_id:client_secret)");
    return;
  }
  const std::string ns_name = request.has_header("x-fake-namespace")
                                  ? request.get_header_value("x-fake-namespace")
                                  : std::string(model::kDefaultNamespace);
  absl::StatusOr<std::shared_ptr<const state::Baseline>> baseline =
      core.namespaces().BaselineOf(ns_name);
  if (!baseline.ok()) {
    Error(response, 400, "invalid_request", baseline.status().message());
    return;
  }
  const model::Settings& settings = (*baseline)->settings;
  if (!settings.oauth_clients.empty()) {
    bool known = false;
    for (const model::OAuthClient& client : settings.oauth_clients) {
      known |= client.id == id && client.secret == secret;
    }
    if (!known) {
      Error(response, 401, "invalid_client",
            "client authentication failed: unknown client or wrong secret");
      return;
    }
  }
  std::string token =
      core.access_tokens().Issue(ns_name, id, settings.token_ttl);
  response.set_header("Cache-Control", "no-store");
  response.set_content(
      absl::StrCat("{\"access_token\":", JsonString(token),
                   ",\"expires_in\":", absl::ToInt64Seconds(settings.token_ttl),
                   ",\"token_type\":\"bearer\"}"),
      kJson);
}

}  // namespace

absl::StatusOr<std::unique_ptr<OAuthEndpoint>> OAuthEndpoint::Start(
    core::Core& core, const std::string& address, absl::string_view cert_pem,
    absl::string_view key_pem) {
  auto host_port = SplitListenAddress(address, "OAuth");
  if (!host_port.ok()) return host_port.status();
  auto [host, port] = *std::move(host_port);
  auto endpoint = std::unique_ptr<OAuthEndpoint>(new OAuthEndpoint());
  if (cert_pem.empty() && key_pem.empty()) {
    endpoint->server_ = std::make_unique<httplib::Server>();
  } else {
    absl::Status usable;
    auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& context) {
      usable = tls::UseKeyPair(context, cert_pem, key_pem);
      return usable.ok();
    });
    if (!usable.ok()) return usable;
    if (!server->is_valid()) {
      return absl::InternalError("cannot set up TLS for the token endpoint");
    }
    endpoint->server_ = std::move(server);
  }
  httplib::Server& server = *endpoint->server_;
  server.set_payload_max_length(64 << 10);
  server.Post(kTokenPath, [&core](const httplib::Request& request,
                                  httplib::Response& response) {
    IssueToken(core, request, response);
  });
  server.set_error_handler([](const httplib::Request& request,
                              httplib::Response& response) {
    if (!response.body.empty()) return;  // answered by IssueToken
    if (response.status == 404) {
      Error(
          response, 404, "not_found",
          absl::StrCat(request.method, " ", request.path,
                       ": no such endpoint; tokens are at POST ", kTokenPath));
    } else if (response.status == 400 && request.method == "POST" &&
               request.path == kTokenPath && request.body.empty()) {
      // A POST without a body or Content-Length (curl -X POST) is refused
      // by the HTTP library before it reaches IssueToken.
      Error(response, 400, "invalid_request", kMissingGrantType);
    } else if (response.status == 413) {
      Error(response, 413, "invalid_request", "the request is over 64 KiB");
    } else {
      Error(response, response.status, "invalid_request",
            absl::StrCat("HTTP status ", response.status));
    }
  });
  absl::StatusOr<std::string> bound =
      BindAndRun(server, address, host, port, endpoint->thread_);
  if (!bound.ok()) return bound.status();
  endpoint->address_ = *std::move(bound);
  return endpoint;
}

OAuthEndpoint::~OAuthEndpoint() { Stop(); }

void OAuthEndpoint::Stop() { StopAndJoin(server_.get(), thread_); }

}  // namespace customerfake::transport
