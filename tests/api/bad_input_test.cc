// The bad-input catalogue of docs/bad-inputs.md, one test per row, named by
// its id. Each test sends one bad input over TCP (so gRPC's own limits on
// message and header sizes apply, as for a real client) and checks the
// code, the google.rpc.ErrorInfo reason and that the message names what is
// wrong; then that nothing stored changed (customers, flags, fault rules,
// the namespaces, and the journal but for the refused call's own entry) and
// that the server still answers. docs_test.py checks that every row of the
// table has its test here or in tests/cli/cli_test.py.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/core/core.h"
#include "fake/errors/errors.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/scenario/scenario_writer.h"
#include "fake/state/registry.h"
#include "fake/testing/fake_test.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::CurrentTestNamespace;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::NamespaceFor;
using ::customerfake::testing::StartFake;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using Code = ::grpc::StatusCode;

constexpr char kAda[] = "11111111-1111-4111-8111-111111111111";
constexpr char kBea[] = "22222222-2222-4222-8222-222222222222";

// Three customers, Ada with two flags; the baseline of every namespace.
constexpr char kScenario[] = R"(version: 1
settings: {id_seed: 7}
customers:
  - {id: 11111111-1111-4111-8111-111111111111, given_name: Ada,
     email_address: ada@example.com, language_code: en,
     phone_number: "+4915100000011", flags: [VIP, STAFF]}
  - {id: 22222222-2222-4222-8222-222222222222, given_name: Bea,
     email_address: bea@example.com, language_code: de,
     phone_number: "+4915100000012"}
  - {given_name: Cem, email_address: cem@example.com, language_code: en,
     phone_number: "+4915100000013"}
faults:
  - {id: slow-deletes, method: DeleteCustomer, action: {delay: 1ms}}
)";

// The shared fake's limits, small where a row reaches one.
constexpr size_t kMaxCustomerFlags = 5;
constexpr size_t kMaxFaultRules = 5;
constexpr size_t kMaxScenarioBytes = 1 << 20;

FakeOptions SharedOptions() {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  auto parsed = scenario::ParseScenario(kScenario, "kScenario");
  if (!parsed.ok()) std::abort();
  options.scenario = *std::move(parsed);
  options.max_customer_flags = kMaxCustomerFlags;
  options.max_fault_rules = kMaxFaultRules;
  options.max_scenario_bytes = kMaxScenarioBytes;
  return options;
}

// What the catalogue says a row's answer is.
struct Expected {
  Code code;
  std::string reason;                // empty: no ErrorInfo at all
  std::vector<std::string> message;  // parts the message contains
  bool journaled;                    // the refused call has a journal entry
};

// Everything a namespace stores, for before/after comparison.
struct Snapshot {
  std::string state;  // customers, flags, settings and rules, as YAML
  std::vector<std::string> rules;  // with their counters
  std::vector<std::string> namespaces;
  size_t journal = 0;

  bool operator==(const Snapshot& o) const {
    return state == o.state && rules == o.rules && namespaces == o.namespaces &&
           journal == o.journal;
  }
};

std::ostream& operator<<(std::ostream& out, const Snapshot& s) {
  return out << "namespaces [" << absl::StrJoin(s.namespaces, ",")
             << "], rules [" << absl::StrJoin(s.rules, ",") << "], "
             << s.journal << " journal entries, state:\n"
             << s.state;
}

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = CurrentTestNamespace();
    Use(Shared());
    for (const std::string& name : {ns_, Other()}) {
      fake_->core().namespaces().Delete(name);
    }
  }

  static Fake& Shared() {
    static Fake* const instance = StartFake(SharedOptions()).release();
    return *instance;
  }

  // Points the stubs (and the snapshots) at `fake`.
  void Use(Fake& fake) {
    fake_ = &fake;
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    auto channel = grpc::CreateCustomChannel(
        fake.address(), grpc::InsecureChannelCredentials(), args);
    api_ = v1::CustomerService::NewStub(channel);
    ctl_ = cv1::ControlService::NewStub(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
  }

  const std::string& ns() const { return ns_; }
  std::string Other() const { return NamespaceFor(ns_ + ".o"); }

  // A context in `ns` (this test's by default) with a bearer token.
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& ns = "") const {
    auto context = ContextFor(ns.empty() ? ns_ : ns);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return context;
  }

  Snapshot Snap(const std::string& ns = "") {
    const std::string name = ns.empty() ? ns_ : ns;
    Snapshot snapshot;
    auto space = fake_->core().namespaces().GetOrCreate(name);
    EXPECT_TRUE(space.ok()) << space.status();
    if (!space.ok()) return snapshot;
    snapshot.namespaces = fake_->control().ListNamespaces();
    snapshot.state = scenario::WriteScenario((*space)->Export());
    for (const model::RuleStatus& rule : (*space)->ListFaultRules()) {
      snapshot.rules.push_back(
          absl::StrCat(rule.rule.id, "/", rule.matched, "/", rule.acted));
    }
    snapshot.journal = (*space)->journal().size();
    return snapshot;
  }

  // The row's checks after its bad call: the answer, the stored state
  // against `before`, then that the server still answers.
  void Check(const grpc::Status& status, const Expected& expected,
             const Snapshot& before) {
    EXPECT_EQ(status.error_code(), expected.code) << status.error_message();
    EXPECT_EQ(ErrorInfoOf(status).reason(), expected.reason)
        << status.error_message();
    if (expected.reason.empty()) {
      EXPECT_THAT(status.error_details(), IsEmpty());
    }
    for (const std::string& part : expected.message) {
      EXPECT_THAT(status.error_message(), HasSubstr(part));
    }
    // Bounded, so that any client takes the answer.
    EXPECT_LE(status.error_message().size(),
              errors::kMaxErrorMessageBytes + 32);

    Snapshot after = Snap();
    after.journal -= expected.journaled ? 1 : 0;
    EXPECT_EQ(after, before);
    if (expected.journaled) {
      auto space = fake_->core().namespaces().GetOrCreate(ns_);
      ASSERT_TRUE(space.ok());
      auto last = (*space)->journal().List("", 0, SIZE_MAX).calls;
      ASSERT_THAT(last, Not(IsEmpty()));
      EXPECT_EQ(static_cast<int>(last.back().code),
                static_cast<int>(expected.code));
      EXPECT_EQ(last.back().reason, expected.reason);
    }
    ExpectServing();
  }

  // The server answers health checks and API calls in this namespace.
  void ExpectServing() {
    grpc::ClientContext health_context;
    grpc::health::v1::HealthCheckResponse health;
    ASSERT_TRUE(health_
                    ->Check(&health_context,
                            grpc::health::v1::HealthCheckRequest(), &health)
                    .ok());
    EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    v1::GetCustomerRequest request;
    request.set_id(kAda);
    v1::GetCustomerResponse response;
    grpc::Status status = api_->GetCustomer(Ctx().get(), request, &response);
    // Unless the row loaded another scenario into it, Ada is there.
    EXPECT_TRUE(status.ok() || status.error_code() == Code::NOT_FOUND)
        << status.error_message();
  }

  // Calls on this test's namespace.
  v1::CustomerService::Stub& api() { return *api_; }
  cv1::ControlService::Stub& ctl() { return *ctl_; }
  control::Control& control() { return fake_->control(); }

  grpc::Status Load(const std::string& yaml, const std::string& ns = "") {
    cv1::LoadScenarioRequest request;
    request.set_yaml(yaml);
    cv1::LoadScenarioResponse response;
    return ctl_->LoadScenario(Ctx(ns).get(), request, &response);
  }
  grpc::Status AddRuleYaml(const std::string& yaml) {
    cv1::AddFaultRuleRequest request;
    request.set_yaml(yaml);
    cv1::AddFaultRuleResponse response;
    return ctl_->AddFaultRule(Ctx().get(), request, &response);
  }
  // A first page of one item and its token.
  std::string CustomersToken(const std::string& ns = "") {
    v1::ListCustomersRequest request;
    request.set_page_size(1);
    v1::ListCustomersResponse response;
    EXPECT_TRUE(api_->ListCustomers(Ctx(ns).get(), request, &response).ok());
    EXPECT_FALSE(response.next_page_token().empty());
    return response.next_page_token();
  }
  std::string FlagsToken(const std::string& customer) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(customer);
    request.set_page_size(1);
    v1::ListCustomerFlagsResponse response;
    EXPECT_TRUE(api_->ListCustomerFlags(Ctx().get(), request, &response).ok());
    EXPECT_FALSE(response.next_page_token().empty());
    return response.next_page_token();
  }
  grpc::Status ListWithToken(const std::string& token) {
    v1::ListCustomersRequest request;
    request.set_page_token(token);
    v1::ListCustomersResponse response;
    return api_->ListCustomers(Ctx().get(), request, &response);
  }
  grpc::Status AddFlag(const std::string& customer, const std::string& flag) {
    v1::AddCustomerFlagRequest request;
    request.set_customer_id(customer);
    request.set_flag(flag);
    v1::AddCustomerFlagResponse response;
    return api_->AddCustomerFlag(Ctx().get(), request, &response);
  }
  static v1::CreateCustomerRequest ValidCreate() {
    v1::CreateCustomerRequest request;
    request.set_given_name("Dan");
    request.set_email_address("dan@example.com");
    request.set_language_code("en");
    request.set_phone_number("+4915100000014");
    return request;
  }
  grpc::Status Create(const v1::CreateCustomerRequest& request) {
    v1::CreateCustomerResponse response;
    return api_->CreateCustomer(Ctx().get(), request, &response);
  }

  std::unique_ptr<Fake> own_;  // a fake with other limits, when a row needs

 private:
  std::string ns_;
  Fake* fake_ = nullptr;
  std::unique_ptr<v1::CustomerService::Stub> api_;
  std::unique_ptr<cv1::ControlService::Stub> ctl_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// "billion laughs": nine levels of nine aliases each, 9^9 strings.
std::string Laughs(const std::string& indent) {
  std::string out = absl::StrCat(indent,
                                 "a: &a [lol, lol, lol, lol, lol, lol, "
                                 "lol, lol, lol]\n");
  char previous = 'a';
  for (char name = 'b'; name <= 'i'; ++name) {
    std::vector<std::string> uses(9,
                                  absl::StrCat("*", std::string(1, previous)));
    absl::StrAppend(&out, indent, std::string(1, name), ": &",
                    std::string(1, name), " [", absl::StrJoin(uses, ", "),
                    "]\n");
    previous = name;
  }
  return out;
}

// A scenario of `count` customers with 100-character names.
std::string ManyCustomers(int count) {
  std::string yaml =
      "settings: {page_size: {default: 1000, max: 1000}}\n"
      "customers:\n";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&yaml, "  - {given_name: ", std::string(100, 'G'),
                    ", family_name: ", std::string(100, 'F'),
                    ", email_address: c", i,
                    "@example.com, language_code: en, phone_number: \"+49151",
                    absl::Dec(i, absl::kZeroPad8), "\"}\n");
  }
  return yaml;
}

// --- CustomerService ------------------------------------------------------

TEST_F(BadInput, R01_GetCustomerEmptyId) {
  const Snapshot before = Snap();
  v1::GetCustomerResponse response;
  grpc::Status status =
      api().GetCustomer(Ctx().get(), v1::GetCustomerRequest(), &response);
  Check(status,
        {Code::NOT_FOUND,
         "CUSTOMER_NOT_FOUND",
         {"no customer with id \"\""},
         true},
        before);
}

TEST_F(BadInput, R02_GetCustomerHugeId) {
  const Snapshot before = Snap();
  v1::GetCustomerRequest request;
  request.set_id(std::string(1 << 20, 'x'));
  v1::GetCustomerResponse response;
  grpc::Status status = api().GetCustomer(Ctx().get(), request, &response);
  Check(status,
        {Code::NOT_FOUND,
         "CUSTOMER_NOT_FOUND",
         {"no customer with id \"xxxx", "more bytes)"},
         true},
        before);
  EXPECT_LE(ErrorInfoOf(status).metadata().at("customer_id").size(),
            errors::kMaxErrorMetadataBytes + 32);
}

TEST_F(BadInput, R03_GetCustomerIdNotUtf8) {
  const Snapshot before = Snap();
  v1::GetCustomerRequest request;
  request.set_id("7ba438cc-\xff\xfe");
  v1::GetCustomerResponse response;
  grpc::Status status = api().GetCustomer(Ctx().get(), request, &response);
  Check(status,
        {Code::INVALID_ARGUMENT,
         "MALFORMED_REQUEST",
         {"/moia.trip.customer.v1.CustomerService/GetCustomer",
          "does not parse as moia.trip.customer.v1.GetCustomerRequest",
          "not UTF-8"},
         false},
        before);
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("type"),
            "moia.trip.customer.v1.GetCustomerRequest");
}

TEST_F(BadInput, R04_CreateCustomerNameNotUtf8) {
  const Snapshot before = Snap();
  v1::CreateCustomerRequest request = ValidCreate();
  request.set_family_name("M\xfcller");  // Latin-1
  grpc::Status status = Create(request);
  Check(status,
        {Code::INVALID_ARGUMENT,
         "MALFORMED_REQUEST",
         {"does not parse as moia.trip.customer.v1.CreateCustomerRequest"},
         false},
        before);
}

TEST_F(BadInput, R05_CreateCustomerHugeGivenName) {
  const Snapshot before = Snap();
  v1::CreateCustomerRequest request = ValidCreate();
  request.set_given_name(std::string(1 << 20, 'a'));
  Check(Create(request),
        {Code::INVALID_ARGUMENT,
         "INVALID_GIVEN_NAME",
         {"given_name has 1048576 characters; at most 100"},
         true},
        before);
}

TEST_F(BadInput, R06_CreateCustomerEmailWithControlCharacters) {
  const Snapshot before = Snap();
  v1::CreateCustomerRequest request = ValidCreate();
  request.set_email_address(std::string("dan\0\x07@example.com", 17));
  Check(Create(request),
        {Code::INVALID_ARGUMENT,
         "INVALID_EMAIL_ADDRESS",
         {"email_address", "whitespace or control characters"},
         true},
        before);
}

TEST_F(BadInput, R07_CreateCustomerWithoutNames) {
  const Snapshot before = Snap();
  v1::CreateCustomerRequest request = ValidCreate();
  request.clear_given_name();
  Check(Create(request),
        {Code::INVALID_ARGUMENT,
         "INVALID_NAME",
         {"given_name and family_name are both empty"},
         true},
        before);
}

TEST_F(BadInput, R08_RequestOverMessageLimit) {
  const Snapshot before = Snap();
  v1::CreateCustomerRequest request = ValidCreate();
  request.set_family_name(std::string(5 << 20, 'f'));
  // gRPC refuses it before the fake sees it: its own status, no details.
  Check(Create(request),
        {Code::RESOURCE_EXHAUSTED,
         "",
         {"Received message larger than max", "vs. 4194304"},
         false},
        before);
}

TEST_F(BadInput, R09_UpdateCustomerWithoutCustomer) {
  const Snapshot before = Snap();
  v1::UpdateCustomerResponse response;
  grpc::Status status =
      api().UpdateCustomer(Ctx().get(), v1::UpdateCustomerRequest(), &response);
  // Validated before the lookup, as CreateCustomer is.
  Check(status,
        {Code::INVALID_ARGUMENT,
         "INVALID_NAME",
         {"given_name and family_name are both empty"},
         true},
        before);
}

TEST_F(BadInput, R10_ListCustomersNegativePageSize) {
  const Snapshot before = Snap();
  v1::ListCustomersRequest request;
  request.set_page_size(-1);
  v1::ListCustomersResponse response;
  Check(api().ListCustomers(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_SIZE",
         {"page_size must not be negative, got -1"},
         true},
        before);
}

TEST_F(BadInput, R11_ListCustomersMinimumPageSize) {
  const Snapshot before = Snap();
  v1::ListCustomersRequest request;
  request.set_page_size(INT32_MIN);
  v1::ListCustomersResponse response;
  Check(api().ListCustomers(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_SIZE",
         {"page_size must not be negative, got -2147483648"},
         true},
        before);
}

TEST_F(BadInput, R12_ListCustomersHugePageSize) {
  ASSERT_TRUE(
      control()
          .LoadScenario(
              ns(), absl::StrReplaceAll(kScenario, {{"settings: {id_seed: 7}",
                                                     "settings: {id_seed: 7, "
                                                     "page_size: {default: 1, "
                                                     "max: 2}}"}}))
          .ok());
  const Snapshot before = Snap();
  v1::ListCustomersRequest request;
  request.set_page_size(INT32_MAX);
  v1::ListCustomersResponse response;
  grpc::Status status = api().ListCustomers(Ctx().get(), request, &response);
  // Clamped to settings.page_size.max, not an error.
  Check(status, {Code::OK, "", {}, true}, before);
  EXPECT_THAT(response.customers(), SizeIs(2));
  EXPECT_FALSE(response.next_page_token().empty());
}

TEST_F(BadInput, R13_PageTokenTruncated) {
  const std::string token = CustomersToken();
  const Snapshot before = Snap();
  Check(ListWithToken(token.substr(0, token.size() - 3)),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"page_token is not valid here"},
         true},
        before);
}

TEST_F(BadInput, R14_PageTokenForged) {
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(CustomersToken(), &raw));
  raw[0] ^= 0x01;  // the payload, not the checksum at the end
  const Snapshot before = Snap();
  Check(ListWithToken(absl::WebSafeBase64Escape(raw)),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"page_token is not valid here: it was altered or not issued by "
          "this fake"},
         true},
        before);
}

TEST_F(BadInput, R15_PageTokenFromAnotherNamespace) {
  const std::string token = CustomersToken(Other());
  const Snapshot before = Snap();
  Check(ListWithToken(token),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"it was issued for another namespace"},
         true},
        before);
}

TEST_F(BadInput, R16_PageTokenFromAnotherList) {
  const std::string token = FlagsToken(kAda);
  const Snapshot before = Snap();
  Check(ListWithToken(token),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"it was issued for another list"},
         true},
        before);
}

TEST_F(BadInput, R17_PageTokenFromAnotherCustomer) {
  const std::string token = FlagsToken(kAda);
  const Snapshot before = Snap();
  v1::ListCustomerFlagsRequest request;
  request.set_customer_id(kBea);
  request.set_page_token(token);
  v1::ListCustomerFlagsResponse response;
  Check(api().ListCustomerFlags(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"it was issued for another customer"},
         true},
        before);
}

TEST_F(BadInput, R18_PageTokenBase64Garbage) {
  const Snapshot before = Snap();
  Check(ListWithToken("!!not*base64~~"),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"page_token is not valid here: it is malformed"},
         true},
        before);
}

TEST_F(BadInput, R19_PageTokenHuge) {
  const Snapshot before = Snap();
  Check(ListWithToken(std::string(1 << 20, 'A')),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"page_token is not valid here"},
         true},
        before);
}

TEST_F(BadInput, R20_PageTokenFromBeforeReset) {
  const std::string token = CustomersToken();
  ASSERT_TRUE(control().Reset(ns()).ok());
  const Snapshot before = Snap();
  Check(ListWithToken(token),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"the namespace was reset or reloaded since it was issued"},
         true},
        before);
}

TEST_F(BadInput, R21_PageStopsAtMessageLimit) {
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  options.max_message_bytes = 64 << 10;
  own_ = StartFake(options);
  ASSERT_NE(own_, nullptr);
  Use(*own_);
  ASSERT_TRUE(control().LoadScenario(ns(), ManyCustomers(1000)).ok());
  const Snapshot before = Snap();
  v1::ListCustomersRequest request;
  request.set_page_size(INT32_MAX);
  v1::ListCustomersResponse response;
  grpc::Status status = api().ListCustomers(Ctx().get(), request, &response);
  // A short page rather than an answer gRPC could not send.
  Check(status, {Code::OK, "", {}, true}, before);
  EXPECT_GT(response.customers_size(), 0);
  EXPECT_LT(response.customers_size(), 1000);
  EXPECT_LE(response.ByteSizeLong(), size_t{64} << 10);
  // The pages together hold every customer once.
  int seen = response.customers_size();
  while (!response.next_page_token().empty()) {
    request.set_page_token(response.next_page_token());
    response.Clear();
    ASSERT_TRUE(api().ListCustomers(Ctx().get(), request, &response).ok());
    seen += response.customers_size();
  }
  EXPECT_EQ(seen, 1000);
}

TEST_F(BadInput, R22_AddFlagHuge) {
  const Snapshot before = Snap();
  grpc::Status status = AddFlag(kAda, std::string(1 << 20, 'F'));
  Check(status,
        {Code::INVALID_ARGUMENT,
         "INVALID_FLAG",
         {"has 1048576 characters; at most 100 are allowed"},
         true},
        before);
  EXPECT_LE(ErrorInfoOf(status).metadata().at("flag").size(),
            errors::kMaxErrorMetadataBytes + 32);
}

TEST_F(BadInput, R23_AddFlagWithNewline) {
  const Snapshot before = Snap();
  Check(AddFlag(kAda, "VIP\nSTAFF"),
        {Code::INVALID_ARGUMENT,
         "INVALID_FLAG",
         {"contains whitespace or control characters"},
         true},
        before);
}

TEST_F(BadInput, R24_AddFlagBeyondLimit) {
  for (size_t i = 2; i < kMaxCustomerFlags; ++i) {
    ASSERT_TRUE(AddFlag(kAda, absl::StrCat("F", i)).ok());
  }
  const Snapshot before = Snap();
  Check(AddFlag(kAda, "ONE_TOO_MANY"),
        {Code::RESOURCE_EXHAUSTED,
         "FLAG_LIMIT_REACHED",
         {"maximum of 5 flags (--max-customer-flags)"},
         true},
        before);
}

TEST_F(BadInput, R25_CreateCustomerBeyondLimit) {
  ASSERT_TRUE(control()
                  .LoadScenario(
                      ns(), absl::StrReplaceAll(
                                kScenario, {{"settings: {id_seed: 7}",
                                             "settings: {max_customers: 3}"}}))
                  .ok());
  const Snapshot before = Snap();
  Check(Create(ValidCreate()),
        {Code::RESOURCE_EXHAUSTED,
         "CUSTOMER_LIMIT_REACHED",
         {"maximum of 3 customers (settings.max_customers)"},
         true},
        before);
}

// --- Metadata -------------------------------------------------------------

// A call in namespace `name`, which is refused before any namespace exists:
// nothing is journaled anywhere and no namespace appears.
grpc::Status ListIn(v1::CustomerService::Stub& api, const std::string& name) {
  v1::ListCustomersResponse response;
  return api.ListCustomers(ContextFor(name).get(), v1::ListCustomersRequest(),
                           &response);
}

TEST_F(BadInput, R26_NamespaceWithBadCharacters) {
  const Snapshot before = Snap();
  Check(ListIn(api(), "../etc passwd"),
        {Code::INVALID_ARGUMENT,
         "INVALID_NAMESPACE",
         {"x-fake-namespace \"../etc passwd\" must be 1 to 64 characters"},
         false},
        before);
}

TEST_F(BadInput, R27_NamespaceTooLong) {
  const Snapshot before = Snap();
  Check(ListIn(api(), std::string(65, 'n')),
        {Code::INVALID_ARGUMENT,
         "INVALID_NAMESPACE",
         {"x-fake-namespace \"nnn", "must be 1 to 64 characters"},
         false},
        before);
}

TEST_F(BadInput, R28_NamespaceHuge) {
  const Snapshot before = Snap();
  // Near gRPC's 8 KiB header limit; the answer must still fit in one.
  grpc::Status status = ListIn(api(), std::string(6000, 'n'));
  Check(status,
        {Code::INVALID_ARGUMENT,
         "INVALID_NAMESPACE",
         {"x-fake-namespace \"nnn", "more bytes)"},
         false},
        before);
}

TEST_F(BadInput, R29_NamespaceEmpty) {
  const Snapshot before = Snap();
  Check(ListIn(api(), ""),
        {Code::INVALID_ARGUMENT,
         "INVALID_NAMESPACE",
         {"x-fake-namespace \"\" must be 1 to 64 characters"},
         false},
        before);
}

TEST_F(BadInput, R30_NamespaceFlood) {
  FakeOptions options = SharedOptions();
  options.max_namespaces = 5;
  own_ = StartFake(options);
  ASSERT_NE(own_, nullptr);
  Use(*own_);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ListIn(api(), absl::StrCat("kept-", i)).ok());
  }
  const Snapshot before = Snap();  // this test's namespace is the fifth
  grpc::Status last;
  for (int i = 0; i < 200; ++i) {
    last = ListIn(api(), absl::StrCat("flood-", i));
    ASSERT_EQ(last.error_code(), Code::RESOURCE_EXHAUSTED) << i;
  }
  Check(last,
        {Code::RESOURCE_EXHAUSTED,
         "NAMESPACE_LIMIT_REACHED",
         {"maximum of 5 namespaces (--max-namespaces)"},
         false},
        before);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(ListIn(api(), absl::StrCat("kept-", i)).ok());
  }
}

TEST_F(BadInput, R31_NoAuthorization) {
  const Snapshot before = Snap();
  v1::ListCustomersResponse response;
  Check(api().ListCustomers(ContextFor(ns(), std::nullopt).get(),
                            v1::ListCustomersRequest(), &response),
        {Code::UNAUTHENTICATED,
         "UNAUTHENTICATED",
         {"missing \"authorization: Bearer <token>\" metadata"},
         true},
        before);
}

TEST_F(BadInput, R32_BearerWithoutToken) {
  const Snapshot before = Snap();
  v1::ListCustomersResponse response;
  // An empty token: "authorization: Bearer ".
  Check(api().ListCustomers(ContextFor(ns(), "").get(),
                            v1::ListCustomersRequest(), &response),
        {Code::UNAUTHENTICATED,
         "UNAUTHENTICATED",
         {"is not of the form \"Bearer <token>\""},
         true},
        before);
}

TEST_F(BadInput, R33_BinaryHeaderInJournal) {
  const std::string bytes("\xff\xfe\x00\x01", 4);
  const Snapshot before = Snap();
  auto context = Ctx();
  context->AddMetadata("x-trace-bin", bytes);
  v1::ListCustomersResponse response;
  grpc::Status status =
      api().ListCustomers(context.get(), v1::ListCustomersRequest(), &response);
  Check(status, {Code::OK, "", {}, true}, before);
  // The journal shows it in base64, and ListCalls still parses.
  cv1::ListCallsRequest request;
  request.set_method("ListCustomers");
  cv1::ListCallsResponse calls;
  ASSERT_TRUE(ctl().ListCalls(Ctx().get(), request, &calls).ok());
  ASSERT_THAT(calls.calls(), Not(IsEmpty()));
  EXPECT_EQ(calls.calls(0).metadata().at("x-trace-bin"),
            absl::Base64Escape(bytes));
}

TEST_F(BadInput, R34_ControlTokenWrong) {
  FakeOptions options = SharedOptions();
  options.control_token = "s3cret";
  own_ = StartFake(options);
  ASSERT_NE(own_, nullptr);
  Use(*own_);
  const Snapshot before = Snap();
  auto context = Ctx();
  context->AddMetadata("x-fake-control-token", "guess");
  cv1::ResetRequest request;
  request.set_empty(true);
  cv1::ResetResponse response;
  Check(ctl().Reset(context.get(), request, &response),
        {Code::PERMISSION_DENIED,
         "PERMISSION_DENIED",
         {"control calls need the right x-fake-control-token metadata"},
         false},
        before);
}

// --- ControlService: scenarios --------------------------------------------

TEST_F(BadInput, R35_LoadScenarioSyntaxError) {
  const Snapshot before = Snap();
  Check(Load("customers: [{given_name: Ada\n"),
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"request:", "not valid YAML"},
         false},
        before);
}

TEST_F(BadInput, R36_LoadScenarioDeeplyNested) {
  const Snapshot before = Snap();
  Check(Load(absl::StrCat("customers: ", std::string(100000, '['),
                          std::string(100000, ']'), "\n")),
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"request:1:", "not valid YAML: nested more than 499 levels deep"},
         false},
        before);
}

TEST_F(BadInput, R37_LoadScenarioBillionLaughs) {
  const Snapshot before = Snap();
  Check(Load(absl::StrCat("laughs:\n", Laughs("  "))),
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"with its aliases expanded, the document is larger than 1048576 "
          "bytes"},
         false},
        before);
}

TEST_F(BadInput, R38_LoadScenarioNotUtf8) {
  const Snapshot before = Snap();
  Check(Load("customers:\n  - given_name: M\xfcller\n"),
        {Code::INVALID_ARGUMENT,
         "MALFORMED_REQUEST",
         {"does not parse as customerfake.control.v1.LoadScenarioRequest"},
         false},
        before);
  // Called directly (C++), the text reaches the parser, which names the
  // byte.
  const Snapshot direct_before = Snap();
  auto loaded =
      control().LoadScenario(ns(), "customers:\n  - given_name: M\xfcller\n");
  EXPECT_EQ(errors::ReasonOf(loaded.status()), "INVALID_SCENARIO");
  EXPECT_THAT(loaded.status().message(),
              HasSubstr("request:2:18: (document): byte 28 (0xfc) is not "
                        "valid UTF-8"));
  EXPECT_EQ(Snap(), direct_before);
}

TEST_F(BadInput, R39_LoadScenarioOverScenarioLimit) {
  const Snapshot before = Snap();
  Check(Load(absl::StrCat("# ", std::string(kMaxScenarioBytes, 'x'), "\n")),
        {Code::RESOURCE_EXHAUSTED,
         "SCENARIO_TOO_LARGE",
         {"request: the scenario has 1048579 bytes; at most 1048576 are "
          "allowed (--max-scenario-bytes)"},
         false},
        before);
}

TEST_F(BadInput, R40_LoadScenarioWithManyProblems) {
  std::vector<std::string> items(100000, "1");
  const Snapshot before = Snap();
  grpc::Status status =
      Load(absl::StrCat("settings: {max_customers: 1000000}\ncustomers: [",
                        absl::StrJoin(items, ","), "]\n"));
  // As many as fit, then how many more; before, the answer was too big
  // for a client to take.
  Check(status,
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"request:2:13: customers[0]: must be a mapping, got \"1\"",
          "more problems (customer-fake validate lists up to 1000)"},
         false},
        before);
}

TEST_F(BadInput, R41_LoadScenarioMoreCustomersThanItsLimit) {
  const Snapshot before = Snap();
  Check(
      Load(absl::StrReplaceAll(kScenario, {{"settings: {id_seed: 7}",
                                            "settings: {max_customers: 2}"}})),
      {Code::INVALID_ARGUMENT,
       "INVALID_SCENARIO",
       {"customers: 3 customers exceed settings.max_customers (2)"},
       false},
      before);
}

TEST_F(BadInput, R42_LoadScenarioTooManyFaultRules) {
  std::string yaml = "faults:\n";
  for (size_t i = 0; i <= kMaxFaultRules; ++i) {
    absl::StrAppend(&yaml,
                    "  - {method: GetCustomer, action: {code: "
                    "UNAVAILABLE}}\n");
  }
  const Snapshot before = Snap();
  Check(Load(yaml),
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"faults: 6 fault rules exceed the limit of 5 per namespace "
          "(--max-fault-rules)"},
         false},
        before);
}

TEST_F(BadInput, R43_LoadScenarioTooManyFlags) {
  const Snapshot before = Snap();
  Check(Load("customers:\n  - {given_name: Ada, email_address: a@example.com,"
             " language_code: en, phone_number: \"+4915100000011\",\n"
             "     flags: [A, B, C, D, E, F]}\n"),
        {Code::INVALID_ARGUMENT,
         "INVALID_SCENARIO",
         {"customers[0].flags: 6 flags exceed the limit of 5 per customer "
          "(--max-customer-flags)"},
         false},
        before);
}

// --- ControlService: fault rules ------------------------------------------

TEST_F(BadInput, R44_FaultRuleProbabilityNaN) {
  const Snapshot before = Snap();
  cv1::AddFaultRuleRequest request;
  request.mutable_rule()->set_method("GetCustomer");
  request.mutable_rule()->set_probability(std::nan(""));
  request.mutable_rule()->mutable_action()->set_code("UNAVAILABLE");
  cv1::AddFaultRuleResponse response;
  Check(ctl().AddFaultRule(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"probability: must be a finite number, got \"NaN\""},
         false},
        before);
}

TEST_F(BadInput, R45_FaultRuleProbabilityAboveOne) {
  const Snapshot before = Snap();
  Check(AddRuleYaml("{method: GetCustomer, probability: 1.5, action: {code: "
                    "UNAVAILABLE}}"),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"probability: must be between 0 and 1, got 1.5"},
         false},
        before);
}

TEST_F(BadInput, R46_FaultRuleNegativeDelay) {
  const Snapshot before = Snap();
  Check(AddRuleYaml("{method: GetCustomer, action: {delay: -5s}}"),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"action.delay: must not be negative, got -5s"},
         false},
        before);
}

TEST_F(BadInput, R47_FaultRuleHugeMessage) {
  const Snapshot before = Snap();
  Check(AddRuleYaml(absl::StrCat(
            "{method: GetCustomer, action: {code: INTERNAL, message: ",
            std::string(1 << 20, 'm'), "}}")),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"action.message: has 1048576 bytes; at most 2048 fit in an error"},
         false},
        before);
}

TEST_F(BadInput, R48_FaultRuleBillionLaughsResponse) {
  const Snapshot before = Snap();
  Check(AddRuleYaml(absl::StrCat("method: GetCustomer\naction:\n  code: OK\n"
                                 "  response:\n    laughs:\n",
                                 Laughs("      "))),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"with its aliases expanded, the document is larger than"},
         false},
        before);
}

TEST_F(BadInput, R49_FaultRuleBothRuleAndYaml) {
  const Snapshot before = Snap();
  cv1::AddFaultRuleRequest request;
  request.mutable_rule()->set_method("GetCustomer");
  request.set_yaml("{method: GetCustomer}");
  cv1::AddFaultRuleResponse response;
  Check(ctl().AddFaultRule(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"set either rule or yaml, not both"},
         false},
        before);
}

TEST_F(BadInput, R50_FaultRuleUnknownMethod) {
  const Snapshot before = Snap();
  Check(AddRuleYaml("{method: FlyCustomer, action: {code: INTERNAL}}"),
        {Code::INVALID_ARGUMENT,
         "INVALID_FAULT_RULE",
         {"rule:1:10: method: \"FlyCustomer\" is not a CustomerService method"},
         false},
        before);
}

TEST_F(BadInput, R51_FaultRuleBeyondLimit) {
  for (size_t i = 1; i < kMaxFaultRules; ++i) {  // the baseline has one
    ASSERT_TRUE(
        AddRuleYaml("{method: GetCustomer, action: {delay: 1ms}}").ok());
  }
  const Snapshot before = Snap();
  Check(AddRuleYaml("{method: GetCustomer, action: {delay: 1ms}}"),
        {Code::RESOURCE_EXHAUSTED,
         "FAULT_RULE_LIMIT_REACHED",
         {"maximum of 5 fault rules"},
         false},
        before);
}

TEST_F(BadInput, R52_RemoveUnknownFaultRule) {
  const Snapshot before = Snap();
  cv1::RemoveFaultRuleRequest request;
  request.set_id("no-such-rule");
  cv1::RemoveFaultRuleResponse response;
  Check(ctl().RemoveFaultRule(Ctx().get(), request, &response),
        {Code::NOT_FOUND,
         "FAULT_RULE_NOT_FOUND",
         {"no fault rule with id \"no-such-rule\""},
         false},
        before);
}

// --- ControlService: journal, namespaces, export --------------------------

TEST_F(BadInput, R53_ListCallsNegativePageSize) {
  const Snapshot before = Snap();
  cv1::ListCallsRequest request;
  request.set_page_size(-5);
  cv1::ListCallsResponse response;
  Check(ctl().ListCalls(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_SIZE",
         {"page_size must not be negative, got -5"},
         false},
        before);
}

TEST_F(BadInput, R54_ListCallsTokenOfAnotherFilter) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(ListWithToken("").ok());
  }
  cv1::ListCallsRequest request;
  request.set_method("ListCustomers");
  request.set_page_size(1);
  cv1::ListCallsResponse response;
  ASSERT_TRUE(ctl().ListCalls(Ctx().get(), request, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  const Snapshot before = Snap();
  request.set_method("GetCustomer");
  request.set_page_token(response.next_page_token());
  Check(ctl().ListCalls(Ctx().get(), request, &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_PAGE_TOKEN",
         {"it was issued for another list"},
         false},
        before);
}

TEST_F(BadInput, R55_ListCallsStopsAtMessageLimit) {
  FakeOptions options = SharedOptions();
  options.max_message_bytes = 64 << 10;
  own_ = StartFake(options);
  ASSERT_NE(own_, nullptr);
  Use(*own_);
  // Forty refused creates of 3 KB each: 120 KB of journal.
  v1::CreateCustomerRequest big = ValidCreate();
  big.set_given_name(std::string(3000, 'g'));
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(Create(big).error_code(), Code::INVALID_ARGUMENT);
  }
  const Snapshot before = Snap();
  cv1::ListCallsRequest request;
  request.set_page_size(1000);
  cv1::ListCallsResponse response;
  grpc::Status status = ctl().ListCalls(Ctx().get(), request, &response);
  Check(status, {Code::OK, "", {}, false}, before);
  EXPECT_GT(response.calls_size(), 0);
  EXPECT_LT(response.calls_size(), 40);
  EXPECT_FALSE(response.next_page_token().empty());
  int seen = response.calls_size();
  while (!response.next_page_token().empty()) {
    request.set_page_token(response.next_page_token());
    response.Clear();
    ASSERT_TRUE(ctl().ListCalls(Ctx().get(), request, &response).ok());
    seen += response.calls_size();
  }
  EXPECT_GE(seen, 40);
}

TEST_F(BadInput, R56_DeleteUnknownNamespace) {
  const Snapshot before = Snap();
  cv1::DeleteNamespaceResponse response;
  Check(ctl().DeleteNamespace(Ctx(Other()).get(), cv1::DeleteNamespaceRequest(),
                              &response),
        {Code::NOT_FOUND,
         "NAMESPACE_NOT_FOUND",
         {absl::StrCat("no namespace \"", Other(), "\"")},
         false},
        before);
}

TEST_F(BadInput, R57_DeleteNamespaceWithBadName) {
  const Snapshot before = Snap();
  cv1::DeleteNamespaceResponse response;
  Check(ctl().DeleteNamespace(Ctx("no/such name").get(),
                              cv1::DeleteNamespaceRequest(), &response),
        {Code::INVALID_ARGUMENT,
         "INVALID_NAMESPACE",
         {"x-fake-namespace \"no/such name\" must be 1 to 64 characters"},
         false},
        before);
}

TEST_F(BadInput, R58_ExportStateOverMessageLimit) {
  FakeOptions options = SharedOptions();
  options.max_message_bytes = 64 << 10;
  own_ = StartFake(options);
  ASSERT_NE(own_, nullptr);
  Use(*own_);
  ASSERT_TRUE(control().LoadScenario(ns(), ManyCustomers(1000)).ok());
  const Snapshot before = Snap();
  cv1::ExportStateResponse response;
  Check(ctl().ExportState(Ctx().get(), cv1::ExportStateRequest(), &response),
        {Code::RESOURCE_EXHAUSTED,
         "RESPONSE_TOO_LARGE",
         {absl::StrCat("the state of namespace \"", ns(), "\" as YAML has"),
          "more than the largest message", "--max-message-bytes"},
         false},
        before);
}

}  // namespace
}  // namespace customerfake
