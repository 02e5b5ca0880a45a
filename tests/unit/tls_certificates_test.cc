// The self-signed CA and server certificate: made when missing, reused while
// valid, made anew (the server certificate alone when the CA still
// qualifies) when a host is missing, one of them expires soon, a file is
// gone or broken, or the key does not match; and the key/certificate check
// that runs before gRPC sees a certificate.
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fake/tls/certificates.h"
#include "fake/tls/server_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::tls {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Made = SelfSigned::Made;

std::string Read(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

int Mode(const std::string& path) {
  struct stat info;
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

std::unique_ptr<X509, X509Free> Parse(const std::string& pem) {
  std::unique_ptr<BIO, int (*)(BIO*)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return std::unique_ptr<X509, X509Free>(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// What a TLS client checks: the name, as a host name or an IP address.
bool Covers(const std::string& pem, const std::string& name) {
  auto certificate = Parse(pem);
  if (!certificate) return false;
  if (X509_check_ip_asc(certificate.get(), name.c_str(), 0) == 1) return true;
  return X509_check_host(certificate.get(), name.c_str(), name.size(), 0,
                         nullptr) == 1;
}

class SelfSignedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tls-certificates-test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    options_.dir = root_ + "/tls";
    files_ = SelfSignedFiles::In(options_.dir);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  SelfSigned Ensure(const SelfSignedOptions& options) {
    absl::StatusOr<SelfSigned> made = EnsureSelfSigned(options);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : SelfSigned();
  }
  SelfSigned Ensure() { return Ensure(options_); }

  std::string root_;
  SelfSignedOptions options_;
  SelfSignedFiles files_;
};

TEST_F(SelfSignedTest, TheFirstStartMakesACaAndAServerCertificate) {
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kAll);
  EXPECT_EQ(made.reason, files_.ca_cert + " does not exist");
  EXPECT_EQ(made.files.ca_cert, options_.dir + "/ca.pem");
  EXPECT_EQ(made.files.ca_key, options_.dir + "/ca-key.pem");
  EXPECT_EQ(made.files.server_cert, options_.dir + "/server.pem");
  EXPECT_EQ(made.files.server_key, options_.dir + "/server-key.pem");
  EXPECT_EQ(Mode(files_.ca_key), 0600);
  EXPECT_EQ(Mode(files_.server_key), 0600);
  EXPECT_EQ(Mode(files_.ca_cert), 0644);
  EXPECT_EQ(Mode(files_.server_cert), 0644);
  EXPECT_EQ(made.cert_pem, Read(files_.server_cert));
  EXPECT_EQ(made.key_pem, Read(files_.server_key));
  EXPECT_TRUE(CheckKeyPair(made.cert_pem, made.key_pem).ok());
  EXPECT_TRUE(CheckKeyPair(Read(files_.ca_cert), Read(files_.ca_key)).ok());
  for (const char* name : {"localhost", "127.0.0.1", "::1"}) {
    EXPECT_TRUE(Covers(made.cert_pem, name)) << name;
  }
  EXPECT_FALSE(Covers(made.cert_pem, "example.com"));
  EXPECT_FALSE(Covers(made.cert_pem, "127.0.0.2"));
  EXPECT_FALSE(std::filesystem::exists(files_.server_key + ".tmp"));
}

TEST_F(SelfSignedTest, TheServerCertificateVerifiesAgainstTheCaForTlsServers) {
  Ensure();
  auto ca = Parse(Read(files_.ca_cert));
  auto server = Parse(Read(files_.server_cert));
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  std::unique_ptr<X509_STORE, void (*)(X509_STORE*)> store(X509_STORE_new(),
                                                           &X509_STORE_free);
  std::unique_ptr<X509_STORE_CTX, void (*)(X509_STORE_CTX*)> context(
      X509_STORE_CTX_new(), &X509_STORE_CTX_free);
  ASSERT_EQ(X509_STORE_add_cert(store.get(), ca.get()), 1);
  ASSERT_EQ(
      X509_STORE_CTX_init(context.get(), store.get(), server.get(), nullptr),
      1);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  EXPECT_EQ(X509_verify_cert(context.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

TEST_F(SelfSignedTest, ALaterStartReusesValidFiles) {
  SelfSigned first = Ensure();
  const std::string ca = Read(files_.ca_cert);
  SelfSigned second = Ensure();
  EXPECT_EQ(second.made, Made::kNothing);
  EXPECT_EQ(second.reason, "");
  EXPECT_EQ(second.cert_pem, first.cert_pem);
  EXPECT_EQ(second.key_pem, first.key_pem);
  EXPECT_EQ(Read(files_.ca_cert), ca);
}

TEST_F(SelfSignedTest, ANewHostGetsANewServerCertificateFromTheSameCa) {
  SelfSigned first = Ensure();
  const std::string ca = Read(files_.ca_cert);
  options_.hosts = {"fake.local", "10.0.0.7"};
  SelfSigned second = Ensure();
  EXPECT_EQ(second.made, Made::kServerCertificate);
  EXPECT_EQ(second.reason, "the server certificate does not cover fake.local");
  EXPECT_EQ(Read(files_.ca_cert), ca);  // what clients trust stays
  EXPECT_NE(second.cert_pem, first.cert_pem);
  for (const char* name :
       {"localhost", "127.0.0.1", "::1", "fake.local", "10.0.0.7"}) {
    EXPECT_TRUE(Covers(second.cert_pem, name)) << name;
  }
  // Verifies against the CA: the next start reuses it.
  EXPECT_EQ(Ensure().made, Made::kNothing);
  // A certificate covering more than asked for is still good.
  options_.hosts = {"FAKE.local"};
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, WildcardsAndIpv6AddressesAreCovered) {
  options_.hosts = {"*.fake.test", "fd00::17", "customer-fake"};
  SelfSigned made = Ensure();
  EXPECT_TRUE(Covers(made.cert_pem, "a.fake.test"));
  EXPECT_TRUE(Covers(made.cert_pem, "fd00::17"));
  EXPECT_TRUE(Covers(made.cert_pem, "customer-fake"));
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, AServerCertificateExpiringWithinADayIsMadeAnew) {
  options_.server_validity = absl::Hours(2);
  Ensure();
  const std::string ca = Read(files_.ca_cert);
  options_.server_validity = absl::Hours(24 * 365);
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kServerCertificate);
  EXPECT_EQ(made.reason, "the server certificate expires within 24h");
  EXPECT_EQ(Read(files_.ca_cert), ca);
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, ACaExpiringWithinADayMakesEverythingAnew) {
  options_.ca_validity = absl::Hours(2);
  Ensure();
  const std::string ca = Read(files_.ca_cert);
  options_.ca_validity = absl::Hours(24 * 3650);
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kAll);
  EXPECT_EQ(made.reason, "the CA certificate expires within 24h");
  EXPECT_NE(Read(files_.ca_cert), ca);
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, MinRemainingDecidesWhatExpiresSoon) {
  options_.server_validity = absl::Hours(2);
  Ensure();
  options_.min_remaining = absl::Hours(1);
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, AMissingServerKeyMakesANewServerCertificate) {
  Ensure();
  std::filesystem::remove(files_.server_key);
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kServerCertificate);
  EXPECT_EQ(made.reason, files_.server_key + " does not exist");
  EXPECT_TRUE(CheckKeyPair(made.cert_pem, made.key_pem).ok());
}

TEST_F(SelfSignedTest, AServerKeyThatDoesNotMatchMakesANewServerCertificate) {
  Ensure();
  Write(files_.server_key, Read(files_.ca_key));
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kServerCertificate);
  EXPECT_THAT(made.reason,
              StartsWith(files_.server_key +
                         " is not the key of the server certificate"));
  EXPECT_TRUE(CheckKeyPair(made.cert_pem, made.key_pem).ok());
}

TEST_F(SelfSignedTest, AServerCertificateOfAnotherCaIsMadeAnew) {
  Ensure();
  SelfSignedOptions other = options_;
  other.dir = root_ + "/other";
  SelfSigned foreign = Ensure(other);
  Write(files_.server_cert, foreign.cert_pem);
  Write(files_.server_key, foreign.key_pem);
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kServerCertificate);
  EXPECT_THAT(made.reason,
              StartsWith("the server certificate does not verify against the "
                         "CA: "));
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, ABrokenCaMakesEverythingAnew) {
  Ensure();
  Write(files_.ca_cert, "not a certificate\n");
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kAll);
  EXPECT_THAT(made.reason,
              StartsWith(files_.ca_cert + " holds no certificate"));
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, AServerCertificateAsCaMakesEverythingAnew) {
  Ensure();
  // The server's pair is a matching pair, but no CA.
  Write(files_.ca_cert, Read(files_.server_cert));
  Write(files_.ca_key, Read(files_.server_key));
  SelfSigned made = Ensure();
  EXPECT_EQ(made.made, Made::kAll);
  EXPECT_EQ(made.reason, "the CA certificate is no CA");
}

TEST_F(SelfSignedTest, KeysAreWrittenPrivateEvenOverAReadableFile) {
  std::filesystem::create_directories(options_.dir);
  Write(files_.server_key, "old");
  ::chmod(files_.server_key.c_str(), 0644);
  Ensure();
  EXPECT_EQ(Mode(files_.server_key), 0600);
}

TEST_F(SelfSignedTest, BadHostNamesAreRefused) {
  for (const char* host : {"", "a b", "fake,local", "DNS:x", "a..b", "*"}) {
    options_.hosts = {host};
    absl::StatusOr<SelfSigned> made = EnsureSelfSigned(options_);
    EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument) << host;
    EXPECT_THAT(std::string(made.status().message()),
                HasSubstr("use a DNS name or an IP address"));
  }
  EXPECT_FALSE(std::filesystem::exists(options_.dir));
}

TEST_F(SelfSignedTest, FakesStartingAtOnceMakeTheFilesOnce) {
  std::vector<SelfSigned> made(4);
  std::vector<std::thread> starts;
  for (SelfSigned& one : made) {
    starts.emplace_back([this, &one] { one = Ensure(); });
  }
  for (std::thread& start : starts) start.join();
  int made_all = 0;
  for (const SelfSigned& one : made) {
    made_all += one.made == Made::kAll;
    EXPECT_NE(one.made, Made::kServerCertificate);
    EXPECT_EQ(one.cert_pem, Read(files_.server_cert));
  }
  EXPECT_EQ(made_all, 1);
  EXPECT_EQ(Ensure().made, Made::kNothing);
}

TEST_F(SelfSignedTest, MissingParentFoldersAreMade) {
  options_.dir = root_ + "/a/b/tls";
  EXPECT_EQ(Ensure().made, Made::kAll);
  EXPECT_TRUE(std::filesystem::exists(options_.dir + "/ca.pem"));
}

TEST_F(SelfSignedTest, AFolderThatCannotBeMadeFailsNamingIt) {
  Write(root_ + "/file", "");
  options_.dir = root_ + "/file/tls";
  absl::StatusOr<SelfSigned> made = EnsureSelfSigned(options_);
  EXPECT_EQ(made.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(made.status().message()),
              StartsWith("cannot create the folder " + options_.dir + ": "));
}

class KeyPairTest : public SelfSignedTest {};

TEST_F(KeyPairTest, AMatchingPairIsOk) {
  SelfSigned made = Ensure();
  EXPECT_TRUE(CheckKeyPair(made.cert_pem, made.key_pem).ok());
  // The chain may follow the certificate.
  EXPECT_TRUE(
      CheckKeyPair(made.cert_pem + Read(files_.ca_cert), made.key_pem).ok());
}

TEST_F(KeyPairTest, AKeyOfAnotherCertificateDoesNotMatch) {
  SelfSigned made = Ensure();
  absl::Status status = CheckKeyPair(made.cert_pem, Read(files_.ca_key));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("the private key does not match the certificate: "
                         "error:"));
}

TEST_F(KeyPairTest, WhatDoesNotParseIsNamed) {
  SelfSigned made = Ensure();
  absl::Status status = CheckKeyPair("junk", made.key_pem);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("the certificate is not a PEM certificate"));
  status = CheckKeyPair(made.cert_pem, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("the private key is not an unencrypted PEM private "
                         "key"));
  // Swapped files: the key where the certificate belongs.
  status = CheckKeyPair(made.key_pem, made.cert_pem);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("the certificate is not a PEM certificate"));
}

TEST_F(KeyPairTest, CheckCertificatesWantsACertificate) {
  SelfSigned made = Ensure();
  EXPECT_TRUE(CheckCertificates(Read(files_.ca_cert)).ok());
  EXPECT_EQ(CheckCertificates(made.key_pem).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(CheckCertificates("").message()),
              StartsWith("not a PEM certificate"));
}

// The token endpoint's TLS context (httplib::SSLServer).
TEST_F(KeyPairTest, UseKeyPairSetsUpAServerContext) {
  SelfSigned made = Ensure();
  auto context = [] {
    return std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)>(
        SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
  };
  auto good = context();
  EXPECT_TRUE(UseKeyPair(*good, made.cert_pem, made.key_pem).ok());
  EXPECT_EQ(SSL_CTX_get_min_proto_version(good.get()), TLS1_2_VERSION);
  auto chained = context();
  EXPECT_TRUE(
      UseKeyPair(*chained, made.cert_pem + Read(files_.ca_cert), made.key_pem)
          .ok());
  auto mismatched = context();
  absl::Status status =
      UseKeyPair(*mismatched, made.cert_pem, Read(files_.ca_key));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("the private key does not fit the certificate"));
  auto junk = context();
  EXPECT_THAT(std::string(UseKeyPair(*junk, "junk", made.key_pem).message()),
              StartsWith("the certificate is not a PEM certificate"));
}

}  // namespace
}  // namespace customerfake::tls
