#include "fake/conformance/checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fake/errors/error_info.h"
#include "fake/model/names.h"

namespace customerfake::conformance {
namespace {

constexpr char kDomain[] = "trip-api.moia-group.io";
// An id no customer has: valid UUID text.
constexpr char kUnknownId[] = "00000000-0000-4000-8000-00000000c0de";

Observation Pass(std::string observed) {
  return {Verdict::kPass, std::move(observed)};
}
Observation Differs(std::string observed) {
  return {Verdict::kDiffers, std::move(observed)};
}
Observation Skip(std::string why) {
  return {Verdict::kSkipped, std::move(why)};
}

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : absl::StrCat(index);
}

// "INVALID_ARGUMENT INVALID_PHONE_NUMBER field=phone_number", or "OK".
std::string Describe(const grpc::Status& status) {
  if (status.ok()) return "OK";
  errors::ErrorInfo info = errors::ErrorInfoOf(status);
  std::string text = CodeName(status.error_code());
  if (!info.reason().empty()) absl::StrAppend(&text, " ", info.reason());
  if (auto field = info.metadata().find("field");
      field != info.metadata().end()) {
    absl::StrAppend(&text, " field=", field->second);
  }
  return text;
}

// Pass when `status` has this code, ErrorInfo reason and (when given) the
// `field` metadata.
Observation ExpectError(const grpc::Status& status, grpc::StatusCode code,
                        const std::string& reason,
                        const std::string& field = "") {
  errors::ErrorInfo info = errors::ErrorInfoOf(status);
  bool fits = status.error_code() == code && info.reason() == reason;
  if (!field.empty()) {
    auto it = info.metadata().find("field");
    fits = fits && it != info.metadata().end() && it->second == field;
  }
  return {fits ? Verdict::kPass : Verdict::kDiffers, Describe(status)};
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

bool SameData(const v1::Customer& customer,
              const v1::CreateCustomerRequest& request) {
  return customer.email_address() == request.email_address() &&
         customer.family_name() == request.family_name() &&
         customer.given_name() == request.given_name() &&
         customer.language_code() == request.language_code() &&
         customer.phone_number() == request.phone_number();
}

bool IsLowercaseUuidV4(const std::string& id) {
  return model::IsUuid(id) && id[14] == '4' &&
         std::none_of(id.begin(), id.end(),
                      [](char c) { return c >= 'A' && c <= 'Z'; });
}

// A customer this check may change, or the reason it cannot run.
struct Made {
  v1::Customer customer;
  std::optional<Observation> skip;
};
Made MakeCustomer(Session& session) {
  Made made;
  grpc::Status status = session.Create(&made.customer);
  if (!status.ok()) {
    made.skip =
        Skip(absl::StrCat("creating a customer failed: ", Describe(status), " ",
                          status.error_message()));
  }
  return made;
}

// A create with one field changed from valid data.
Observation CreateWith(Session& session,
                       void (*change)(v1::CreateCustomerRequest&),
                       const std::string& reason, const std::string& field) {
  v1::CreateCustomerRequest request = session.NewCustomer();
  change(request);
  v1::Customer created;
  grpc::Status status = session.Create(request, &created);
  return ExpectError(status, grpc::StatusCode::INVALID_ARGUMENT, reason, field);
}

grpc::Status AddFlag(Session& session, const std::string& id,
                     const std::string& flag) {
  v1::AddCustomerFlagRequest request;
  request.set_customer_id(id);
  request.set_flag(flag);
  v1::AddCustomerFlagResponse response;
  return session.client().Call("AddCustomerFlag", request, &response);
}

grpc::Status RemoveFlag(Session& session, const std::string& id,
                        const std::string& flag) {
  v1::RemoveCustomerFlagRequest request;
  request.set_customer_id(id);
  request.set_flag(flag);
  v1::RemoveCustomerFlagResponse response;
  return session.client().Call("RemoveCustomerFlag", request, &response);
}

grpc::Status ListFlags(Session& session, const std::string& id,
                       std::vector<std::string>* flags,
                       const std::string& page_token = "") {
  v1::ListCustomerFlagsRequest request;
  request.set_customer_id(id);
  request.set_page_token(page_token);
  v1::ListCustomerFlagsResponse response;
  grpc::Status status =
      session.client().Call("ListCustomerFlags", request, &response);
  flags->assign(response.flags().begin(), response.flags().end());
  return status;
}

grpc::Status ListPage(Session& session, std::optional<int32_t> page_size,
                      const std::string& page_token,
                      v1::ListCustomersResponse* response) {
  v1::ListCustomersRequest request;
  if (page_size) request.set_page_size(*page_size);
  request.set_page_token(page_token);
  return session.client().Call("ListCustomers", request, response);
}

std::vector<Check> MakeChecks() {
  std::vector<Check> checks;
  auto add = [&](std::string id, std::string expected,
                 std::function<Observation(Session&)> run) {
    checks.push_back({std::move(id), std::move(expected), std::move(run)});
  };

  // ---- create, get --------------------------------------------------------
  add("create.returns_customer",
      "CreateCustomer answers the customer: its data and a new lowercase "
      "UUID v4 id",
      [](Session& session) {
        v1::CreateCustomerRequest request = session.NewCustomer();
        v1::Customer created;
        grpc::Status status = session.Create(request, &created);
        if (!status.ok()) return Differs(Describe(status));
        if (!SameData(created, request)) {
          return Differs(
              absl::StrCat("data differs: ", created.ShortDebugString()));
        }
        if (!IsLowercaseUuidV4(created.id())) {
          return Differs(absl::StrCat("id \"", created.id(), "\""));
        }
        return Pass(absl::StrCat("id ", created.id()));
      });
  add("create.same_data_twice",
      "the same data sent twice makes two customers (only the id is unique)",
      [](Session& session) {
        v1::CreateCustomerRequest request = session.NewCustomer();
        v1::Customer first, second;
        grpc::Status a = session.Create(request, &first);
        grpc::Status b = session.Create(request, &second);
        if (!a.ok() || !b.ok()) {
          return Differs(absl::StrCat(Describe(a), ", ", Describe(b)));
        }
        if (first.id() == second.id()) {
          return Differs(absl::StrCat("one id twice: ", first.id()));
        }
        return Pass("two ids");
      });
  add("get.returns_created", "GetCustomer answers the customer as created",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        v1::Customer got;
        grpc::Status status = session.client().Get(made.customer.id(), &got);
        if (!status.ok()) return Differs(Describe(status));
        return got.SerializeAsString() == made.customer.SerializeAsString()
                   ? Pass("equal")
                   : Differs(got.ShortDebugString());
      });
  add("get.unknown_id", "NOT_FOUND, reason CUSTOMER_NOT_FOUND",
      [](Session& session) {
        v1::Customer got;
        return ExpectError(session.client().Get(kUnknownId, &got),
                           grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });
  add("errors.domain",
      "every error's ErrorInfo has domain trip-api.moia-group.io "
      "(reconstructed)",
      [](Session& session) {
        v1::Customer got;
        grpc::Status status = session.client().Get(kUnknownId, &got);
        if (status.ok()) return Differs("OK");
        const std::string domain = errors::ErrorInfoOf(status).domain();
        return domain == kDomain
                   ? Pass(domain)
                   : Differs(absl::StrCat("domain \"", domain, "\""));
      });

  // ---- validation ---------------------------------------------------------
  add("create.name.both_empty",
      "INVALID_ARGUMENT INVALID_NAME when given and family name are empty",
      [](Session& session) {
        v1::CreateCustomerRequest request = session.NewCustomer();
        request.clear_given_name();
        request.clear_family_name();
        v1::Customer created;
        return ExpectError(session.Create(request, &created),
                           grpc::StatusCode::INVALID_ARGUMENT, "INVALID_NAME");
      });
  add("create.given_name.too_long",
      "INVALID_ARGUMENT INVALID_GIVEN_NAME, field given_name, for 101 "
      "code points",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_given_name(
                  absl::StrCat(Session::kCustomerPrefix, Repeat("a", 101)));
            },
            "INVALID_GIVEN_NAME", "given_name");
      });
  add("create.given_name.code_points",
      "a given name of 100 code points is accepted, however many bytes",
      [](Session& session) {
        v1::CreateCustomerRequest request = session.NewCustomer();
        const std::string prefix = Session::kCustomerPrefix;
        request.set_given_name(
            absl::StrCat(prefix, Repeat("\xc3\xbc", 100 - prefix.size())));
        v1::Customer created;
        grpc::Status status = session.Create(request, &created);
        return status.ok() ? Pass("OK") : Differs(Describe(status));
      });
  add("create.family_name.too_long",
      "INVALID_ARGUMENT INVALID_FAMILY_NAME, field family_name, for 101 "
      "code points",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_family_name(Repeat("b", 101));
            },
            "INVALID_FAMILY_NAME", "family_name");
      });
  add("create.email.empty",
      "INVALID_ARGUMENT INVALID_EMAIL_ADDRESS, field email_address",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) { r.clear_email_address(); },
            "INVALID_EMAIL_ADDRESS", "email_address");
      });
  add("create.email.implausible",
      "INVALID_ARGUMENT INVALID_EMAIL_ADDRESS for \"not-an-email\"",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_email_address("not-an-email");
            },
            "INVALID_EMAIL_ADDRESS", "email_address");
      });
  add("create.email.too_long",
      "INVALID_ARGUMENT INVALID_EMAIL_ADDRESS over 250 characters",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_email_address(
                  absl::StrCat(Repeat("e", 240), "@example.com"));
            },
            "INVALID_EMAIL_ADDRESS", "email_address");
      });
  add("create.phone.e164",
      "INVALID_ARGUMENT INVALID_PHONE_NUMBER, field phone_number, for a "
      "number not in E.164",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_phone_number("0172 1234567");
            },
            "INVALID_PHONE_NUMBER", "phone_number");
      });
  add("create.language.iso639",
      "INVALID_ARGUMENT INVALID_LANGUAGE_CODE, field language_code, for a "
      "code that is not ISO 639-1",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) { r.set_language_code("xx"); },
            "INVALID_LANGUAGE_CODE", "language_code");
      });
  add("create.validation_order",
      "several invalid fields: the first in the order names, email, phone, "
      "language is named",
      [](Session& session) {
        return CreateWith(
            session,
            [](v1::CreateCustomerRequest& r) {
              r.set_email_address("not-an-email");
              r.set_phone_number("0172");
              r.set_language_code("xx");
            },
            "INVALID_EMAIL_ADDRESS", "email_address");
      });

  // ---- update, delete -----------------------------------------------------
  add("update.replaces_fields",
      "UpdateCustomer replaces the five data fields and answers the stored "
      "customer (reconstructed: a whole Customer)",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        v1::UpdateCustomerRequest request;
        v1::Customer& changed = *request.mutable_customer();
        changed.set_id(made.customer.id());
        changed.set_email_address("changed@example.com");
        changed.set_family_name("Changed");
        changed.set_given_name(
            absl::StrCat(Session::kCustomerPrefix, " changed"));
        changed.set_language_code("de");
        changed.set_phone_number("+4915100000002");
        v1::UpdateCustomerResponse response;
        grpc::Status status =
            session.client().Call("UpdateCustomer", request, &response);
        if (!status.ok()) return Differs(Describe(status));
        v1::Customer got;
        (void)session.client().Get(changed.id(), &got);
        if (response.customer().SerializeAsString() !=
                changed.SerializeAsString() ||
            got.SerializeAsString() != changed.SerializeAsString()) {
          return Differs(got.ShortDebugString());
        }
        return Pass("replaced");
      });
  add("update.unknown_id", "NOT_FOUND, reason CUSTOMER_NOT_FOUND",
      [](Session& session) {
        v1::UpdateCustomerRequest request;
        v1::CreateCustomerRequest data = session.NewCustomer();
        v1::Customer& customer = *request.mutable_customer();
        customer.set_id(kUnknownId);
        customer.set_email_address(data.email_address());
        customer.set_family_name(data.family_name());
        customer.set_given_name(data.given_name());
        customer.set_language_code(data.language_code());
        customer.set_phone_number(data.phone_number());
        v1::UpdateCustomerResponse response;
        return ExpectError(
            session.client().Call("UpdateCustomer", request, &response),
            grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });
  add("update.validation",
      "UpdateCustomer validates like CreateCustomer: INVALID_PHONE_NUMBER",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        v1::UpdateCustomerRequest request;
        *request.mutable_customer() = made.customer;
        request.mutable_customer()->set_phone_number("0172");
        v1::UpdateCustomerResponse response;
        return ExpectError(
            session.client().Call("UpdateCustomer", request, &response),
            grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PHONE_NUMBER",
            "phone_number");
      });
  add("delete.then_not_found",
      "after DeleteCustomer, GetCustomer is NOT_FOUND CUSTOMER_NOT_FOUND",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        grpc::Status deleted = session.client().Delete(made.customer.id());
        if (!deleted.ok()) return Differs(Describe(deleted));
        v1::Customer got;
        return ExpectError(session.client().Get(made.customer.id(), &got),
                           grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });
  add("delete.unknown_id", "NOT_FOUND, reason CUSTOMER_NOT_FOUND",
      [](Session& session) {
        return ExpectError(session.client().Delete(kUnknownId),
                           grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });

  // ---- flags --------------------------------------------------------------
  add("flags.add_idempotent",
      "adding a set flag succeeds; the flag is listed once",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        const std::string& flag = session.flags()[0];
        grpc::Status first = AddFlag(session, made.customer.id(), flag);
        if (errors::ErrorInfoOf(first).reason() == "INVALID_FLAG") {
          return Skip(absl::StrCat("the endpoint does not accept flag ", flag,
                                   "; name one it does with --flag"));
        }
        grpc::Status second = AddFlag(session, made.customer.id(), flag);
        std::vector<std::string> flags;
        grpc::Status listed = ListFlags(session, made.customer.id(), &flags);
        if (!first.ok() || !second.ok() || !listed.ok()) {
          return Differs(absl::StrCat(Describe(first), ", ", Describe(second),
                                      ", ", Describe(listed)));
        }
        return flags == std::vector<std::string>{flag}
                   ? Pass(absl::StrJoin(flags, ","))
                   : Differs(absl::StrCat("listed [", absl::StrJoin(flags, ","),
                                          "]"));
      });
  add("flags.remove_idempotent", "removing a flag that is not set succeeds",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        grpc::Status status =
            RemoveFlag(session, made.customer.id(), session.flags()[0]);
        return status.ok() ? Pass("OK") : Differs(Describe(status));
      });
  add("flags.sorted", "ListCustomerFlags lists the set flags sorted",
      [](Session& session) {
        if (session.flags().size() < 2) {
          return Skip("needs two flags the endpoint accepts (--flag twice)");
        }
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        std::vector<std::string> wanted = session.flags();
        // Added in reverse byte order.
        std::sort(wanted.rbegin(), wanted.rend());
        for (const std::string& flag : wanted) {
          grpc::Status status = AddFlag(session, made.customer.id(), flag);
          if (!status.ok())
            return Skip(absl::StrCat(flag, ": ", Describe(status)));
        }
        std::vector<std::string> flags;
        grpc::Status listed = ListFlags(session, made.customer.id(), &flags);
        std::sort(wanted.begin(), wanted.end());
        if (!listed.ok()) return Differs(Describe(listed));
        return flags == wanted ? Pass(absl::StrJoin(flags, ","))
                               : Differs(absl::StrJoin(flags, ","));
      });
  add("flags.unknown_customer",
      "AddCustomerFlag for an unknown customer: NOT_FOUND CUSTOMER_NOT_FOUND",
      [](Session& session) {
        return ExpectError(AddFlag(session, kUnknownId, session.flags()[0]),
                           grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });
  add("flags.invalid",
      "a flag with whitespace: INVALID_ARGUMENT INVALID_FLAG (reconstructed)",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        return ExpectError(AddFlag(session, made.customer.id(), "HAS SPACE"),
                           grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FLAG");
      });
  add("flags.after_delete",
      "a deleted customer's flags: NOT_FOUND CUSTOMER_NOT_FOUND",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        (void)session.client().Delete(made.customer.id());
        std::vector<std::string> flags;
        return ExpectError(ListFlags(session, made.customer.id(), &flags),
                           grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND");
      });

  // ---- pagination ---------------------------------------------------------
  add("list.creation_order", "ListCustomers lists customers in creation order",
      [](Session& session) {
        std::vector<std::string> made;
        for (int i = 0; i < 3; ++i) {
          Made one = MakeCustomer(session);
          if (one.skip) return *one.skip;
          made.push_back(one.customer.id());
        }
        std::vector<v1::Customer> all;
        grpc::Status status = session.ListAll(&all);
        if (!status.ok()) return Differs(Describe(status));
        std::vector<std::string> seen;
        for (const v1::Customer& customer : all) {
          if (std::find(made.begin(), made.end(), customer.id()) !=
              made.end()) {
            seen.push_back(customer.id());
          }
        }
        return seen == made ? Pass("in order")
                            : Differs(absl::StrCat("saw ", seen.size(),
                                                   " of 3, in another order"));
      });
  add("list.page_size_negative", "INVALID_ARGUMENT INVALID_PAGE_SIZE",
      [](Session& session) {
        v1::ListCustomersResponse response;
        return ExpectError(ListPage(session, -1, "", &response),
                           grpc::StatusCode::INVALID_ARGUMENT,
                           "INVALID_PAGE_SIZE");
      });
  add("list.page_size_above_max",
      "a page size above the maximum is clamped (at most 1000), not refused",
      [](Session& session) {
        v1::ListCustomersResponse response;
        grpc::Status status = ListPage(session, 5000, "", &response);
        if (!status.ok()) return Differs(Describe(status));
        return response.customers_size() <= 1000
                   ? Pass(absl::StrCat(response.customers_size(), " customers"))
                   : Differs(
                         absl::StrCat(response.customers_size(), " customers"));
      });
  add("list.default_page_size",
      "page_size unset or 0: pages of 50, with a token when more exist",
      [](Session& session) {
        std::vector<v1::Customer> all;
        grpc::Status status = session.ListAll(&all);
        if (!status.ok()) return Differs(Describe(status));
        for (size_t n = all.size(); n <= 50; ++n) {
          Made made = MakeCustomer(session);
          if (made.skip) return *made.skip;
        }
        std::vector<std::string> seen;
        for (std::optional<int32_t> size :
             {std::optional<int32_t>(), std::optional<int32_t>(0)}) {
          v1::ListCustomersResponse page;
          status = ListPage(session, size, "", &page);
          if (!status.ok()) return Differs(Describe(status));
          seen.push_back(
              absl::StrCat(page.customers_size(), page.next_page_token().empty()
                                                      ? " without token"
                                                      : " with token"));
        }
        const std::string observed = absl::StrJoin(seen, ", ");
        return observed == "50 with token, 50 with token" ? Pass(observed)
                                                          : Differs(observed);
      });
  add("list.no_trailing_empty_page",
      "next_page_token is empty exactly when no further customer exists",
      [](Session& session) {
        std::vector<v1::Customer> all;
        grpc::Status status = session.ListAll(&all);
        if (!status.ok()) return Differs(Describe(status));
        if (all.empty() || all.size() > 1000) {
          return Skip(absl::StrCat(all.size(), " customers"));
        }
        v1::ListCustomersResponse page;
        status = ListPage(session, static_cast<int32_t>(all.size()), "", &page);
        if (!status.ok()) return Differs(Describe(status));
        if (!page.next_page_token().empty()) {
          v1::ListCustomersResponse next;
          (void)ListPage(session, static_cast<int32_t>(all.size()),
                         page.next_page_token(), &next);
          return Differs(absl::StrCat("a token after all ", all.size(),
                                      "; the next page has ",
                                      next.customers_size()));
        }
        return Pass(absl::StrCat(all.size(), " on one page, no token"));
      });
  add("list.token_tampered", "INVALID_ARGUMENT INVALID_PAGE_TOKEN",
      [](Session& session) {
        v1::ListCustomersResponse page;
        grpc::Status status = ListPage(session, 1, "", &page);
        if (!status.ok()) return Differs(Describe(status));
        if (page.next_page_token().empty()) {
          return Skip("fewer than two customers, so no token");
        }
        std::string token = page.next_page_token();
        token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
        v1::ListCustomersResponse next;
        return ExpectError(ListPage(session, 1, token, &next),
                           grpc::StatusCode::INVALID_ARGUMENT,
                           "INVALID_PAGE_TOKEN");
      });
  add("list.token_from_other_list",
      "a ListCustomers token given to ListCustomerFlags: INVALID_ARGUMENT "
      "INVALID_PAGE_TOKEN",
      [](Session& session) {
        Made made = MakeCustomer(session);
        if (made.skip) return *made.skip;
        v1::ListCustomersResponse page;
        grpc::Status status = ListPage(session, 1, "", &page);
        if (!status.ok()) return Differs(Describe(status));
        if (page.next_page_token().empty()) {
          return Skip("fewer than two customers, so no token");
        }
        std::vector<std::string> flags;
        return ExpectError(ListFlags(session, made.customer.id(), &flags,
                                     page.next_page_token()),
                           grpc::StatusCode::INVALID_ARGUMENT,
                           "INVALID_PAGE_TOKEN");
      });
  add("list.stable_while_writing",
      "paging while others create and delete: no customer twice, none that "
      "existed throughout skipped",
      [](Session& session) {
        std::vector<std::string> before;
        for (int i = 0; i < 6; ++i) {
          Made made = MakeCustomer(session);
          if (made.skip) return *made.skip;
          before.push_back(made.customer.id());
        }
        std::vector<v1::Customer> all;
        grpc::Status status = session.ListAll(&all);
        if (!status.ok()) return Differs(Describe(status));
        std::set<std::string> throughout;
        for (const v1::Customer& customer : all)
          throughout.insert(customer.id());
        // Pages of 3; between pages one of this run's customers is deleted
        // (seen or not) and another created.
        std::map<std::string, int> seen;
        std::set<std::string> tokens;
        std::string token;
        size_t deleted = 0;
        do {
          v1::ListCustomersResponse page;
          status = ListPage(session, 3, token, &page);
          if (!status.ok()) return Differs(Describe(status));
          for (const v1::Customer& customer : page.customers()) {
            ++seen[customer.id()];
          }
          token = page.next_page_token();
          // An endpoint that hands out the same token again never ends.
          if (!token.empty() && !tokens.insert(token).second) {
            return Differs(
                absl::StrCat("page token \"", token, "\" handed out twice"));
          }
          if (deleted < before.size()) {
            throughout.erase(before[deleted]);
            (void)session.client().Delete(before[deleted++]);
          }
          v1::Customer created;
          (void)session.Create(&created);
        } while (!token.empty() && seen.size() < 10000);
        for (const auto& [id, count] : seen) {
          if (count > 1) return Differs(absl::StrCat(id, " listed twice"));
        }
        for (const std::string& id : throughout) {
          if (seen.count(id) == 0) return Differs(absl::StrCat(id, " skipped"));
        }
        return Pass(absl::StrCat(seen.size(), " listed once each"));
      });

  // ---- authentication -----------------------------------------------------
  add("auth.no_token",
      "a call without authorization: UNAUTHENTICATED (reason "
      "reconstructed)",
      [](Session& session) {
        v1::ListCustomersResponse response;
        return ExpectError(
            session.client().Call("ListCustomers", v1::ListCustomersRequest(),
                                  &response, ApiClient::Auth::None()),
            grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED");
      });
  add("auth.not_bearer",
      "authorization that is not a bearer token: UNAUTHENTICATED",
      [](Session& session) {
        v1::ListCustomersResponse response;
        return ExpectError(
            session.client().Call(
                "ListCustomers", v1::ListCustomersRequest(), &response,
                ApiClient::Auth::Header("Basic Zm9vOmJhcg==")),
            grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED");
      });
  return checks;
}

}  // namespace

Session::Session(ApiClient& client, std::vector<std::string> flags)
    : client_(client), flags_(std::move(flags)) {}

v1::CreateCustomerRequest Session::NewCustomer() {
  v1::CreateCustomerRequest request;
  const int n = ++created_count_;
  request.set_given_name(absl::StrCat(kCustomerPrefix, " ", n));
  request.set_family_name("Conformance");
  request.set_email_address(
      absl::StrCat("cfk-conformance-", n, "@example.com"));
  request.set_language_code("en");
  request.set_phone_number("+4915100000001");
  return request;
}

grpc::Status Session::Create(v1::Customer* created) {
  return Create(NewCustomer(), created);
}

grpc::Status Session::Create(const v1::CreateCustomerRequest& request,
                             v1::Customer* created) {
  grpc::Status status = client_.Create(request, created);
  if (status.ok() && !created->id().empty()) created_.push_back(created->id());
  if (status.ok() && created->id().empty()) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "answered OK without a customer id");
  }
  return status;
}

grpc::Status Session::ListAll(std::vector<v1::Customer>* customers,
                              int32_t page_size) {
  customers->clear();
  std::string token;
  std::set<std::string> tokens;
  do {
    v1::ListCustomersResponse page;
    grpc::Status status = ListPage(*this, page_size, token, &page);
    if (!status.ok()) return status;
    customers->insert(customers->end(), page.customers().begin(),
                      page.customers().end());
    token = page.next_page_token();
    // An endpoint that hands out the same token again would never end.
    if (!tokens.insert(token).second) break;
  } while (!token.empty() && customers->size() < 100000);
  return grpc::Status::OK;
}

std::vector<std::string> Session::CleanUp() {
  std::set<std::string> ids(created_.begin(), created_.end());
  std::vector<v1::Customer> all;
  if (ListAll(&all).ok()) {
    for (const v1::Customer& customer : all) {
      if (absl::StartsWith(customer.given_name(), kCustomerPrefix)) {
        ids.insert(customer.id());
      }
    }
  }
  std::vector<std::string> left;
  for (const std::string& id : ids) {
    grpc::Status status = client_.Delete(id);
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
      left.push_back(id);
    }
  }
  return left;
}

const std::vector<Check>& Checks() {
  static const std::vector<Check>* const checks =
      new std::vector<Check>(MakeChecks());
  return *checks;
}

}  // namespace customerfake::conformance
