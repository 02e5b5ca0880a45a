#ifndef CUSTOMER_FAKE_TLS_OPENSSL_H_
#define CUSTOMER_FAKE_TLS_OPENSSL_H_

// OpenSSL's objects as unique_ptrs, and reading PEM from memory: what the
// layer's files share. Not for use outside fake/tls/.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace customerfake::tls::internal {

template <auto kFree>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BigNum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreContext =
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using OctetString =
    std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// OpenSSL's reason for the last failure, ": error:..." (empty when it gave
// none). Empties the thread's error queue either way, so that nothing stale
// is left for gRPC's or httplib's use of OpenSSL on this thread.
inline std::string OpenSslError() {
  unsigned long code = ERR_peek_error();
  std::string text;
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = absl::StrCat(": ", buffer);
  }
  ERR_clear_error();
  return text;
}

inline Bio MemoryBio(absl::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// The next certificate in `bio`; null at the end or on junk.
inline Certificate ReadCertificate(BIO* bio) {
  return Certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
}

// The first certificate of `pem`.
inline Certificate ParseCertificate(absl::string_view pem) {
  Bio bio = MemoryBio(pem);
  return bio ? ReadCertificate(bio.get()) : nullptr;
}

// The private key of `pem`; an encrypted key fails instead of prompting for
// its password.
inline Key ParseKey(absl::string_view pem) {
  Bio bio = MemoryBio(pem);
  if (!bio) return nullptr;
  return Key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
}

}  // namespace customerfake::tls::internal

#endif  // CUSTOMER_FAKE_TLS_OPENSSL_H_
