#include "fake/tls/certificates.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fake/tls/openssl.h"

namespace customerfake::tls {
namespace {

using internal::BigNum;
using internal::Bio;
using internal::Certificate;
using internal::Key;
using internal::Names;
using internal::OctetString;
using internal::OpenSslError;
using internal::ParseCertificate;
using internal::ParseKey;
using internal::Store;
using internal::StoreContext;

constexpr char kOrganization[] = "customer-fake";

std::string ToPem(X509* certificate) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string ToPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return "";
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// The file's bytes; false when it cannot be read (`error` says why).
bool ReadFile(const std::string& path, std::string* text, std::string* error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *error = absl::StrCat(path, ": ", std::strerror(errno));
    return false;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  *text = buffer.str();
  return true;
}

// Writes `text` to `path` with `mode` through a temporary file and a rename,
// so that a reader never sees half a file.
absl::Status WriteFile(const std::string& path, const std::string& text,
                       mode_t mode) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  auto failed = [&](const std::string& what) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", what, ": ", std::strerror(errno)));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return failed(tmp);
  // open() applies the umask, and an existing file keeps its mode.
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (::close(fd) != 0) ok = false;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = failed(path);
    ::unlink(tmp.c_str());
    return status;
  }
  return absl::OkStatus();
}

bool IsDnsName(absl::string_view name) {
  if (absl::StartsWith(name, "*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63) return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
          c != '_') {
        return false;
      }
    }
  }
  return true;
}

// The subjectAltName of `hosts`: an IP entry for an address, else DNS.
Names AltNames(const std::vector<std::string>& hosts) {
  Names names(GENERAL_NAMES_new());
  if (!names) return nullptr;
  for (const std::string& host : hosts) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (name == nullptr) return nullptr;
    if (OctetString ip(a2i_IPADDRESS(host.c_str())); ip) {
      GENERAL_NAME_set0_value(name, GEN_IPADD, ip.release());
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr ||
          ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) !=
              1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(name);
        return nullptr;
      }
      GENERAL_NAME_set0_value(name, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
      GENERAL_NAME_free(name);
      return nullptr;
    }
  }
  ERR_clear_error();  // a2i_IPADDRESS's complaints about DNS names
  return names;
}

// Whether the certificate's subjectAltName lists `host` as it is (DNS names
// compared without case, addresses by their bytes).
bool Covers(X509* certificate, const std::string& host) {
  Names names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  OctetString ip(a2i_IPADDRESS(host.c_str()));
  ERR_clear_error();
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (ip && name->type == GEN_IPADD &&
        ASN1_OCTET_STRING_cmp(ip.get(), name->d.iPAddress) == 0) {
      return true;
    }
    if (!ip && name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      absl::string_view value(
          reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
          static_cast<size_t>(ASN1_STRING_length(dns)));
      if (absl::EqualsIgnoreCase(value, host)) return true;
    }
  }
  return false;
}

bool AddExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, internal::Deleter<X509_EXTENSION_free>>
      extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

// A certificate for `key` named `common_name`, signed by `issuer_key` (self
// signed when `issuer` is null), valid from an hour ago (clock skew) for
// `validity`.
Certificate MakeCertificate(
    EVP_PKEY* key, const std::string& common_name, X509* issuer,
    EVP_PKEY* issuer_key, absl::Duration validity,
    const std::vector<std::pair<int, const char*>>& extensions,
    GENERAL_NAMES* alt_names) {
  Certificate certificate(X509_new());
  BigNum serial(BN_new());
  if (!certificate || !serial ||
      X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(),
                         X509_get_serialNumber(certificate.get())) == nullptr ||
      X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) ==
          nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate.get()),
                      absl::ToInt64Seconds(validity)) == nullptr) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  if (X509_NAME_add_entry_by_txt(
          name, "O", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(kOrganization), -1, -1,
          0) != 1 ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
          0) != 1) {
    return nullptr;
  }
  X509* signer = issuer != nullptr ? issuer : certificate.get();
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(signer)) !=
          1 ||
      X509_set_pubkey(certificate.get(), key) != 1) {
    return nullptr;
  }
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(certificate.get(), signer, nid, value)) return nullptr;
  }
  if (alt_names != nullptr &&
      X509_add1_ext_i2d(certificate.get(), NID_subject_alt_name, alt_names, 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return nullptr;
  }
  if (X509_sign(certificate.get(), issuer_key, EVP_sha256()) == 0) {
    return nullptr;
  }
  return certificate;
}

Key NewKey() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

// Why `certificate` cannot be used for `min_remaining` more: "" when it can.
std::string TimeProblem(X509* certificate, const char* what,
                        absl::Duration min_remaining) {
  if (X509_cmp_current_time(X509_get0_notBefore(certificate)) >= 0) {
    return absl::StrCat(what, " is not valid yet");
  }
  time_t soon = absl::ToTimeT(absl::Now() + min_remaining);
  if (X509_cmp_time(X509_get0_notAfter(certificate), &soon) <= 0) {
    return absl::StrCat(what, " expires within ",
                        absl::FormatDuration(min_remaining));
  }
  return "";
}

// A CA and its key, read from files.
struct Pair {
  Certificate certificate;
  Key key;
  std::string certificate_pem;
  std::string key_pem;
};

// Reads a certificate and its key; "" or why they cannot be used.
std::string ReadPair(const std::string& cert_file, const std::string& key_file,
                     const char* what, Pair* pair) {
  std::string error;
  for (const auto& [file, text] :
       {std::pair{&cert_file, &pair->certificate_pem},
        std::pair{&key_file, &pair->key_pem}}) {
    if (::access(file->c_str(), F_OK) != 0) {
      return absl::StrCat(*file, " does not exist");
    }
    if (!ReadFile(*file, text, &error)) return error;
  }
  pair->certificate = ParseCertificate(pair->certificate_pem);
  if (!pair->certificate) {
    return absl::StrCat(cert_file, " holds no certificate", OpenSslError());
  }
  pair->key = ParseKey(pair->key_pem);
  if (!pair->key) {
    return absl::StrCat(key_file, " holds no private key", OpenSslError());
  }
  if (X509_check_private_key(pair->certificate.get(), pair->key.get()) != 1) {
    return absl::StrCat(key_file, " is not the key of the ", what,
                        OpenSslError());
  }
  return "";
}

// Why the files' CA cannot sign for another `min_remaining`: "" when it can.
std::string CaProblem(const Pair& ca, absl::Duration min_remaining) {
  if (X509_check_ca(ca.certificate.get()) == 0) {
    return "the CA certificate is no CA";
  }
  return TimeProblem(ca.certificate.get(), "the CA certificate", min_remaining);
}

// Why the server certificate does not serve: "" when it does.
std::string ServerProblem(const Pair& ca, const Pair& server,
                          const std::vector<std::string>& hosts,
                          absl::Duration min_remaining) {
  if (std::string problem = TimeProblem(
          server.certificate.get(), "the server certificate", min_remaining);
      !problem.empty()) {
    return problem;
  }
  for (const std::string& host : hosts) {
    if (!Covers(server.certificate.get(), host)) {
      return absl::StrCat("the server certificate does not cover ", host);
    }
  }
  Store store(X509_STORE_new());
  StoreContext context(X509_STORE_CTX_new());
  if (!store || !context ||
      X509_STORE_add_cert(store.get(), ca.certificate.get()) != 1 ||
      X509_STORE_CTX_init(context.get(), store.get(), server.certificate.get(),
                          nullptr) != 1 ||
      X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER) != 1) {
    return absl::StrCat("cannot verify the server certificate", OpenSslError());
  }
  if (X509_verify_cert(context.get()) != 1) {
    std::string reason =
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
    ERR_clear_error();
    return absl::StrCat(
        "the server certificate does not verify against the "
        "CA: ",
        reason);
  }
  return "";
}

absl::Status NewCa(const SelfSignedOptions& options,
                   const SelfSignedFiles& files, Pair* ca) {
  ca->key = NewKey();
  if (!ca->key) {
    return absl::InternalError(
        absl::StrCat("cannot make a key", OpenSslError()));
  }
  ca->certificate =
      MakeCertificate(ca->key.get(), "customer-fake local CA", nullptr,
                      ca->key.get(), options.ca_validity,
                      {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                       {NID_key_usage, "critical,keyCertSign,cRLSign"},
                       {NID_subject_key_identifier, "hash"}},
                      nullptr);
  if (!ca->certificate) {
    return absl::InternalError(
        absl::StrCat("cannot make the CA certificate", OpenSslError()));
  }
  ca->certificate_pem = ToPem(ca->certificate.get());
  ca->key_pem = ToPem(ca->key.get());
  // The key first: a certificate on disk always has its key beside it.
  if (absl::Status written = WriteFile(files.ca_key, ca->key_pem, 0600);
      !written.ok()) {
    return written;
  }
  return WriteFile(files.ca_cert, ca->certificate_pem, 0644);
}

absl::Status NewServer(const SelfSignedOptions& options,
                       const SelfSignedFiles& files,
                       const std::vector<std::string>& hosts, const Pair& ca,
                       Pair* server) {
  server->key = NewKey();
  Names alt_names = AltNames(hosts);
  if (!server->key || !alt_names) {
    return absl::InternalError(
        absl::StrCat("cannot make a key", OpenSslError()));
  }
  server->certificate =
      MakeCertificate(server->key.get(), hosts.front(), ca.certificate.get(),
                      ca.key.get(), options.server_validity,
                      {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, "critical,digitalSignature"},
                       {NID_ext_key_usage, "serverAuth"},
                       {NID_subject_key_identifier, "hash"},
                       {NID_authority_key_identifier, "keyid:always"}},
                      alt_names.get());
  if (!server->certificate) {
    return absl::InternalError(
        absl::StrCat("cannot make the server certificate", OpenSslError()));
  }
  server->certificate_pem = ToPem(server->certificate.get());
  server->key_pem = ToPem(server->key.get());
  if (absl::Status written = WriteFile(files.server_key, server->key_pem, 0600);
      !written.ok()) {
    return written;
  }
  return WriteFile(files.server_cert, server->certificate_pem, 0644);
}

}  // namespace

absl::Status CheckKeyPair(absl::string_view cert_pem,
                          absl::string_view key_pem) {
  Certificate certificate = ParseCertificate(cert_pem);
  if (!certificate) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the certificate is not a PEM certificate", OpenSslError()));
  }
  Key key = ParseKey(key_pem);
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat("the private key is not an unencrypted PEM private key",
                     OpenSslError()));
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the private key does not match the certificate", OpenSslError()));
  }
  return absl::OkStatus();
}

absl::Status CheckCertificates(absl::string_view pem) {
  if (!ParseCertificate(pem)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM certificate", OpenSslError()));
  }
  return absl::OkStatus();
}

SelfSignedFiles SelfSignedFiles::In(const std::string& dir) {
  std::string prefix = dir;
  if (prefix.empty()) prefix = ".";
  if (prefix.back() != '/') prefix += '/';
  return {prefix + "ca.pem", prefix + "ca-key.pem", prefix + "server.pem",
          prefix + "server-key.pem"};
}

absl::StatusOr<SelfSigned> EnsureSelfSigned(const SelfSignedOptions& options) {
  std::vector<std::string> hosts(std::begin(kDefaultHosts),
                                 std::end(kDefaultHosts));
  for (const std::string& host : options.hosts) {
    OctetString ip(a2i_IPADDRESS(host.c_str()));
    ERR_clear_error();
    if (!ip && !IsDnsName(host)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad host name \"", host,
                       "\" for the certificate: use a DNS name or an IP "
                       "address"));
    }
    bool known = false;
    for (const std::string& listed : hosts) {
      known |= absl::EqualsIgnoreCase(listed, host);
    }
    if (!known) hosts.push_back(host);
  }
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the folder ", options.dir, ": ", error.message()));
  }
  // Fakes started at once on the same folder (a parallel test suite) take
  // turns: the first makes the files, the others reuse them.
  const std::string lock_file = absl::StrCat(options.dir, "/.lock");
  int lock = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", lock_file, ": ", std::strerror(errno)));
  }
  std::unique_ptr<int, void (*)(int*)> unlock(&lock, [](int* fd) {
    ::close(*fd);  // releases the flock
  });
  while (::flock(lock, LOCK_EX) != 0 && errno == EINTR) {
  }

  SelfSigned result;
  result.files = SelfSignedFiles::In(options.dir);
  const SelfSignedFiles& files = result.files;
  Pair ca, server;
  std::string problem =
      ReadPair(files.ca_cert, files.ca_key, "CA certificate", &ca);
  if (problem.empty()) problem = CaProblem(ca, options.min_remaining);
  if (!problem.empty()) {
    result.made = SelfSigned::Made::kAll;
    if (absl::Status made = NewCa(options, files, &ca); !made.ok()) {
      return made;
    }
  } else {
    problem = ReadPair(files.server_cert, files.server_key,
                       "server certificate", &server);
    if (problem.empty()) {
      problem = ServerProblem(ca, server, hosts, options.min_remaining);
    }
    if (!problem.empty()) result.made = SelfSigned::Made::kServerCertificate;
  }
  if (result.made != SelfSigned::Made::kNothing) {
    result.reason = problem;
    if (absl::Status made = NewServer(options, files, hosts, ca, &server);
        !made.ok()) {
      return made;
    }
  }
  result.cert_pem = std::move(server.certificate_pem);
  result.key_pem = std::move(server.key_pem);
  return result;
}

}  // namespace customerfake::tls
