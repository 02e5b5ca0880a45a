// The embedded fake with TLS: the API port (and the control service on it)
// answers TLS clients that trust the CA and nobody else, the token endpoint
// serves HTTPS, a separate control listener stays plaintext, and a key that
// is not the certificate's stops the start.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/server/fake.h"
#include "fake/testing/fake_test.h"
#include "fake/tls/certificates.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
namespace health = ::grpc::health::v1;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Read(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/tls-api-test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = new std::string(dir);
    tls::SelfSignedOptions options;
    options.dir = *dir_;
    absl::StatusOr<tls::SelfSigned> made = tls::EnsureSelfSigned(options);
    ASSERT_TRUE(made.ok()) << made.status();
    self_signed_ = new tls::SelfSigned(*std::move(made));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete self_signed_;
  }

  static FakeOptions Options() {
    FakeOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = {self_signed_->cert_pem, self_signed_->key_pem};
    return options;
  }

  void Start(FakeOptions options) {
    auto started = Fake::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    fake_ = *std::move(started);
  }

  static std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address,
                                                   const std::string& ca_pem) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_pem;
    return grpc::CreateChannel(address, grpc::SslCredentials(ssl));
  }

  static grpc::Status ListCustomers(
      const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer test-token");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::ListCustomersResponse response;
    return v1::CustomerService::NewStub(channel)->ListCustomers(&context, {},
                                                                &response);
  }

  static grpc::Status ListNamespaces(
      const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    cv1::ListNamespacesResponse response;
    return cv1::ControlService::NewStub(channel)->ListNamespaces(&context, {},
                                                                 &response);
  }

  static std::string* dir_;
  static tls::SelfSigned* self_signed_;
  std::unique_ptr<Fake> fake_;
};

std::string* TlsTest::dir_ = nullptr;
tls::SelfSigned* TlsTest::self_signed_ = nullptr;

TEST_F(TlsTest, AClientTrustingTheCaIsServed) {
  Start(Options());
  auto channel =
      TlsChannel(fake_->address(), Read(self_signed_->files.ca_cert));
  EXPECT_TRUE(ListCustomers(channel).ok());
  EXPECT_TRUE(ListNamespaces(channel).ok());  // control on the same port
  grpc::ClientContext context;
  health::HealthCheckResponse response;
  ASSERT_TRUE(
      health::Health::NewStub(channel)->Check(&context, {}, &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
}

TEST_F(TlsTest, ByNameToo) {
  Start(Options());
  auto channel = TlsChannel(absl::StrCat("localhost:", fake_->port()),
                            Read(self_signed_->files.ca_cert));
  EXPECT_TRUE(ListCustomers(channel).ok());
}

TEST_F(TlsTest, APlaintextClientIsUnavailable) {
  Start(Options());
  auto channel =
      grpc::CreateChannel(fake_->address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(ListCustomers(channel).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, AClientTrustingAnotherCaIsUnavailable) {
  Start(Options());
  tls::SelfSignedOptions other;
  other.dir = *dir_ + "/other";
  absl::StatusOr<tls::SelfSigned> made = tls::EnsureSelfSigned(other);
  ASSERT_TRUE(made.ok()) << made.status();
  auto channel = TlsChannel(fake_->address(), Read(made->files.ca_cert));
  grpc::Status status = ListCustomers(channel);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("certificate verify failed"));
}

TEST_F(TlsTest, TheInProcessChannelNeedsNoCertificate) {
  Start(Options());
  EXPECT_TRUE(ListCustomers(fake_->InProcessChannel()).ok());
}

TEST_F(TlsTest, ASeparateControlListenerStaysPlaintext) {
  FakeOptions options = Options();
  options.control_listen_address = "127.0.0.1:0";
  Start(std::move(options));
  EXPECT_TRUE(
      ListNamespaces(grpc::CreateChannel(fake_->control_address(),
                                         grpc::InsecureChannelCredentials()))
          .ok());
  EXPECT_TRUE(ListCustomers(TlsChannel(fake_->address(),
                                       Read(self_signed_->files.ca_cert)))
                  .ok());
}

TEST_F(TlsTest, TheTokenEndpointServesHttps) {
  FakeOptions options = Options();
  options.oauth_listen_address = "127.0.0.1:0";
  Start(std::move(options));
  const std::string& address = fake_->oauth_address();
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(self_signed_->files.ca_cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_basic_auth("app", "secret");
  auto response =
      client.Post("/auth/oauth/token", "grant_type=client_credentials",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("\"access_token\":"));

  // Plain HTTP gets no answer.
  httplib::Client plain("127.0.0.1", port);
  EXPECT_FALSE(plain.Post("/auth/oauth/token", "grant_type=client_credentials",
                          "application/x-www-form-urlencoded"));
}

TEST_F(TlsTest, AKeyThatIsNotTheCertificatesStopsTheStart) {
  FakeOptions options = Options();
  options.tls.key_pem = Read(self_signed_->files.ca_key);
  auto started = Fake::Start(std::move(options));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(started.status().message()),
              StartsWith("TLS: the private key does not match the "
                         "certificate"));
}

TEST_F(TlsTest, ACertificateWithoutAKeyStopsTheStart) {
  FakeOptions options = Options();
  options.tls.key_pem.clear();
  auto started = Fake::Start(std::move(options));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(started.status().message(),
            "TLS needs both a certificate and its private key");
}

TEST_F(TlsTest, ACertificateThatDoesNotParseStopsTheStart) {
  FakeOptions options = Options();
  options.tls.cert_pem = "-----BEGIN CERTIFICATE-----\njunk\n";
  auto started = Fake::Start(std::move(options));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(started.status().message()),
              StartsWith("TLS: the certificate is not a PEM certificate"));
}

}  // namespace
}  // namespace customerfake
