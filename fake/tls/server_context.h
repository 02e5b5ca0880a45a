#ifndef CUSTOMER_FAKE_TLS_SERVER_CONTEXT_H_
#define CUSTOMER_FAKE_TLS_SERVER_CONTEXT_H_

#include <openssl/types.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace customerfake::tls {

// Sets up an OpenSSL server context (the token endpoint's, through
// httplib::SSLServer) with a certificate, the chain that follows it in
// `cert_pem`, and its private key; TLS 1.2 and newer. INVALID_ARGUMENT
// naming what does not parse or match.
absl::Status UseKeyPair(SSL_CTX& context, absl::string_view cert_pem,
                        absl::string_view key_pem);

}  // namespace customerfake::tls

#endif  // CUSTOMER_FAKE_TLS_SERVER_CONTEXT_H_
