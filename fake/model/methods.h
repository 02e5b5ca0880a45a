#ifndef CUSTOMER_FAKE_MODEL_METHODS_H_
#define CUSTOMER_FAKE_MODEL_METHODS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace customerfake::model {

// One CustomerService method, read from the generated descriptors so that the
// table follows whichever customer.proto the fake was built against. The
// table holds v1's methods, then v1beta1's.
struct MethodInfo {
  std::string short_name;  // "CreateCustomer"
  std::string full_name;   // "/moia.trip.customer.v1.CustomerService/..."
  const google::protobuf::Message* request_prototype;
  const google::protobuf::Message* response_prototype;
  // Whether a call that succeeds changes state (Create, Update, Delete,
  // AddCustomerFlag, RemoveCustomerFlag).
  bool writes;
};

const std::vector<MethodInfo>& CustomerServiceMethods();

// By full name, or by short name (v1's method); nullptr when there is none.
const MethodInfo* FindMethod(absl::string_view name);

// "CreateCustomer" for "/moia.trip.customer.v1.CustomerService/CreateCustomer".
absl::string_view ShortMethodName(absl::string_view full_method);

// True when `path` (dotted proto field names) names a field of `type`.
bool HasFieldPath(const google::protobuf::Descriptor* type,
                  absl::string_view path);

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_METHODS_H_
