// The churn test's calls made while a namespace is shared: each checks its
// answer against the model, and changes the model as the fake must have.
#include "tests/api/churn_worker.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/testing/fake_test.h"

namespace customerfake::churn {

using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::Contains;
using ::testing::Not;

v1::Customer Worker::RandomFields(const std::string& id) {
  static const char* const kLanguages[] = {"en", "de", "fr", "it"};
  const int n = ++serial_;
  v1::Customer customer;
  customer.set_id(id);
  customer.set_given_name(absl::StrCat("Given", n));
  customer.set_family_name(absl::StrCat("T", index_));
  customer.set_email_address(absl::StrCat(header_, ".", n, "@example.com"));
  customer.set_language_code(kLanguages[Uniform(0, 3)]);
  customer.set_phone_number(
      absl::StrCat("+49151", absl::Dec(Uniform(0, 99999999), absl::kZeroPad8)));
  return customer;
}

Customer* Worker::RandomCustomer() {
  if (slot_.customers.empty()) return nullptr;
  return &slot_.customers[Uniform(0, slot_.customers.size() - 1)];
}

std::string Worker::RandomUnknownId() {
  return absl::StrCat("00000000-dead-4000-8000-",
                      absl::Hex(random_() & 0xffffffffffff, absl::kZeroPad12));
}

std::string Worker::PickId(Customer** customer) {
  *customer = nullptr;
  int pick = Uniform(0, 9);
  if (pick == 0) return RandomUnknownId();
  if (pick == 1 && !slot_.gone.empty()) {
    return slot_.gone[Uniform(0, slot_.gone.size() - 1)];
  }
  *customer = RandomCustomer();
  return *customer == nullptr ? RandomUnknownId() : (*customer)->data.id();
}

void Worker::Create(bool valid) {
  v1::Customer fields = RandomFields("");
  if (!valid) fields.set_email_address("not-an-address");
  v1::CreateCustomerRequest request;
  request.set_given_name(fields.given_name());
  request.set_family_name(fields.family_name());
  request.set_email_address(fields.email_address());
  request.set_language_code(fields.language_code());
  request.set_phone_number(fields.phone_number());
  v1::CreateCustomerResponse response;
  grpc::Status status;
  if (Call("CreateCustomer", &Stub::CreateCustomer, request, &response,
           &status) == Met::kFault) {
    return;
  }
  if (!valid) {
    EXPECT_THAT(status,
                StatusIs(Code::INVALID_ARGUMENT, "INVALID_EMAIL_ADDRESS"));
    return;
  }
  ASSERT_THAT(status, IsOk());
  fields.set_id(response.customer().id());
  EXPECT_TRUE(SameCustomer(response.customer(), fields))
      << response.customer().ShortDebugString();
  for (const Customer& mine : slot_.customers) {
    EXPECT_NE(mine.data.id(), fields.id()) << "an id issued twice";
  }
  slot_.customers.push_back({fields, {}});
}

void Worker::Get() {
  Customer* customer;
  v1::GetCustomerRequest request;
  request.set_id(PickId(&customer));
  v1::GetCustomerResponse response;
  grpc::Status status;
  if (Call("GetCustomer", &Stub::GetCustomer, request, &response, &status) ==
      Met::kFault) {
    return;
  }
  if (customer == nullptr) {
    EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"))
        << request.id();
    return;
  }
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(SameCustomer(response.customer(), customer->data))
      << response.customer().ShortDebugString() << " vs "
      << customer->data.ShortDebugString();
}

void Worker::Update(bool valid) {
  Customer* customer;
  std::string id = PickId(&customer);
  v1::UpdateCustomerRequest request;
  *request.mutable_customer() = RandomFields(id);
  if (!valid) request.mutable_customer()->set_phone_number("12345");
  v1::UpdateCustomerResponse response;
  grpc::Status status;
  if (Call("UpdateCustomer", &Stub::UpdateCustomer, request, &response,
           &status) == Met::kFault) {
    return;
  }
  if (!valid) {
    // Fields are checked before the customer is looked up.
    EXPECT_THAT(status,
                StatusIs(Code::INVALID_ARGUMENT, "INVALID_PHONE_NUMBER"));
    return;
  }
  if (customer == nullptr) {
    EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
    return;
  }
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(SameCustomer(response.customer(), request.customer()));
  customer->data = request.customer();
}

void Worker::Delete() {
  Customer* customer;
  v1::DeleteCustomerRequest request;
  request.set_id(PickId(&customer));
  v1::DeleteCustomerResponse response;
  grpc::Status status;
  if (Call("DeleteCustomer", &Stub::DeleteCustomer, request, &response,
           &status) == Met::kFault) {
    return;
  }
  if (customer == nullptr) {
    EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
    return;
  }
  ASSERT_THAT(status, IsOk());
  slot_.gone.push_back(request.id());
  slot_.customers.erase(slot_.customers.begin() +
                        (customer - slot_.customers.data()));
}

std::vector<v1::Customer> Worker::ListAll(int page_size) {
  std::vector<v1::Customer> all;
  v1::ListCustomersRequest request;
  request.set_page_size(page_size);
  for (int attempt = 0; attempt < 100; ++attempt) {
    v1::ListCustomersResponse response;
    grpc::Status status;
    if (Call("ListCustomers", &Stub::ListCustomers, request, &response,
             &status) == Met::kFault) {
      continue;  // the same page again
    }
    EXPECT_THAT(status, IsOk());
    if (!status.ok()) return all;
    EXPECT_LE(response.customers_size(), page_size);
    all.insert(all.end(), response.customers().begin(),
               response.customers().end());
    if (response.next_page_token().empty()) return all;
    EXPECT_GT(response.customers_size(), 0) << "an empty page before the end";
    request.set_page_token(response.next_page_token());
  }
  ADD_FAILURE() << "ListCustomers did not reach its end";
  return all;
}

// Others create and delete meanwhile: the list has no customer twice and
// all of this thread's, in the order they were created.
void Worker::CheckList() {
  std::vector<v1::Customer> listed = ListAll(Uniform(1, 7));
  std::set<std::string> seen;
  std::vector<std::string> mine;
  std::set<std::string> my_ids;
  for (const Customer& c : slot_.customers) my_ids.insert(c.data.id());
  for (const v1::Customer& c : listed) {
    EXPECT_TRUE(seen.insert(c.id()).second) << "listed twice: " << c.id();
    if (my_ids.count(c.id())) mine.push_back(c.id());
  }
  std::vector<std::string> expected;
  for (const Customer& c : slot_.customers) expected.push_back(c.data.id());
  EXPECT_EQ(mine, expected) << space_.name << " " << header_;
}

std::vector<std::string> Worker::ListFlags(const std::string& id,
                                           int page_size) {
  std::vector<std::string> flags;
  v1::ListCustomerFlagsRequest request;
  request.set_customer_id(id);
  request.set_page_size(page_size);
  for (int attempt = 0; attempt < 100; ++attempt) {
    v1::ListCustomerFlagsResponse response;
    grpc::Status status;
    if (Call("ListCustomerFlags", &Stub::ListCustomerFlags, request, &response,
             &status) == Met::kFault) {
      continue;
    }
    EXPECT_THAT(status, IsOk());
    if (!status.ok()) return flags;
    flags.insert(flags.end(), response.flags().begin(), response.flags().end());
    if (response.next_page_token().empty()) return flags;
    request.set_page_token(response.next_page_token());
  }
  ADD_FAILURE() << "ListCustomerFlags did not reach its end";
  return flags;
}

void Worker::CheckFlags() {
  Customer* customer = RandomCustomer();
  if (customer == nullptr) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(RandomUnknownId());
    v1::ListCustomerFlagsResponse response;
    grpc::Status status;
    if (Call("ListCustomerFlags", &Stub::ListCustomerFlags, request, &response,
             &status) == Met::kServed) {
      EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
    }
    return;
  }
  std::vector<std::string> flags =
      ListFlags(customer->data.id(), Uniform(1, 3));
  EXPECT_EQ(flags, std::vector<std::string>(customer->flags.begin(),
                                            customer->flags.end()))
      << customer->data.id();
}

void Worker::ChangeFlag(bool add) {
  Customer* customer;
  std::string id = PickId(&customer);
  int pick = Uniform(0, 9);
  std::string flag = pick == 0   ? "STAFF"
                     : pick == 1 ? "NOT VALID"
                                 : kFlags[Uniform(0, 2)];
  grpc::Status status;
  Met met;
  if (add) {
    v1::AddCustomerFlagRequest request;
    request.set_customer_id(id);
    request.set_flag(flag);
    v1::AddCustomerFlagResponse response;
    met = Call("AddCustomerFlag", &Stub::AddCustomerFlag, request, &response,
               &status);
  } else {
    v1::RemoveCustomerFlagRequest request;
    request.set_customer_id(id);
    request.set_flag(flag);
    v1::RemoveCustomerFlagResponse response;
    met = Call("RemoveCustomerFlag", &Stub::RemoveCustomerFlag, request,
               &response, &status);
  }
  if (met == Met::kFault) return;
  // The flag is checked before the customer is looked up.
  if (pick == 0) {
    EXPECT_THAT(status, StatusIs(Code::INVALID_ARGUMENT, "FLAG_READ_ONLY"));
  } else if (pick == 1) {
    EXPECT_THAT(status, StatusIs(Code::INVALID_ARGUMENT, "INVALID_FLAG"));
  } else if (customer == nullptr) {
    EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  } else {
    ASSERT_THAT(status, IsOk());
    if (add) {
      customer->flags.insert(flag);
    } else {
      customer->flags.erase(flag);
    }
  }
}

void Worker::Unauthenticated() {
  // Refused before the fault rules are consulted: no rule counts it.
  v1::GetCustomerRequest request;
  request.set_id(RandomUnknownId());
  v1::GetCustomerResponse response;
  grpc::Status status = stub_->GetCustomer(
      Context(header_, /*auth=*/false).get(), request, &response);
  space_.exists = true;
  slot_.journal[Key(header_, "GetCustomer", status.error_code())]++;
  EXPECT_THAT(status, StatusIs(Code::UNAUTHENTICATED, "UNAUTHENTICATED"));
}

void Worker::Ping() {
  // Under its own header, so that none of this thread's rules match it.
  const std::string header = absl::StrCat(header_, ".ping");
  auto context = Context(header);
  context->AddMetadata("x-churn-ping", "yes");
  v1::GetCustomerRequest request;
  request.set_id(RandomUnknownId());
  v1::GetCustomerResponse response;
  grpc::Status status = stub_->GetCustomer(context.get(), request, &response);
  space_.exists = true;
  slot_.journal[Key(header, "GetCustomer", status.error_code())]++;
  if (space_.ping_rule) {
    EXPECT_THAT(status, StatusIs(Code::FAILED_PRECONDITION, "PINGED"));
    ++space_.pings;
  } else {
    EXPECT_THAT(status, StatusIs(Code::NOT_FOUND, "CUSTOMER_NOT_FOUND"));
  }
}

void Worker::AddRule() {
  if (slot_.rules.size() >= kMaxRulesPerThread) return RemoveRule();
  Rule rule;
  rule.id = absl::StrCat(header_, "-r", ++serial_);
  rule.kind = static_cast<Rule::Kind>(Uniform(0, 4));
  if (rule.kind == Rule::kCanned) {
    rule.method = kCannedMethods[Uniform(0, 5)];
  } else {
    int pick = Uniform(0, 8);
    rule.method = pick == 8 ? "*" : kMethods[pick];
  }
  rule.skip = Uniform(0, 3);
  // Bounded, so that a list retrying a refused page gets through.
  rule.times = rule.kind == Rule::kMaybe      ? Uniform(0, 6)
               : rule.kind == Rule::kSequence ? 0
                                              : Uniform(1, 6);
  cv1::AddFaultRuleRequest request;
  if (rule.kind == Rule::kError && Uniform(0, 1) == 0) {
    // The structured form of the same rule.
    cv1::FaultRule* out = request.mutable_rule();
    out->set_id(rule.id);
    out->set_method(rule.method);
    (*out->mutable_match_metadata())["x-churn-thread"] = header_;
    out->set_skip(rule.skip);
    out->set_times(rule.times);
    out->mutable_action()->set_code("UNAVAILABLE");
    out->mutable_action()->set_reason(rule.Reason(0));
    out->mutable_action()->set_message("churn");
  } else {
    request.set_yaml(rule.Yaml(header_));
  }
  cv1::AddFaultRuleResponse response;
  grpc::Status status = Control(&ControlStub::AddFaultRule, request, &response);
  space_.exists = true;
  ASSERT_THAT(status, IsOk()) << request.ShortDebugString();
  EXPECT_EQ(response.id(), rule.id);
  slot_.rules.push_back(std::move(rule));
}

void Worker::AddInvalidRule() {
  cv1::AddFaultRuleRequest request;
  request.set_yaml(absl::StrCat("{id: ", header_,
                                "-bad, method: GetCustomer, probability: 2, "
                                "action: {code: UNAVAILABLE}}"));
  cv1::AddFaultRuleResponse response;
  EXPECT_THAT(Control(&ControlStub::AddFaultRule, request, &response),
              StatusIs(Code::INVALID_ARGUMENT, "INVALID_FAULT_RULE"));
}

std::vector<cv1::FaultRuleStatus> Worker::Rules() {
  cv1::ListFaultRulesResponse response;
  grpc::Status status = Control(&ControlStub::ListFaultRules,
                                cv1::ListFaultRulesRequest(), &response);
  space_.exists = true;
  EXPECT_THAT(status, IsOk());
  return {response.rules().begin(), response.rules().end()};
}

// Only this thread's calls reach its rules, so their counters are exact
// while others call.
void Worker::CheckRules() {
  std::map<std::string, const cv1::FaultRuleStatus*> listed;
  std::vector<cv1::FaultRuleStatus> rules = Rules();
  for (const cv1::FaultRuleStatus& rule : rules) {
    listed[rule.rule().id()] = &rule;
  }
  for (const Rule& rule : slot_.rules) {
    auto it = listed.find(rule.id);
    if (it == listed.end()) {
      ADD_FAILURE() << "rule " << rule.id << " is missing";
      continue;
    }
    EXPECT_EQ(it->second->matched(), rule.matched) << rule.id;
    EXPECT_EQ(it->second->acted(), rule.acted) << rule.id;
  }
  EXPECT_EQ(listed.count("scenario-ping"), space_.ping_rule ? 1u : 0u);
}

void Worker::RemoveRule() {
  if (slot_.rules.empty()) {
    cv1::RemoveFaultRuleRequest request;
    request.set_id(absl::StrCat(header_, "-none"));
    cv1::RemoveFaultRuleResponse response;
    EXPECT_THAT(Control(&ControlStub::RemoveFaultRule, request, &response),
                StatusIs(Code::NOT_FOUND, "FAULT_RULE_NOT_FOUND"));
    return;
  }
  CheckRules();
  size_t which = Uniform(0, slot_.rules.size() - 1);
  cv1::RemoveFaultRuleRequest request;
  request.set_id(slot_.rules[which].id);
  cv1::RemoveFaultRuleResponse response;
  EXPECT_THAT(Control(&ControlStub::RemoveFaultRule, request, &response),
              IsOk());
  slot_.rules.erase(slot_.rules.begin() + which);
  EXPECT_THAT(Control(&ControlStub::RemoveFaultRule, request, &response),
              StatusIs(Code::NOT_FOUND, "FAULT_RULE_NOT_FOUND"));
}

std::vector<cv1::Call> Worker::Journal(const std::string& method,
                                       int page_size) {
  std::vector<cv1::Call> calls;
  cv1::ListCallsRequest request;
  request.set_method(method);
  request.set_page_size(page_size);
  for (int page = 0; page < 10000; ++page) {
    cv1::ListCallsResponse response;
    grpc::Status status = Control(&ControlStub::ListCalls, request, &response);
    space_.exists = true;
    EXPECT_THAT(status, IsOk());
    if (!status.ok()) break;
    EXPECT_LE(response.calls_size(), page_size);
    calls.insert(calls.end(), response.calls().begin(), response.calls().end());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_GT(calls[i].sequence(), calls[i - 1].sequence())
        << "journal order, " << space_.name;
  }
  for (const cv1::Call& call : calls) {
    if (!method.empty()) {
      EXPECT_EQ(
          call.method(),
          absl::StrCat("/moia.trip.customer.v1.CustomerService/", method));
    }
    auto token = call.metadata().find("authorization");
    if (token != call.metadata().end()) {
      EXPECT_NE(token->second, "Bearer churn-token") << "a token unmasked";
    }
  }
  return calls;
}

void Worker::CheckJournal() {
  int pick = Uniform(0, 8);
  Journal(pick == 8 ? "" : kMethods[pick], Uniform(1, 40));
}

void Worker::CheckExport() {
  cv1::ExportStateResponse response;
  grpc::Status status =
      Control(&ControlStub::ExportState, cv1::ExportStateRequest(), &response);
  space_.exists = true;
  ASSERT_THAT(status, IsOk());
  // A snapshot that LoadScenario would read back, holding this thread's
  // customers as they are.
  absl::StatusOr<model::Scenario> exported =
      scenario::ParseScenario(response.yaml(), "export");
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::map<std::string, const model::CustomerRecord*> by_id;
  for (const model::CustomerRecord& record : exported->customers) {
    by_id[record.id] = &record;
  }
  for (const Customer& mine : slot_.customers) {
    auto it = by_id.find(mine.data.id());
    if (it == by_id.end()) {
      ADD_FAILURE() << mine.data.id() << " missing from the export";
      continue;
    }
    EXPECT_EQ(it->second->fields.email_address, mine.data.email_address());
    EXPECT_EQ(std::set<std::string>(it->second->flags.begin(),
                                    it->second->flags.end()),
              mine.flags);
  }
}

void Worker::CheckNamespaces() {
  const bool exists = space_.exists;
  cv1::ListNamespacesResponse response;
  ASSERT_THAT(Control(&ControlStub::ListNamespaces,
                      cv1::ListNamespacesRequest(), &response),
              IsOk());
  if (exists) {
    EXPECT_THAT(response.namespaces(), Contains(space_.name));
  }
}

void Worker::LoadInvalid() {
  // Refused whole: nothing of it lands, which later checks see.
  cv1::LoadScenarioRequest request;
  request.set_yaml(
      "version: 1\ncustomers:\n  - {given_name: X, email_address: nope}\n");
  cv1::LoadScenarioResponse response;
  grpc::Status status = Control(&ControlStub::LoadScenario, request, &response);
  space_.exists = true;
  EXPECT_THAT(status, StatusIs(Code::INVALID_ARGUMENT, "INVALID_SCENARIO"));
}

}  // namespace customerfake::churn
