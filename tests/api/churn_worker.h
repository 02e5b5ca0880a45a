#ifndef CUSTOMER_FAKE_TESTS_API_CHURN_WORKER_H_
#define CUSTOMER_FAKE_TESTS_API_CHURN_WORKER_H_

// One client thread of the churn test: its calls, each checked against the
// model, and the whole-namespace checks it runs while it holds a namespace
// exclusively.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/server/fake.h"
#include "fake/testing/fake_test.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"
#include "tests/api/churn_model.h"

namespace customerfake::churn {

namespace cv1 = ::customerfake::control::v1;
using ControlStub = cv1::ControlService::Stub;
using Stub = v1::CustomerService::Stub;

class Worker {
 public:
  Worker(int index, Space& space, Fake& fake)
      : index_(index),
        header_(absl::StrCat("t", index)),
        space_(space),
        slot_(space.slots[index / kNamespaces]),
        random_(kSeed + index),
        channel_(fake.InProcessChannel()),
        stub_(v1::CustomerService::NewStub(channel_)),
        control_(cv1::ControlService::NewStub(channel_)) {}

  // kOpsPerThread seeded random calls, each under the namespace's lock.
  void Run();
  // Compares the whole namespace with the model; the caller holds the lock
  // exclusively (or all threads are done).
  void Verify();

 private:
  std::unique_ptr<grpc::ClientContext> Context(const std::string& header,
                                               bool auth = true) const {
    auto context = auth ? testing::ContextFor(space_.name, "churn-token")
                        : testing::ContextFor(space_.name, std::nullopt);
    context->AddMetadata("x-churn-thread", header);
    return context;
  }

  // A CustomerService call under this thread's header: checks a fault's
  // answer against the thread's rules and counts the call for the journal.
  template <typename Request, typename Response>
  Met Call(const char* method,
           grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&,
                                     Response*),
           const Request& request, Response* response, grpc::Status* status) {
    *status = ((*stub_).*rpc)(Context(header_).get(), request, response);
    space_.exists = true;
    slot_.journal[Key(header_, method, status->error_code())]++;
    return ResolveFaults(slot_.rules, method, *status, *response);
  }

  template <typename Request, typename Response>
  grpc::Status Control(grpc::Status (ControlStub::*rpc)(grpc::ClientContext*,
                                                        const Request&,
                                                        Response*),
                       const Request& request, Response* response) {
    return ((*control_).*rpc)(
        testing::ContextFor(space_.name, std::nullopt).get(), request,
        response);
  }

  // Every customer of ListCustomers, page by page; retries a page a fault
  // refused.
  std::vector<v1::Customer> ListAll(int page_size);
  std::vector<std::string> ListFlags(const std::string& id, int page_size);
  // The journal, page by page, checked for order and masked tokens.
  std::vector<cv1::Call> Journal(const std::string& method, int page_size);
  std::vector<cv1::FaultRuleStatus> Rules();

  v1::Customer RandomFields(const std::string& id);
  Customer* RandomCustomer();
  std::string RandomUnknownId();
  // An id of this thread's: mostly a live customer, sometimes a deleted or
  // never issued one (nullptr customer then).
  std::string PickId(Customer** customer);
  int Uniform(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random_);
  }

  // Calls made while the namespace is shared (churn_worker.cc).
  void Create(bool valid);
  void Get();
  void Update(bool valid);
  void Delete();
  void CheckList();
  void CheckFlags();
  void ChangeFlag(bool add);
  void Unauthenticated();
  void Ping();
  void AddRule();
  void AddInvalidRule();
  void CheckRules();
  void RemoveRule();
  void CheckJournal();
  void CheckExport();
  void CheckNamespaces();
  void LoadInvalid();

  // Calls made while holding the namespace exclusively (churn_checks.cc).
  void Reset(bool empty);
  void Load();
  void ClearRules();
  void ClearCalls();
  void DeleteNamespace();
  void Hang();
  // Back to `customers`, shared out among the owners, with no rules and an
  // empty journal.
  void Restart(const std::vector<Customer>& customers, bool ping_rule);
  void EmptyJournal();

  const int index_;
  const std::string header_;
  Space& space_;
  Slot& slot_;
  std::mt19937_64 random_;
  int serial_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<ControlStub> control_;
};

}  // namespace customerfake::churn

#endif  // CUSTOMER_FAKE_TESTS_API_CHURN_WORKER_H_
