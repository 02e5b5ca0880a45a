// The limits a fake holds its input and state to (docs/control.md#limits);
// each is a `serve` flag of the same name.
#ifndef CUSTOMER_FAKE_MODEL_LIMITS_H_
#define CUSTOMER_FAKE_MODEL_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace customerfake::model {

// The defaults of --max-scenario-bytes (larger scenarios are refused before
// parsing), --max-customers (the default of settings.max_customers) and
// --max-customer-flags.
inline constexpr size_t kMaxScenarioBytes = 64 << 20;
inline constexpr int64_t kMaxCustomers = 100000;
inline constexpr size_t kMaxCustomerFlags = 1000;

// What a scenario may hold.
struct ScenarioLimits {
  size_t max_bytes = kMaxScenarioBytes;  // --max-scenario-bytes
  // settings.max_customers when the scenario does not set it.
  int64_t default_max_customers = kMaxCustomers;
  size_t max_customer_flags = kMaxCustomerFlags;  // flags of one customer
  size_t max_fault_rules = 1000;                  // --max-fault-rules
  // False when the server has no token endpoint (--oauth-listen): auth mode
  // oauth, which accepts only its tokens, would lock every client out.
  bool token_endpoint = true;
};

// What every namespace of a fake may hold.
struct NamespaceLimits {
  size_t max_journal_entries = 10000;   // --journal-entries
  size_t max_journal_bytes = 64 << 20;  // --journal-bytes: requests, metadata
  size_t max_fault_rules = 1000;        // --max-fault-rules
  size_t max_customer_flags = kMaxCustomerFlags;  // flags of one customer
};

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_LIMITS_H_
