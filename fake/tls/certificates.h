#ifndef CUSTOMER_FAKE_TLS_CERTIFICATES_H_
#define CUSTOMER_FAKE_TLS_CERTIFICATES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Server certificates for TLS, through OpenSSL's library (no `openssl`
// command): checking a certificate against its private key, and a private
// CA with a server certificate it signed, kept in a folder and reused while
// they are valid.
namespace customerfake::tls {

// The names every self-signed server certificate covers.
inline constexpr absl::string_view kDefaultHosts[] = {"localhost", "127.0.0.1",
                                                      "::1"};

// OK when `cert_pem` starts with a certificate (further ones are its chain)
// and `key_pem` holds the private key of that certificate. Otherwise
// INVALID_ARGUMENT saying which does not parse, or that they do not match.
absl::Status CheckKeyPair(absl::string_view cert_pem,
                          absl::string_view key_pem);

// OK when `pem` starts with a certificate (what a client trusts: a CA
// certificate, maybe followed by more); INVALID_ARGUMENT otherwise.
absl::Status CheckCertificates(absl::string_view pem);

// The files of a self-signed set in a folder.
struct SelfSignedFiles {
  std::string ca_cert;      // DIR/ca.pem: what clients trust
  std::string ca_key;       // DIR/ca-key.pem (0600)
  std::string server_cert;  // DIR/server.pem
  std::string server_key;   // DIR/server-key.pem (0600)

  static SelfSignedFiles In(const std::string& dir);
};

struct SelfSignedOptions {
  // Created with its parents when missing; holds a `.lock` file, so that
  // fakes started at once on the same folder make the files only once.
  std::string dir;
  // Names the server certificate covers besides kDefaultHosts: DNS names
  // (wildcards allowed) or IPv4/IPv6 addresses.
  std::vector<std::string> hosts;
  absl::Duration ca_validity = absl::Hours(24 * 3650);
  absl::Duration server_validity = absl::Hours(24 * 365);
  // Certificates that expire sooner than this are made anew.
  absl::Duration min_remaining = absl::Hours(24);
};

struct SelfSigned {
  enum class Made {
    kNothing,            // both reused
    kServerCertificate,  // the CA reused, a new server certificate
    kAll,                // a new CA and server certificate
  };

  SelfSignedFiles files;
  // The server's certificate and private key, PEM (FakeOptions::tls).
  std::string cert_pem;
  std::string key_pem;
  Made made = Made::kNothing;
  // Why something was made: "DIR/ca.pem does not exist", "the server
  // certificate does not cover fake.local", ...
  std::string reason;
};

// The CA and server certificate in options.dir: reused when both parse, the
// keys match, the server certificate verifies against the CA for TLS
// servers, neither expires within min_remaining and the server certificate
// covers kDefaultHosts and every host; otherwise the server certificate is
// made anew (signed by the CA when the CA still qualifies, else with a new
// CA). Keys are EC P-256, written 0600; each file is replaced atomically.
// INVALID_ARGUMENT for a bad host name, FAILED_PRECONDITION naming the file
// that cannot be written.
absl::StatusOr<SelfSigned> EnsureSelfSigned(const SelfSignedOptions& options);

}  // namespace customerfake::tls

#endif  // CUSTOMER_FAKE_TLS_CERTIFICATES_H_
