#ifndef CUSTOMER_FAKE_TESTING_FAKE_TEST_H_
#define CUSTOMER_FAKE_TESTING_FAKE_TEST_H_

// gtest helpers for testing a CustomerService client against the fake: a
// matcher for an error's code and google.rpc.ErrorInfo reason, and a fixture
// that starts one fake per test binary and gives every test its own
// namespace, so tests can run in parallel against it.

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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
  *result_listener << "code " << arg.error_code() << ", reason \""
                   << ErrorInfoOf(arg).reason() << "\", message \""
                   << arg.error_message() << "\"";
  return arg.ok();
}

// One fake for the whole test binary, a namespace per test: use it with
// TEST_F, or subclass it. A test that needs other start options (auth mode,
// seed, limits) starts its own Fake with Fake::Start.
class FakeTest : public ::testing::Test {
 protected:
  using CustomerService = ::moia::trip::customer::v1::CustomerService;

  void SetUp() override {
    const ::testing::TestInfo* test =
        ::testing::UnitTest::GetInstance()->current_test_info();
    namespace_ = absl::StrReplaceAll(
        absl::StrCat(test->test_suite_name(), ".", test->name()), {{"/", "."}});
    if (namespace_.size() > 64) {
      // Names are at most 64 characters: keep a prefix, and a hash of the
      // whole name so that two long names sharing the prefix stay apart.
      namespace_ = absl::StrCat(
          namespace_.substr(0, 47), "-",
          absl::Hex(std::hash<std::string>{}(namespace_), absl::kZeroPad16));
    }
    // A repeated run (--gtest_repeat) starts from the baseline again.
    (void)control().DeleteNamespace(namespace_);
    stub_ = CustomerService::NewStub(fake().InProcessChannel());
  }

  // The shared fake, started on first use.
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

  // A client context for one call in this test's namespace, with a token.
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-fake-namespace", namespace_);
    context->AddMetadata("authorization", "Bearer test-token");
    return context;
  }

  // The control operations as direct calls; pass test_namespace(), e.g.
  // control().AddFaultRuleYaml(test_namespace(), "{method: GetCustomer, ...}").
  static control::Control& control() { return fake().control(); }

  const std::string& test_namespace() const { return namespace_; }
  CustomerService::Stub& stub() { return *stub_; }

 private:
  std::string namespace_;
  std::unique_ptr<CustomerService::Stub> stub_;
};

}  // namespace customerfake::testing

#endif  // CUSTOMER_FAKE_TESTING_FAKE_TEST_H_
