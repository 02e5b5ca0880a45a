#ifndef CUSTOMER_FAKE_MODEL_CUSTOMER_H_
#define CUSTOMER_FAKE_MODEL_CUSTOMER_H_

#include <string>
#include <vector>

namespace customerfake::model {

// The five data fields of a customer that clients write.
struct CustomerFields {
  std::string email_address;
  std::string family_name;
  std::string given_name;
  std::string language_code;
  std::string phone_number;

  bool operator==(const CustomerFields& o) const {
    return email_address == o.email_address && family_name == o.family_name &&
           given_name == o.given_name && language_code == o.language_code &&
           phone_number == o.phone_number;
  }
};

// One stored customer: id, data, and its set flags (sorted, unique).
struct CustomerRecord {
  std::string id;
  CustomerFields fields;
  std::vector<std::string> flags;

  bool operator==(const CustomerRecord& o) const {
    return id == o.id && fields == o.fields && flags == o.flags;
  }
};

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_CUSTOMER_H_
