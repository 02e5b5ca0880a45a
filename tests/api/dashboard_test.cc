// The dashboard's JSON API (serve --ui-listen) over real HTTP: the guard
// (401 without the control token, 403 without the CSRF header), each
// operation with its exact answer, and that what it changes is what the
// gRPC API then does.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/control/control.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::StartFake;
using ::testing::HasSubstr;

constexpr char kToken[] = "s3cret-control";
constexpr char kCustomerId[] = "7ba438cc-4724-4be1-8c59-f82558f4fde8";
constexpr char kScenario[] = R"(version: 1
settings: {auth: {mode: none}}
customers:
  - id: 7ba438cc-4724-4be1-8c59-f82558f4fde8
    given_name: "<img src=x onerror=alert(1)>"
    family_name: Customer
    email_address: test-customer@example.com
    language_code: en
    phone_number: "+4997259173740"
    flags: [STAFF]
)";
constexpr char kNs[] = "/api/v1/namespaces/dash";
constexpr char kJson[] = "application/json; charset=utf-8";

google::protobuf::Struct Json(const std::string& body) {
  google::protobuf::Struct json;
  auto parsed = google::protobuf::util::JsonStringToMessage(body, &json);
  EXPECT_TRUE(parsed.ok()) << body;
  return json;
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<model::Scenario> scenario =
        scenario::ParseScenario(kScenario, "test");
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    FakeOptions options;
    options.scenario = *scenario;
    options.ui_listen_address = "127.0.0.1:0";
    options.control_token = kToken;
    fake_ = StartFake(std::move(options));
    ASSERT_NE(fake_, nullptr);
    stub_ = v1::CustomerService::NewStub(fake_->InProcessChannel());
    control_stub_ = cv1::ControlService::NewStub(fake_->InProcessChannel());
    const std::string& address = fake_->ui_address();
    int port = 0;
    ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port))
        << address;
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  }

  static httplib::Headers Authorized(bool csrf = true) {
    httplib::Headers headers{{"x-fake-control-token", kToken}};
    if (csrf) headers.emplace("x-customer-fake-csrf", "1");
    return headers;
  }

  httplib::Result Get(const std::string& path) {
    return http_->Get(path, Authorized(false));
  }
  httplib::Result Post(const std::string& path, const std::string& body) {
    return http_->Post(path, Authorized(), body, "application/json");
  }
  httplib::Result Delete(const std::string& path) {
    return http_->Delete(path, Authorized());
  }

  grpc::Status GetCustomer(const std::string& id) {
    grpc::ClientContext context;
    context.AddMetadata("x-fake-namespace", "dash");
    v1::GetCustomerRequest request;
    request.set_id(id);
    v1::GetCustomerResponse response;
    return stub_->GetCustomer(&context, request, &response);
  }

  std::unique_ptr<Fake> fake_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
  std::unique_ptr<cv1::ControlService::Stub> control_stub_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(DashboardTest, WithoutTheTokenEveryPageAndEndpointAnswers401) {
  for (const char* path :
       {"/api/v1/namespaces", "/api/v1/namespaces/dash/rules",
        "/api/v1/namespaces/dash/export"}) {
    auto result = http_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 401) << path;
    EXPECT_EQ(result->get_header_value("Content-Type"), kJson);
    EXPECT_EQ(result->body,
              "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"reason\":"
              "\"CONTROL_TOKEN_REQUIRED\",\"message\":\"the dashboard needs "
              "the control token: header x-fake-control-token or "
              "authorization: Bearer TOKEN, or log in at /login\"}}");
  }
  for (const char* path : {"/", "/app.js", "/style.css", "/nothing"}) {
    auto result = http_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 401) << path;
    EXPECT_EQ(result->get_header_value("Content-Type"),
              "text/html; charset=utf-8");
    EXPECT_THAT(result->body,
                HasSubstr("<form method=\"post\" action=\"/login\">"));
  }
  // A wrong token is no token; a change is refused before anything runs.
  auto wrong = http_->Post(
      "/api/v1/namespaces/dash/reset",
      {{"x-fake-control-token", "guess"}, {"x-customer-fake-csrf", "1"}},
      "{\"empty\":true}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(GetCustomer(kCustomerId).ok());
}

TEST_F(DashboardTest, TakesTheTokenAsBearerOrHeaderOrLoginCookie) {
  auto bearer =
      http_->Get("/api/v1/namespaces",
                 {{"Authorization", absl::StrCat("Bearer ", kToken)}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  EXPECT_EQ(bearer->body, "{\"namespaces\":[]}");

  auto refused =
      http_->Post("/login", "token=guess", "application/x-www-form-urlencoded");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_FALSE(refused->has_header("Set-Cookie"));

  auto login = http_->Post("/login", absl::StrCat("token=", kToken),
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  EXPECT_EQ(login->get_header_value("Location"), "/");
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("; Path=/; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(cookie, ::testing::Not(HasSubstr(kToken)));
  const std::string session = cookie.substr(0, cookie.find(';'));

  auto page = http_->Get("/", {{"Cookie", session}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->get_header_value("Content-Security-Policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  auto script = http_->Get("/app.js", {{"Cookie", session}});
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
}

TEST_F(DashboardTest, ChangesNeedTheCsrfHeader) {
  for (const auto& [method, path] :
       {std::pair<std::string, std::string>{"POST", "/reset"},
        {"POST", "/rules"},
        {"DELETE", "/calls"},
        {"DELETE", ""}}) {
    httplib::Request request;
    request.method = method;
    request.path = absl::StrCat(kNs, path);
    request.headers = Authorized(false);
    request.body = "{\"empty\":true}";
    auto result = http_->send(request);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 403) << path;
    EXPECT_EQ(result->body,
              absl::StrCat("{\"error\":{\"code\":\"PERMISSION_DENIED\","
                           "\"reason\":\"CSRF_HEADER_REQUIRED\",\"message\":\"",
                           method,
                           " needs the header x-customer-fake-csrf: 1 (a page "
                           "of another site cannot send it)\"}}"));
  }
  EXPECT_TRUE(GetCustomer(kCustomerId).ok());
  auto namespaces = Get("/api/v1/namespaces");
  ASSERT_TRUE(namespaces);
  EXPECT_THAT(namespaces->body, HasSubstr("\"customers\":1,"));
}

TEST_F(DashboardTest, NamespacesWithTheirCounts) {
  ASSERT_TRUE(GetCustomer(kCustomerId).ok());
  ASSERT_TRUE(Post(
      absl::StrCat(kNs, "/rules"),
      "{\"yaml\":\"{method: DeleteCustomer, action: {code: UNAVAILABLE}}\"}"));
  auto result = Get("/api/v1/namespaces");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), kJson);
  google::protobuf::Struct json = Json(result->body);
  const auto& list = json.fields().at("namespaces").list_value();
  ASSERT_EQ(list.values_size(), 1) << result->body;
  const auto& space = list.values(0).struct_value().fields();
  EXPECT_EQ(space.at("name").string_value(), "dash");
  EXPECT_EQ(space.at("customers").number_value(), 1);
  EXPECT_EQ(space.at("fault_rules").number_value(), 1);
  EXPECT_EQ(space.at("calls").number_value(), 1);
  EXPECT_THAT(space.at("last_activity").string_value(), HasSubstr("T"));
}

TEST_F(DashboardTest, CustomersPagedAndSearchable) {
  auto all = Get(absl::StrCat(kNs, "/customers"));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(all->body,
            "{\"customers\":[{\"id\":\"7ba438cc-4724-4be1-8c59-f82558f4fde8\","
            "\"given_name\":\"<img src=x onerror=alert(1)>\","
            "\"family_name\":\"Customer\","
            "\"email_address\":\"test-customer@example.com\","
            "\"language_code\":\"en\",\"phone_number\":\"+4997259173740\","
            "\"flags\":[\"STAFF\"]}],\"total\":1,\"offset\":0}");
  for (const char* query : {"7BA438", "IMG", "customer", "EXAMPLE.com"}) {
    auto found = Get(absl::StrCat(kNs, "/customers?q=", query));
    ASSERT_TRUE(found);
    EXPECT_THAT(found->body, HasSubstr("\"total\":1,")) << query;
  }
  auto none = Get(absl::StrCat(kNs, "/customers?q=nobody"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->body, "{\"customers\":[],\"total\":0,\"offset\":0}");
  auto past = Get(absl::StrCat(kNs, "/customers?offset=1&page_size=10"));
  ASSERT_TRUE(past);
  EXPECT_EQ(past->body, "{\"customers\":[],\"total\":1,\"offset\":1}");
  auto bad = Get(absl::StrCat(kNs, "/customers?offset=-1"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body,
            "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"reason\":"
            "\"INVALID_PARAMETER\",\"message\":\"query parameter "
            "offset=\\\"-1\\\" is not a non-negative integer\"}}");
}

TEST_F(DashboardTest, ARuleAddedThroughTheApiFailsTheNextCall) {
  auto added =
      Post(absl::StrCat(kNs, "/rules"),
           "{\"yaml\":\"id: down\\nmethod: GetCustomer\\ntimes: 1\\naction: "
           "{code: UNAVAILABLE, message: injected outage}\"}");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 200);
  EXPECT_EQ(added->body, "{\"id\":\"down\"}");

  grpc::Status failed = GetCustomer(kCustomerId);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(failed.error_message(), "injected outage");
  EXPECT_TRUE(GetCustomer(kCustomerId).ok());

  auto rules = Get(absl::StrCat(kNs, "/rules"));
  ASSERT_TRUE(rules);
  google::protobuf::Struct json = Json(rules->body);
  const auto& list = json.fields().at("rules").list_value();
  ASSERT_EQ(list.values_size(), 1) << rules->body;
  const auto& rule = list.values(0).struct_value().fields();
  EXPECT_EQ(rule.at("matched").string_value(), "2");
  EXPECT_EQ(rule.at("acted").string_value(), "1");
  EXPECT_EQ(rule.at("rule").struct_value().fields().at("id").string_value(),
            "down");

  auto removed = Delete(absl::StrCat(kNs, "/rules/down"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200);
  EXPECT_EQ(removed->body, "{}");
  auto again = Delete(absl::StrCat(kNs, "/rules/down"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(again->body,
            "{\"error\":{\"code\":\"NOT_FOUND\",\"reason\":"
            "\"FAULT_RULE_NOT_FOUND\",\"message\":\"no fault rule with id "
            "\\\"down\\\"\"}}");
}

TEST_F(DashboardTest, ARuleWhoseIdHasASlashIsRemovedByItsEncodedId) {
  auto added = Post(absl::StrCat(kNs, "/rules"),
                    "{\"yaml\":\"id: team/a\\naction: {code: UNAVAILABLE}\"}");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->body, "{\"id\":\"team/a\"}");

  auto removed = Delete(absl::StrCat(kNs, "/rules/team%2Fa"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200) << removed->body;
  auto rules = fake_->control().ListFaultRules("dash");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_TRUE(rules->empty());
}

TEST_F(DashboardTest, AnInvalidRuleGetsTheControlServicesMessage) {
  const std::string yaml = "method: GetCustomer\naction: {code: NOPE}";
  grpc::ClientContext context;
  context.AddMetadata("x-fake-namespace", "dash");
  context.AddMetadata("x-fake-control-token", kToken);
  cv1::AddFaultRuleRequest request;
  request.set_yaml(yaml);
  cv1::AddFaultRuleResponse response;
  grpc::Status grpc_status =
      control_stub_->AddFaultRule(&context, request, &response);
  ASSERT_EQ(grpc_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  auto result =
      Post(absl::StrCat(kNs, "/rules"),
           "{\"yaml\":\"method: GetCustomer\\naction: {code: NOPE}\"}");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  google::protobuf::Struct json = Json(result->body);
  const auto& error = json.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(error.at("message").string_value(), grpc_status.error_message());
  auto rules = Get(absl::StrCat(kNs, "/rules"));
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->body, "{\"rules\":[]}");

  auto not_json = Post(absl::StrCat(kNs, "/rules"), "method: GetCustomer");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_THAT(not_json->body,
              HasSubstr("\"reason\":\"INVALID_JSON\",\"message\":\"the body "
                        "is not a JSON AddFaultRuleRequest: "));
}

TEST_F(DashboardTest, ClearRulesResetAndResetEmpty) {
  ASSERT_TRUE(Post(
      absl::StrCat(kNs, "/rules"),
      "{\"yaml\":\"{method: DeleteCustomer, action: {code: UNAVAILABLE}}\"}"));
  auto cleared = Delete(absl::StrCat(kNs, "/rules"));
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->status, 200);
  EXPECT_EQ(Get(absl::StrCat(kNs, "/rules"))->body, "{\"rules\":[]}");

  auto empty = Post(absl::StrCat(kNs, "/reset"), "{\"empty\":true}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(Get(absl::StrCat(kNs, "/customers"))->body,
            "{\"customers\":[],\"total\":0,\"offset\":0}");
  EXPECT_EQ(GetCustomer(kCustomerId).error_code(), grpc::StatusCode::NOT_FOUND);

  auto reset = Post(absl::StrCat(kNs, "/reset"), "");
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->status, 200);
  EXPECT_TRUE(GetCustomer(kCustomerId).ok());

  auto both =
      Post(absl::StrCat(kNs, "/reset"), "{\"empty\":true,\"to_start\":true}");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
  EXPECT_THAT(both->body, HasSubstr("\"reason\":\"INVALID_RESET\""));
}

TEST_F(DashboardTest, TheJournalWithFiltersAndWhatCameAfter) {
  ASSERT_TRUE(GetCustomer(kCustomerId).ok());
  ASSERT_EQ(GetCustomer("nobody").error_code(), grpc::StatusCode::NOT_FOUND);
  auto all = Get(absl::StrCat(kNs, "/calls"));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  google::protobuf::Struct json = Json(all->body);
  const auto& calls = json.fields().at("calls").list_value();
  ASSERT_EQ(calls.values_size(), 2) << all->body;
  const auto& first = calls.values(0).struct_value().fields();
  EXPECT_EQ(first.at("method").string_value(),
            "/moia.trip.customer.v1.CustomerService/GetCustomer");
  EXPECT_EQ(first.at("code").string_value(), "OK");
  EXPECT_EQ(first.at("attempt").number_value(), 1);
  EXPECT_EQ(json.fields().at("last_sequence").string_value(), "2");

  auto failed = Get(absl::StrCat(kNs, "/calls?code=NOT_FOUND"));
  ASSERT_TRUE(failed);
  json = Json(failed->body);
  ASSERT_EQ(json.fields().at("calls").list_value().values_size(), 1);
  EXPECT_EQ(json.fields().at("last_sequence").string_value(), "2");
  auto text = Get(absl::StrCat(kNs, "/calls?q=NOBODY"));
  ASSERT_TRUE(text);
  EXPECT_EQ(Json(text->body).fields().at("calls").list_value().values_size(),
            1);
  auto after = Get(absl::StrCat(kNs, "/calls?after=2"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body,
            "{\"calls\":[],\"next_page_token\":\"\",\"last_sequence\":\"2\"}");
  auto bad = Get(absl::StrCat(kNs, "/calls?code=SOMETIMES"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body,
              HasSubstr("code=\\\"SOMETIMES\\\" is not a gRPC code"));

  auto cleared = Delete(absl::StrCat(kNs, "/calls"));
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->status, 200);
  EXPECT_EQ(Get(absl::StrCat(kNs, "/calls"))->body,
            "{\"calls\":[],\"next_page_token\":\"\",\"last_sequence\":\"0\"}");
}

TEST_F(DashboardTest, LoadScenarioExportAndDeleteNamespace) {
  auto bad = Post(absl::StrCat(kNs, "/scenario"),
                  "{\"yaml\":\"version: 1\\nsettings: {nope: 1}\"}");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("request:2:"));
  EXPECT_TRUE(GetCustomer(kCustomerId).ok());

  auto loaded = Post(absl::StrCat(kNs, "/scenario"),
                     "{\"yaml\":\"version: 1\\nsettings: {auth: {mode: "
                     "none}}\\ncustomers:\\n  - {given_name: "
                     "A, family_name: B, email_address: a@example.com, "
                     "language_code: de, phone_number: \\\"+49123456\\\"}\"}");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->status, 200) << loaded->body;
  EXPECT_EQ(loaded->body, "{\"customers\":1,\"fault_rules\":0}");
  EXPECT_EQ(GetCustomer(kCustomerId).error_code(), grpc::StatusCode::NOT_FOUND);

  auto exported = Get(absl::StrCat(kNs, "/export"));
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  EXPECT_EQ(exported->get_header_value("Content-Type"),
            "application/yaml; charset=utf-8");
  EXPECT_EQ(exported->get_header_value("Content-Disposition"),
            "attachment; filename=\"dash.yaml\"");
  auto reread = scenario::ParseScenario(exported->body, "export");
  ASSERT_TRUE(reread.ok()) << reread.status();
  ASSERT_EQ(reread->customers.size(), 1);
  EXPECT_EQ(reread->customers[0].fields.email_address, "a@example.com");

  auto deleted = Delete(kNs);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200);
  EXPECT_EQ(Get("/api/v1/namespaces")->body, "{\"namespaces\":[]}");
  auto again = Delete(kNs);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_THAT(again->body, HasSubstr("\"reason\":\"NAMESPACE_NOT_FOUND\""));
  auto invalid = Delete("/api/v1/namespaces/bad%20name");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
}

TEST_F(DashboardTest, UnknownEndpointsAre404) {
  auto result = Get("/api/v1/nothing");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(
      result->body,
      "{\"error\":{\"code\":\"NOT_FOUND\",\"reason\":\"NO_SUCH_ENDPOINT\","
      "\"message\":\"GET /api/v1/nothing: no such page or endpoint "
      "(docs/dashboard.md)\"}}");
}

TEST(DashboardOff, NoListenerWithoutTheFlag) {
  FakeOptions options;
  std::unique_ptr<Fake> fake = StartFake(std::move(options));
  ASSERT_NE(fake, nullptr);
  EXPECT_EQ(fake->ui_address(), "");
}

}  // namespace
}  // namespace customerfake
