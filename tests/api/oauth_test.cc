// The OAuth token endpoint over real HTTP and auth mode oauth over real
// stubs: a client fetches a token with its credentials, calls the API with
// it, is refused once it expires and works again with a fresh one; bad
// credentials and requests get RFC 6749 errors as JSON.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fake/control/control.h"
#include "fake/model/clock.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StartFake;
using ::customerfake::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kScenario[] = R"(version: 1
settings:
  auth:
    mode: oauth
    clients:
      - {id: app, secret: s3cret}
    token_ttl: 2s
)";

// The JSON body's fields.
google::protobuf::Struct Json(const std::string& body) {
  google::protobuf::Struct json;
  auto parsed = google::protobuf::util::JsonStringToMessage(body, &json);
  EXPECT_TRUE(parsed.ok()) << body;
  return json;
}

class OAuthTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(kScenario); }

  void Start(const std::string& yaml) {
    absl::StatusOr<model::Scenario> scenario =
        scenario::ParseScenario(yaml, "test");
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    FakeOptions options;
    options.scenario = *scenario;
    options.oauth_listen_address = "127.0.0.1:0";
    options.clock = &clock_;
    fake_ = StartFake(std::move(options));
    ASSERT_NE(fake_, nullptr);
    stub_ = v1::CustomerService::NewStub(fake_->InProcessChannel());
    const std::string& address = fake_->oauth_address();
    int port = 0;
    ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port))
        << address;
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  }

  // POST /auth/oauth/token as MOIA's guide does it (curl --user id:secret
  // --data-urlencode grant_type=client_credentials).
  httplib::Result FetchToken(
      const std::string& id, const std::string& secret,
      const std::string& body = "grant_type=client_credentials",
      httplib::Headers headers = {}) {
    headers.emplace("Authorization",
                    "Basic " + absl::Base64Escape(id + ":" + secret));
    return http_->Post("/auth/oauth/token", headers, body,
                       "application/x-www-form-urlencoded");
  }

  std::string Token() {
    httplib::Result result = FetchToken("app", "s3cret");
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << result->body;
    return Json(result->body).fields().at("access_token").string_value();
  }

  grpc::Status Call(const std::string& token, const std::string& ns = "") {
    grpc::ClientContext context;
    if (!ns.empty()) context.AddMetadata("x-fake-namespace", ns);
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListCustomersRequest request;
    v1::ListCustomersResponse response;
    return stub_->ListCustomers(&context, request, &response);
  }

  model::ManualClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<Fake> fake_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(OAuthTest, ATokenWorksUntilItExpiresThenAFreshOneWorks) {
  httplib::Result result = FetchToken("app", "s3cret");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
  google::protobuf::Struct json = Json(result->body);
  EXPECT_EQ(json.fields().size(), 3u) << result->body;
  EXPECT_EQ(json.fields().at("expires_in").number_value(), 2);
  EXPECT_EQ(json.fields().at("token_type").string_value(), "bearer");
  const std::string token = json.fields().at("access_token").string_value();
  // Opaque base64 of a small JSON object, like the real service's.
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(token, &decoded)) << token;
  EXPECT_THAT(decoded, HasSubstr("\"org\":\"default\""));

  EXPECT_THAT(Call(token), IsOk());
  clock_.Advance(absl::Milliseconds(1999));
  EXPECT_THAT(Call(token), IsOk());
  clock_.Advance(absl::Milliseconds(1));  // 2 s after issue
  grpc::Status expired = Call(token);
  EXPECT_THAT(expired,
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED"));
  EXPECT_THAT(expired.error_message(), HasSubstr("has expired"));

  // The refresh an integrator's client does.
  EXPECT_THAT(Call(Token()), IsOk());
  // Issuing that one did not turn the expired token into an unknown one.
  EXPECT_THAT(Call(token).error_message(), HasSubstr("has expired"));
}

TEST_F(OAuthTest, ATokenTheEndpointDidNotIssueIsRefused) {
  grpc::Status status = Call("made-up-token");
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("was not issued by the token endpoint"));
}

TEST_F(OAuthTest, WrongCredentialsGet401InvalidClient) {
  for (auto [id, secret] :
       {std::pair{"app", "wrong"}, {"stranger", "s3cret"}}) {
    SCOPED_TRACE(id);
    httplib::Result result = FetchToken(id, secret);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 401);
    EXPECT_EQ(result->get_header_value("WWW-Authenticate"),
              "Basic realm=\"customer-fake\"");
    google::protobuf::Struct json = Json(result->body);
    EXPECT_EQ(json.fields().at("error").string_value(), "invalid_client");
    EXPECT_EQ(json.fields().at("error_description").string_value(),
              "client authentication failed: unknown client or wrong secret");
  }
  // No credentials at all.
  httplib::Result bare =
      http_->Post("/auth/oauth/token", "grant_type=client_credentials",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 401);
  EXPECT_EQ(Json(bare->body).fields().at("error").string_value(),
            "invalid_client");
}

TEST_F(OAuthTest, BadGrantsGet400) {
  httplib::Result missing = FetchToken("app", "s3cret", "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(Json(missing->body).fields().at("error").string_value(),
            "invalid_request");
  httplib::Result other = FetchToken("app", "s3cret", "grant_type=password");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 400);
  google::protobuf::Struct json = Json(other->body);
  EXPECT_EQ(json.fields().at("error").string_value(), "unsupported_grant_type");
  EXPECT_EQ(json.fields().at("error_description").string_value(),
            "grant_type \"password\" is not supported; use client_credentials");
}

TEST_F(OAuthTest, CredentialsInTheFormWorkToo) {
  httplib::Result result = http_->Post(
      "/auth/oauth/token",
      "grant_type=client_credentials&client_id=app&client_secret=s3cret",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
}

TEST_F(OAuthTest, OtherPathsAndMethodsGet404WithJson) {
  httplib::Result get = http_->Get("/auth/oauth/token");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 404);
  EXPECT_EQ(Json(get->body).fields().at("error_description").string_value(),
            "GET /auth/oauth/token: no such endpoint; tokens are at POST "
            "/auth/oauth/token");
}

TEST_F(OAuthTest, TheNamespaceHeaderPicksTheClients) {
  ASSERT_TRUE(fake_->control()
                  .LoadScenario("team", R"(settings:
  auth:
    mode: oauth
    clients: [{id: team-app, secret: other}]
    token_ttl: 60s
)")
                  .ok());
  // app:s3cret is a client of `default`, not of `team`.
  httplib::Result refused =
      FetchToken("app", "s3cret", "grant_type=client_credentials",
                 {{"x-fake-namespace", "team"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  httplib::Result issued =
      FetchToken("team-app", "other", "grant_type=client_credentials",
                 {{"x-fake-namespace", "team"}});
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 200) << issued->body;
  google::protobuf::Struct json = Json(issued->body);
  EXPECT_EQ(json.fields().at("expires_in").number_value(), 60);
  EXPECT_THAT(Call(json.fields().at("access_token").string_value(), "team"),
              IsOk());
  httplib::Result bad_ns =
      FetchToken("team-app", "other", "grant_type=client_credentials",
                 {{"x-fake-namespace", "no/slash"}});
  ASSERT_TRUE(bad_ns);
  EXPECT_EQ(bad_ns->status, 400);
  EXPECT_EQ(Json(bad_ns->body).fields().at("error").string_value(),
            "invalid_request");
}

TEST_F(OAuthTest, TokenRequestsCreateNoNamespace) {
  ASSERT_THAT(fake_->control().ListNamespaces(), ::testing::IsEmpty());
  // Refused before the namespace is looked at; then a token for a namespace
  // that does not exist yet, by the server scenario's clients.
  httplib::Result refused = FetchToken("app", "s3cret", "grant_type=password",
                                       {{"x-fake-namespace", "fresh"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  httplib::Result issued =
      FetchToken("app", "s3cret", "grant_type=client_credentials",
                 {{"x-fake-namespace", "fresh"}});
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 200) << issued->body;
  EXPECT_THAT(fake_->control().ListNamespaces(), ::testing::IsEmpty());
  // The first API call creates it, and the token is good there.
  EXPECT_THAT(
      Call(Json(issued->body).fields().at("access_token").string_value(),
           "fresh"),
      IsOk());
  EXPECT_THAT(fake_->control().ListNamespaces(),
              ::testing::ElementsAre("fresh"));
}

TEST_F(OAuthTest, ErrorsEchoingTheRequestAreValidJson) {
  // A quote, a backslash, a control character and a byte that is not UTF-8.
  httplib::Result result =
      FetchToken("app", "s3cret", "grant_type=o%27b%22r%5C%01%FF");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  google::protobuf::Struct json = Json(result->body);
  EXPECT_EQ(json.fields().at("error").string_value(), "unsupported_grant_type");
  EXPECT_EQ(json.fields().at("error_description").string_value(),
            "grant_type \"o'b\"r\\\x01\xEF\xBF\xBD\" is not supported; use "
            "client_credentials");
}

TEST_F(OAuthTest, WithoutClientsAnyCredentialsGetAToken) {
  Start("settings: {auth: {mode: oauth}}\n");
  httplib::Result result = FetchToken("whoever", "whatever");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(Json(result->body).fields().at("expires_in").number_value(), 3600);
  EXPECT_THAT(
      Call(Json(result->body).fields().at("access_token").string_value()),
      IsOk());
}

TEST(OAuthStart, ModeOAuthWithoutTheEndpointIsRefused) {
  FakeOptions options;
  options.auth_mode = model::AuthMode::kOAuth;
  auto started = Fake::Start(std::move(options));
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(started.status().message()),
              HasSubstr("needs an OAuth listen address (--oauth-listen"));
}

TEST(OAuthStart, ScenarioInModeOAuthIsRefusedWithoutTheEndpoint) {
  auto started = Fake::Start(FakeOptions{});
  ASSERT_TRUE(started.ok()) << started.status();
  control::Control& control = (*started)->control();
  ASSERT_TRUE(control.LoadScenario("team", "customers: []\n").ok());
  const std::string before = *control.ExportState("team");
  absl::StatusOr<control::Control::Loaded> loaded = control.LoadScenario(
      "team", "version: 1\nsettings:\n  auth: {mode: oauth}\n", "oauth.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("oauth.yaml:3:16: settings.auth.mode: mode oauth "
                        "accepts only tokens from the token endpoint, and this "
                        "server has none (start it with --oauth-listen "
                        "HOST:PORT)"));
  EXPECT_EQ(*control.ExportState("team"), before);
}

}  // namespace
}  // namespace customerfake
