// Field validation of CustomerService requests: customer data fields and flags.
#ifndef CUSTOMER_FAKE_MODEL_VALIDATION_H_
#define CUSTOMER_FAKE_MODEL_VALIDATION_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fake/model/customer.h"
#include "fake/model/settings.h"

// The rules follow the Errors section of spec/customer-api.md. Those marked
// "reconstructed" there (phone number format, language code table, flag
// rules) and the details of what makes an email address "plausible" are the
// fake's own reconstruction, not documented MOIA behaviour.
namespace customerfake::model {

// Checks in the contract's order: name rules, email, phone, language. Returns
// the first failure.
absl::Status ValidateCustomerFields(const model::CustomerFields& fields,
                                    const model::Settings& settings);

// Every rule `fields` breaks, in the same order (for scenario files, which
// report every problem at once).
std::vector<absl::Status> CustomerFieldProblems(
    const model::CustomerFields& fields, const model::Settings& settings);

// INVALID_FLAG: empty, over 100 code points, contains whitespace or control
// characters, or not in settings.known_flags when that list is non-empty.
// FLAG_READ_ONLY when the flag is in settings.read_only_flags. INVALID_FLAG is
// checked first.
absl::Status ValidateFlag(absl::string_view flag,
                          const model::Settings& settings);

// True for an assigned ISO 639-1 code (two lowercase letters; deprecated codes
// such as "iw" or "in" are not assigned).
bool IsAssignedIso6391(absl::string_view code);

// Number of Unicode code points in a UTF-8 string (bytes that are not
// continuation bytes 10xxxxxx).
size_t CodePoints(absl::string_view utf8);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_VALIDATION_H_
