// Authentication of every CustomerService RPC through a real stub, in the
// three modes: any bearer token (the default), a fixed list of tokens, none.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fake/core/core.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::SizeIs;

// One RPC's name and outcome.
struct Outcome {
  std::string rpc;
  grpc::Status status;
};

class AuthTest : public FakeTest {
 protected:
  // A context in this test's namespace with `authorization` set to
  // `header`, or without one for nullopt.
  std::unique_ptr<grpc::ClientContext> As(std::optional<std::string> header) {
    auto context = ContextFor(test_namespace(), std::nullopt);
    if (header) context->AddMetadata("authorization", *header);
    return context;
  }

  // Creates a customer with a valid token; empty on failure.
  std::string CreateAuthorized(std::optional<std::string> header) {
    v1::CreateCustomerResponse response;
    EXPECT_THAT(
        stub().CreateCustomer(As(header).get(), ValidCreate(), &response),
        IsOk());
    return response.customer().id();
  }
  static v1::CreateCustomerRequest ValidCreate() {
    v1::CreateCustomerRequest request;
    request.set_email_address("test-customer@moia.io");
    request.set_family_name("Customer");
    request.set_given_name("Test");
    request.set_language_code("en");
    request.set_phone_number("+4997259173740");
    return request;
  }

  // Calls all eight RPCs with `header`, with requests that succeed when
  // authorized (`id` names an existing customer; Delete comes last).
  std::vector<Outcome> CallEveryRpc(std::optional<std::string> header,
                                    const std::string& id) {
    std::vector<Outcome> out;
    {
      v1::GetCustomerRequest r;
      r.set_id(id);
      v1::GetCustomerResponse response;
      out.push_back(
          {"GetCustomer", stub().GetCustomer(As(header).get(), r, &response)});
    }
    {
      v1::ListCustomersRequest r;
      v1::ListCustomersResponse response;
      out.push_back({"ListCustomers",
                     stub().ListCustomers(As(header).get(), r, &response)});
    }
    {
      v1::CreateCustomerResponse response;
      out.push_back(
          {"CreateCustomer",
           stub().CreateCustomer(As(header).get(), ValidCreate(), &response)});
    }
    {
      v1::UpdateCustomerRequest r;
      v1::CreateCustomerRequest data = ValidCreate();
      r.mutable_customer()->set_id(id);
      r.mutable_customer()->set_email_address(data.email_address());
      r.mutable_customer()->set_family_name("Updated");
      r.mutable_customer()->set_language_code(data.language_code());
      r.mutable_customer()->set_phone_number(data.phone_number());
      v1::UpdateCustomerResponse response;
      out.push_back({"UpdateCustomer",
                     stub().UpdateCustomer(As(header).get(), r, &response)});
    }
    {
      v1::AddCustomerFlagRequest r;
      r.set_customer_id(id);
      r.set_flag("vip");
      v1::AddCustomerFlagResponse response;
      out.push_back({"AddCustomerFlag",
                     stub().AddCustomerFlag(As(header).get(), r, &response)});
    }
    {
      v1::ListCustomerFlagsRequest r;
      r.set_customer_id(id);
      v1::ListCustomerFlagsResponse response;
      out.push_back({"ListCustomerFlags",
                     stub().ListCustomerFlags(As(header).get(), r, &response)});
    }
    {
      v1::RemoveCustomerFlagRequest r;
      r.set_customer_id(id);
      r.set_flag("vip");
      v1::RemoveCustomerFlagResponse response;
      out.push_back(
          {"RemoveCustomerFlag",
           stub().RemoveCustomerFlag(As(header).get(), r, &response)});
    }
    {
      v1::DeleteCustomerRequest r;
      r.set_id(id);
      v1::DeleteCustomerResponse response;
      out.push_back({"DeleteCustomer",
                     stub().DeleteCustomer(As(header).get(), r, &response)});
    }
    return out;
  }

  // The namespace's customers and their flags, as text.
  std::string Snapshot(const std::string& header) {
    v1::ListCustomersRequest request;
    request.set_page_size(1000);
    v1::ListCustomersResponse list;
    EXPECT_THAT(stub().ListCustomers(As(header).get(), request, &list), IsOk());
    std::string out = list.DebugString();
    for (const v1::Customer& c : list.customers()) {
      v1::ListCustomerFlagsRequest flags_request;
      flags_request.set_customer_id(c.id());
      v1::ListCustomerFlagsResponse flags;
      EXPECT_THAT(
          stub().ListCustomerFlags(As(header).get(), flags_request, &flags),
          IsOk());
      out += flags.DebugString();
    }
    return out;
  }

  // Every RPC with `header` is UNAUTHENTICATED, and the namespace is left
  // exactly as it was.
  void ExpectEveryRpcRefused(std::optional<std::string> header,
                             const std::string& good_header) {
    const std::string id = CreateAuthorized(good_header);
    const std::string before = Snapshot(good_header);
    std::vector<Outcome> outcomes = CallEveryRpc(header, id);
    ASSERT_THAT(outcomes, SizeIs(8));
    for (const Outcome& o : outcomes) {
      EXPECT_THAT(o.status, StatusIs(grpc::StatusCode::UNAUTHENTICATED,
                                     "UNAUTHENTICATED"))
          << o.rpc;
      EXPECT_EQ(ErrorInfoOf(o.status).domain(), "trip-api.moia-group.io")
          << o.rpc;
    }
    EXPECT_EQ(Snapshot(good_header), before);
  }

  // Every RPC with `header` succeeds.
  void ExpectEveryRpcServed(std::optional<std::string> header) {
    const std::string id = CreateAuthorized(header);
    std::vector<Outcome> outcomes = CallEveryRpc(header, id);
    ASSERT_THAT(outcomes, SizeIs(8));
    for (const Outcome& o : outcomes) EXPECT_THAT(o.status, IsOk()) << o.rpc;
  }
};

// ---- Default mode: any non-empty bearer token ----

TEST_F(AuthTest, AnyBearerServesEveryRpc) {
  ExpectEveryRpcServed("Bearer abc");
}

TEST_F(AuthTest, AnyBearerMissingHeaderIsUnauthenticated) {
  ExpectEveryRpcRefused(std::nullopt, "Bearer abc");
}

TEST_F(AuthTest, AnyBearerEmptyTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("Bearer ", "Bearer abc");
  ExpectEveryRpcRefused("Bearer", "Bearer abc");
}

TEST_F(AuthTest, AnyBearerSchemeIsCaseInsensitive) {
  ExpectEveryRpcServed("bearer abc");
  ExpectEveryRpcServed("BEARER abc");
}

TEST_F(AuthTest, AnyBearerOtherSchemeIsUnauthenticated) {
  ExpectEveryRpcRefused("Basic abc", "Bearer abc");
  ExpectEveryRpcRefused("abc", "Bearer abc");
  ExpectEveryRpcRefused("Bearerabc", "Bearer abc");
}

// ---- Mode tokens: a fixed list ----

class TokensAuthTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    FakeOptions options;
    options.auth_mode = model::AuthMode::kTokens;
    options.tokens = {"t1"};
    UseOwnFake(std::move(options));
  }
};

TEST_F(TokensAuthTest, ListedTokenServesEveryRpc) {
  ExpectEveryRpcServed("Bearer t1");
  ExpectEveryRpcServed("bearer t1");
}

TEST_F(TokensAuthTest, UnlistedTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("Bearer t2", "Bearer t1");
  ExpectEveryRpcRefused("Bearer t1x", "Bearer t1");
  ExpectEveryRpcRefused("Bearer T1", "Bearer t1");
}

TEST_F(TokensAuthTest, MissingHeaderIsUnauthenticated) {
  ExpectEveryRpcRefused(std::nullopt, "Bearer t1");
  ExpectEveryRpcRefused("Basic t1", "Bearer t1");
}

// ---- Mode none ----

TEST_F(AuthTest, ModeNoneServesWithoutHeader) {
  FakeOptions options;
  options.auth_mode = model::AuthMode::kNone;
  UseOwnFake(std::move(options));
  ExpectEveryRpcServed(std::nullopt);
  ExpectEveryRpcServed("Basic whatever");
}

// ---- Scenario settings ----

TEST_F(AuthTest, ScenarioTokensModeApplies) {
  FakeOptions options;
  options.scenario.settings.auth_mode = model::AuthMode::kTokens;
  options.scenario.settings.tokens = {"s1", "s2"};
  UseOwnFake(std::move(options));
  ExpectEveryRpcServed("Bearer s2");
  ExpectEveryRpcRefused("Bearer abc", "Bearer s1");
}

}  // namespace
}  // namespace customerfake
