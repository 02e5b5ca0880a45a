#ifndef CUSTOMER_FAKE_TESTING_FAKE_TEST_H_
#define CUSTOMER_FAKE_TESTING_FAKE_TEST_H_

// gtest helpers for testing a CustomerService client against the fake: a
// matcher for an error's code and google.rpc.ErrorInfo reason, and a fixture
// that starts one fake per test binary and gives every test its own
// namespace, so tests can run in parallel against it.
//
//   StatusIs(code, reason), IsOk()   matchers for a grpc::Status
//   FakeTest                         the fixture: stub(), Context(),
//                                    control(), test_namespace(), fake(),
//                                    and UseOwnFake(options) for a test that
//                                    needs other start options
//   StartFake(options)               a fake of its own, or a failed test
//   ContextFor(ns, token)            a client context for a namespace
//   NamespaceFor(name)               a namespace name for a test's name
//   CurrentTestNamespace()           the running test's namespace

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "fake/control/control.h"
#include "fake/errors/error_info.h"
#include "fake/server/fake.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake::testing {

using errors::ErrorInfoOf;
using errors::RetryDelayOf;

// Matches a grpc::Status with this code and ErrorInfo reason.
MATCHER_P2(StatusIs, code, reason,
           absl::StrCat("has code ", code, " and reason ", reason)) {
  const auto info = ErrorInfoOf(arg);
  *result_listener << "code " << arg.error_code() << ", reason \""
                   << info.reason() << "\", message \"" << arg.error_message()
                   << "\"";
  return arg.error_code() == code && info.reason() == reason;
}

// Matches an OK grpc::Status, showing the error otherwise.
MATCHER(IsOk, "is OK") {
  const auto info = ErrorInfoOf(arg);
  *result_listener << "code " << arg.error_code() << ", reason \""
                   << info.reason() << "\", message \"" << arg.error_message()
                   << "\"";
  return arg.ok();
}

// A fake started with `options`, or nullptr after failing the running test
// (a fatal failure, with the status) when it did not start. It stops when the
// pointer goes.
inline std::unique_ptr<Fake> StartFake(FakeOptions options) {
  absl::StatusOr<std::unique_ptr<Fake>> started =
      Fake::Start(std::move(options));
  if (!started.ok()) {
    [&] { FAIL() << "the fake did not start: " << started.status(); }();
    return nullptr;
  }
  return *std::move(started);
}

// A client context for one call in namespace `ns` (sent as it is, so a bad
// name reaches the fake), with `authorization: Bearer <token>`; without an
// authorization header for std::nullopt. Add other metadata to it as usual:
//   ContextFor("team")                     the default token
//   ContextFor("team", "t1")               another token
//   ContextFor("team", std::nullopt)       no token (or set your own header)
//   ContextFor("team")->AddMetadata(...)   extra metadata
inline std::unique_ptr<grpc::ClientContext> ContextFor(
    absl::string_view ns,
    std::optional<absl::string_view> token = "test-token") {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-fake-namespace", std::string(ns));
  if (token.has_value()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  }
  return context;
}

// A namespace name for `name`, a test's "Suite.Name" or a name derived from
// a namespace ("<ns>.other"): '/' (of parameterized tests) becomes '.', and
// a name over 64 characters, the most a namespace has, keeps its first 47
// and a hash of the whole, so two long names sharing the prefix stay apart.
// Other characters are kept: a name with ones a namespace cannot have (e.g.
// a space) stays invalid.
inline std::string NamespaceFor(absl::string_view name) {
  constexpr size_t kMaxLength = 64;
  constexpr size_t kPrefixLength = kMaxLength - 1 - 16;  // "-" and 16 hex
  std::string ns = absl::StrReplaceAll(name, {{"/", "."}});
  if (ns.size() > kMaxLength) {
    ns =
        absl::StrCat(ns.substr(0, kPrefixLength), "-",
                     absl::Hex(std::hash<std::string>{}(ns), absl::kZeroPad16));
  }
  return ns;
}

// The running test's namespace: NamespaceFor("Suite.Name"). It is what
// FakeTest::test_namespace() is; for fixtures of other kinds.
inline std::string CurrentTestNamespace() {
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return NamespaceFor(absl::StrCat(test->test_suite_name(), ".", test->name()));
}

// One fake for the whole test binary, a namespace per test: use it with
// TEST_F, or subclass it. A test that needs other start options (auth mode,
// seed, limits, a scenario) calls UseOwnFake(options): stub(), Context() and
// control() then use a fake of its own until the test ends. Fakes outside
// the fixture's helpers come from StartFake.
class FakeTest : public ::testing::Test {
 protected:
  using CustomerService = ::moia::trip::customer::v1::CustomerService;

  void SetUp() override {
    namespace_ = CurrentTestNamespace();
    // A repeated run (--gtest_repeat) starts from the baseline again.
    (void)fake().control().DeleteNamespace(namespace_);
    shared_stub_ = CustomerService::NewStub(fake().InProcessChannel());
  }

  // The shared fake, started on first use. It stays the shared one after
  // UseOwnFake.
  static Fake& fake() {
    static Fake* const instance = [] {
      auto started = Fake::Start(FakeOptions{});
      if (!started.ok()) {
        ADD_FAILURE() << "the fake did not start: " << started.status();
        std::abort();
      }
      return started->release();
    }();
    return *instance;
  }

  // Starts a fake of this test's own with `options` and points stub(),
  // Context() and control() at it for the rest of the test; it stops with
  // the test, and the next test has the shared fake again. A second call
  // replaces the first one's fake. Returns the fake (e.g. for its address()),
  // or nullptr after failing the test when it did not start; then the
  // helpers stay on the fake they used.
  Fake* UseOwnFake(FakeOptions options) {
    std::unique_ptr<Fake> started = StartFake(std::move(options));
    if (started == nullptr) return nullptr;
    own_stub_ = CustomerService::NewStub(started->InProcessChannel());
    own_fake_ = std::move(started);
    return own_fake_.get();
  }

  // A client context for one call in this test's namespace, with a token:
  // ContextFor(test_namespace()).
  std::unique_ptr<grpc::ClientContext> Context() const {
    return ContextFor(namespace_);
  }

  // The control operations of the fake in use as direct calls; pass
  // test_namespace(), e.g.
  // control().AddFaultRuleYaml(test_namespace(), "{method: GetCustomer, ...}").
  // (Outside a test, e.g. in SetUpTestSuite, the shared fake's are
  // fake().control().)
  control::Control& control() const {
    return own_fake_ != nullptr ? own_fake_->control() : fake().control();
  }

  const std::string& test_namespace() const { return namespace_; }
  CustomerService::Stub& stub() {
    return own_stub_ != nullptr ? *own_stub_ : *shared_stub_;
  }

 private:
  std::string namespace_;
  std::unique_ptr<CustomerService::Stub> shared_stub_;
  // Declared before its stub, so that the stub goes first.
  std::unique_ptr<Fake> own_fake_;
  std::unique_ptr<CustomerService::Stub> own_stub_;
};

}  // namespace customerfake::testing

#endif  // CUSTOMER_FAKE_TESTING_FAKE_TEST_H_
