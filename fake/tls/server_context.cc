#include "fake/tls/server_context.h"

#include <openssl/ssl.h>

#include "absl/strings/str_cat.h"
#include "fake/tls/openssl.h"

namespace customerfake::tls {

absl::Status UseKeyPair(SSL_CTX& context, absl::string_view cert_pem,
                        absl::string_view key_pem) {
  internal::Bio bio = internal::MemoryBio(cert_pem);
  internal::Certificate leaf =
      bio ? internal::ReadCertificate(bio.get()) : nullptr;
  if (!leaf || SSL_CTX_use_certificate(&context, leaf.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the certificate is not a PEM certificate", internal::OpenSslError()));
  }
  // The rest of the file is the chain up to the CA.
  while (internal::Certificate next = internal::ReadCertificate(bio.get())) {
    if (SSL_CTX_add1_chain_cert(&context, next.get()) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot use the certificate chain", internal::OpenSslError()));
    }
  }
  ERR_clear_error();  // the end of the PEM text
  internal::Key key = internal::ParseKey(key_pem);
  if (!key || SSL_CTX_use_PrivateKey(&context, key.get()) != 1 ||
      SSL_CTX_check_private_key(&context) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the private key does not fit the certificate",
                     internal::OpenSslError()));
  }
  SSL_CTX_set_options(
      &context,
      SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot require TLS 1.2", internal::OpenSslError()));
  }
  return absl::OkStatus();
}

}  // namespace customerfake::tls
