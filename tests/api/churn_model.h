#ifndef CUSTOMER_FAKE_TESTS_API_CHURN_MODEL_H_
#define CUSTOMER_FAKE_TESTS_API_CHURN_MODEL_H_

// The churn test's model of the fake: what each namespace holds, which
// thread owns what, and how a thread's fault rules decide its calls. See
// churn_test.cc for how the threads share the namespaces.
#include <grpcpp/support/status.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "moia/trip/customer/v1/customer.pb.h"

namespace customerfake::churn {

namespace v1 = ::moia::trip::customer::v1;
using Code = grpc::StatusCode;

constexpr int kThreads = 32;
constexpr int kNamespaces = 8;
constexpr int kOwners = kThreads / kNamespaces;  // threads per namespace
constexpr int kOpsPerThread = 250;
constexpr uint64_t kSeed = 20240611;
constexpr size_t kJournalLimit = 64;
constexpr int kMaxRulesPerThread = 2;

// The server's baseline: every namespace starts here, and after
// DeleteNamespace. STAFF is read-only, any other flag is allowed.
constexpr char kBaselineYaml[] = R"(version: 1
settings: {id_seed: 11}
flags: {read_only: [STAFF]}
customers:
  - {id: 0b5e0000-0000-4000-8000-000000000001, given_name: Base,
     family_name: One, email_address: one@example.com, language_code: en,
     phone_number: "+4915100000001", flags: [VIP]}
  - {id: 0b5e0000-0000-4000-8000-000000000002, given_name: Base,
     family_name: Two, email_address: two@example.com, language_code: de,
     phone_number: "+4915100000002", flags: [STAFF, VIP]}
  - {id: 0b5e0000-0000-4000-8000-000000000003, given_name: Base,
     family_name: Three, email_address: three@example.com, language_code: fr,
     phone_number: "+4915100000003"}
)";

// What LoadScenario puts in: other customers, and a rule that answers
// calls carrying `x-churn-ping: yes`.
constexpr char kLoadedYaml[] = R"(version: 1
settings: {id_seed: 23}
flags: {read_only: [STAFF]}
customers:
  - {id: 10ad0000-0000-4000-8000-000000000001, given_name: Loaded,
     family_name: One, email_address: l1@example.com, language_code: en,
     phone_number: "+4915200000001", flags: [EARLY]}
  - {id: 10ad0000-0000-4000-8000-000000000002, given_name: Loaded,
     family_name: Two, email_address: l2@example.com, language_code: de,
     phone_number: "+4915200000002"}
faults:
  - id: scenario-ping
    method: GetCustomer
    match_metadata: {x-churn-ping: "yes"}
    action: {code: FAILED_PRECONDITION, reason: PINGED, message: pinged}
)";

const char* const kMethods[] = {"GetCustomer",     "ListCustomers",
                                "CreateCustomer",  "UpdateCustomer",
                                "DeleteCustomer",  "ListCustomerFlags",
                                "AddCustomerFlag", "RemoveCustomerFlag"};
// Methods whose canned answer is checked here: all but the lists.
const char* const kCannedMethods[] = {"GetCustomer",     "CreateCustomer",
                                      "UpdateCustomer",  "DeleteCustomer",
                                      "AddCustomerFlag", "RemoveCustomerFlag"};
const char* const kFlags[] = {"VIP", "EARLY", "NIGHT"};

struct Customer {
  v1::Customer data;
  std::set<std::string> flags;
};

// A fault rule of one thread, with the counters the fake must report.
struct Rule {
  enum Kind { kError, kDelay, kCanned, kSequence, kMaybe };
  std::string id;
  Kind kind = kError;
  std::string method;  // short name or "*"
  uint32_t skip = 0;
  uint32_t times = 0;
  uint64_t matched = 0;
  uint64_t acted = 0;

  uint64_t Budget() const { return kind == kSequence ? 3 : times; }
  std::string Reason(int step) const {
    return absl::StrCat("CHURN_", absl::StrReplaceAll(id, {{"-", "_"}}), "_",
                        step);
  }
  std::string CannedJson() const {
    return method == "GetCustomer" || method == "CreateCustomer" ||
                   method == "UpdateCustomer"
               ? absl::StrCat(R"({"customer": {"id": "canned-)", id, R"("}})")
               : "{}";
  }
  std::string Yaml(const std::string& header) const {
    std::string head =
        absl::StrCat("{id: ", id, ", method: \"", method,
                     "\", match_metadata: {x-churn-thread: \"", header,
                     "\"}, skip: ", skip, ", times: ", times);
    switch (kind) {
      case kError:
        return absl::StrCat(head,
                            ", action: {code: UNAVAILABLE, reason: ", Reason(0),
                            ", message: churn}}");
      case kDelay:
        return absl::StrCat(head, ", action: {code: OK, delay: 1ms}}");
      case kCanned:
        return absl::StrCat(
            head, ", action: {code: OK, response: ", CannedJson(), "}}");
      case kSequence:
        return absl::StrCat(
            head, ", sequence: [{code: ABORTED, reason: ", Reason(0),
            "}, {code: OK}, {code: ", "RESOURCE_EXHAUSTED, reason: ", Reason(2),
            "}]}");
      case kMaybe:
        return absl::StrCat(head,
                            ", probability: 0.5, action: {code: UNAVAILABLE, "
                            "reason: ",
                            Reason(0), "}}");
    }
    return "";
  }
};

// One thread's part of a namespace.
struct Slot {
  std::vector<Customer> customers;  // in creation order
  std::vector<std::string> gone;    // deleted ids, until the next reset
  std::vector<Rule> rules;          // in the order added
  // Calls journaled since the journal was last emptied, by
  // "header method code".
  std::map<std::string, int> journal;
};

// A namespace as the test knows it. `lock` is shared by ordinary calls and
// held exclusively around calls that replace state; `gate` keeps a waiting
// exclusive locker from being starved by a stream of shared ones.
struct Space {
  std::string name;
  std::mutex gate;
  std::shared_mutex lock;
  Slot slots[kOwners];
  bool loaded = false;             // the baseline is kLoadedYaml
  bool ping_rule = false;          // scenario-ping is among the rules
  std::atomic<uint64_t> pings{0};  // calls scenario-ping acted on
  std::atomic<bool> exists{false};
  // Exclusive-call figures, to show that both journal regimes were checked.
  int exact_journals = 0;
  int full_journals = 0;
};

// The customers of a scenario, as the model holds them.
std::vector<Customer> CustomersOf(const char* yaml);
bool SameCustomer(const v1::Customer& a, const v1::Customer& b);
// A journal entry's identity in the model's counts.
std::string Key(absl::string_view header, absl::string_view method, Code code);

// What a call met: served by the handler, or answered by a fault.
enum class Met { kServed, kFault };

// Replays the fake's decision for a call of `method` over one thread's
// `rules` (in the order added; no other rules match its calls): counts
// matched and acted as the fake must, and checks a fault's answer. A
// probabilistic rule's draw is read from the answer: each has its own reason.
Met ResolveFaults(std::vector<Rule>& rules, absl::string_view method,
                  const grpc::Status& status,
                  const google::protobuf::Message& response);

}  // namespace customerfake::churn

#endif  // CUSTOMER_FAKE_TESTS_API_CHURN_MODEL_H_
