// bench-bare-server: the baseline every figure is a ratio to. A minimal
// moia.trip.customer.v1.CustomerService on the callback API, like the fake's,
// that answers every call with a constant: no namespaces, auth, fault rules,
// journal or state. Its answers have the fake's sizes (a customer; a page of
// 50 with a page token), so both put the same bytes on the wire.
//
//   bench-bare-server --listen 127.0.0.1:0   prints "listening on HOST:PORT"
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT; port 0 picks one");
ABSL_FLAG(bool, absl_deadlock_detection, false,
          "true keeps absl::Mutex deadlock detection, which Debian's libabsl "
          "(built without NDEBUG) runs on every lock unless the program turns "
          "it off, as `customer-fake serve` does; a diagnostic, as a C++ test "
          "that embeds the fake and keeps the check");

namespace {

namespace v1 = ::moia::trip::customer::v1;

v1::Customer ConstantCustomer(int i) {
  v1::Customer customer;
  customer.set_id(absl::StrCat("6513270e-269e-4d37-b2a7-", 100000000000 + i));
  customer.set_email_address(absl::StrCat("test.customer", i, "@example.com"));
  customer.set_family_name("Customer");
  customer.set_given_name("Test");
  customer.set_language_code("en");
  customer.set_phone_number("+4997259173740");
  return customer;
}

// Answers every method with a prebuilt message.
class BareCustomerService final : public v1::CustomerService::CallbackService {
 public:
  BareCustomerService() {
    *get_.mutable_customer() = ConstantCustomer(0);
    *create_.mutable_customer() = ConstantCustomer(1);
    *update_.mutable_customer() = ConstantCustomer(2);
    for (int i = 0; i < 50; ++i) *list_.add_customers() = ConstantCustomer(i);
    // About the size of the fake's opaque token.
    list_.set_next_page_token(std::string(96, 'A'));
    flags_.add_flags("AUTONOMOUS_TRIPS_ALLOWED");
  }

  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* context,
                                        const v1::GetCustomerRequest*,
                                        v1::GetCustomerResponse* out) override {
    *out = get_;
    return Ok(context);
  }
  grpc::ServerUnaryReactor* ListCustomers(
      grpc::CallbackServerContext* context, const v1::ListCustomersRequest*,
      v1::ListCustomersResponse* out) override {
    *out = list_;
    return Ok(context);
  }
  grpc::ServerUnaryReactor* CreateCustomer(
      grpc::CallbackServerContext* context, const v1::CreateCustomerRequest*,
      v1::CreateCustomerResponse* out) override {
    *out = create_;
    return Ok(context);
  }
  grpc::ServerUnaryReactor* UpdateCustomer(
      grpc::CallbackServerContext* context, const v1::UpdateCustomerRequest*,
      v1::UpdateCustomerResponse* out) override {
    *out = update_;
    return Ok(context);
  }
  grpc::ServerUnaryReactor* DeleteCustomer(
      grpc::CallbackServerContext* context, const v1::DeleteCustomerRequest*,
      v1::DeleteCustomerResponse*) override {
    return Ok(context);
  }
  grpc::ServerUnaryReactor* ListCustomerFlags(
      grpc::CallbackServerContext* context, const v1::ListCustomerFlagsRequest*,
      v1::ListCustomerFlagsResponse* out) override {
    *out = flags_;
    return Ok(context);
  }
  grpc::ServerUnaryReactor* AddCustomerFlag(
      grpc::CallbackServerContext* context, const v1::AddCustomerFlagRequest*,
      v1::AddCustomerFlagResponse*) override {
    return Ok(context);
  }
  grpc::ServerUnaryReactor* RemoveCustomerFlag(
      grpc::CallbackServerContext* context,
      const v1::RemoveCustomerFlagRequest*,
      v1::RemoveCustomerFlagResponse*) override {
    return Ok(context);
  }

 private:
  static grpc::ServerUnaryReactor* Ok(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  v1::GetCustomerResponse get_;
  v1::CreateCustomerResponse create_;
  v1::UpdateCustomerResponse update_;
  v1::ListCustomersResponse list_;
  v1::ListCustomerFlagsResponse flags_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (!absl::GetFlag(FLAGS_absl_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  BareCustomerService service;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = absl::GetFlag(FLAGS_listen);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "bench-bare-server: cannot listen on " << address << "\n";
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  std::cout << "listening on " << address.substr(0, address.rfind(':')) << ":"
            << port << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  server->Wait();
  return 0;
}
