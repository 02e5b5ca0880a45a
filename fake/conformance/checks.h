// The conformance checks: each one documented behaviour of CustomerService
// (../shared/spec/customer-api.md and MOIA's guide), with a stable id, what
// it expects and what it saw. They use the public API only, so they run
// against MOIA's sandbox as against the fake.
#ifndef CUSTOMER_FAKE_CONFORMANCE_CHECKS_H_
#define CUSTOMER_FAKE_CONFORMANCE_CHECKS_H_

#include <functional>
#include <string>
#include <vector>

#include "fake/conformance/api_client.h"

namespace customerfake::conformance {

enum class Verdict { kPass, kDiffers, kSkipped };

struct Observation {
  Verdict verdict;
  std::string observed;  // what the endpoint did, or why the check skipped
};

// What the checks share: the client, the flags the endpoint accepts, and
// every customer this run created (all of them with kCustomerPrefix in
// their given name, so that they can be found and deleted).
class Session {
 public:
  static constexpr char kCustomerPrefix[] = "cfk-conformance";

  Session(ApiClient& client, std::vector<std::string> flags);

  ApiClient& client() { return client_; }
  const std::vector<std::string>& flags() const { return flags_; }

  // Valid customer data whose given name carries the prefix.
  v1::CreateCustomerRequest NewCustomer();
  // Creates a valid customer and remembers it; INTERNAL when the endpoint
  // answers OK without an id.
  grpc::Status Create(v1::Customer* created);
  grpc::Status Create(const v1::CreateCustomerRequest& request,
                      v1::Customer* created);
  // Every customer in the list, in its order; the status of the first
  // failed page.
  grpc::Status ListAll(std::vector<v1::Customer>* customers,
                       int32_t page_size = 100);

  // Deletes every customer this run created, and any other whose given name
  // has the prefix; returns the ids it could not delete.
  std::vector<std::string> CleanUp();

 private:
  ApiClient& client_;
  const std::vector<std::string> flags_;
  int created_count_ = 0;
  std::vector<std::string> created_;
};

struct Check {
  std::string id;        // "create.phone.e164"
  std::string expected;  // the documented behaviour
  std::function<Observation(Session&)> run;
};

// Every check, in the order they run.
const std::vector<Check>& Checks();

}  // namespace customerfake::conformance

#endif  // CUSTOMER_FAKE_CONFORMANCE_CHECKS_H_
