#include "fake/handlers/customer_handlers.h"

#include <algorithm>
#include <utility>

#include "fake/errors/errors.h"
#include "fake/model/validation.h"

namespace customerfake::handlers {
namespace {

constexpr absl::string_view kCustomersList = "customers";
constexpr absl::string_view kFlagsList = "flags";

void ToProto(const model::CustomerRecord& record, v1::Customer* out) {
  out->set_id(record.id);
  out->set_email_address(record.fields.email_address);
  out->set_family_name(record.fields.family_name);
  out->set_given_name(record.fields.given_name);
  out->set_language_code(record.fields.language_code);
  out->set_phone_number(record.fields.phone_number);
}

template <typename Message>
model::CustomerFields FieldsOf(const Message& message) {
  return {message.email_address(), message.family_name(), message.given_name(),
          message.language_code(), message.phone_number()};
}

// The token's template for this list: what a valid token must have been
// issued for.
internal::PageToken Expected(const RequestContext& ctx, absl::string_view list,
                             absl::string_view customer_id,
                             uint64_t generation) {
  internal::PageToken token;
  token.set_list(std::string(list));
  token.set_namespace_name(ctx.ns.name());
  token.set_customer_id(std::string(customer_id));
  token.set_generation(generation);
  return token;
}

// Where a list request starts: its page size, and the token it continues
// (checked against this list, namespace, customer and generation) or a fresh
// one at the list's start. The handler moves the token on for the next page.
struct PageStart {
  size_t size;
  internal::PageToken token;
};

template <typename Request>
absl::StatusOr<PageStart> StartPage(const RequestContext& ctx,
                                    const Request& request,
                                    absl::string_view list,
                                    absl::string_view customer_id) {
  absl::StatusOr<size_t> size = ResolvePageSize(
      request.has_page_size() ? std::optional<int32_t>(request.page_size())
                              : std::nullopt,
      ctx.settings);
  if (!size.ok()) return size.status();
  PageStart start{*size, Expected(ctx, list, customer_id, ctx.ns.generation())};
  if (!request.page_token().empty()) {
    absl::StatusOr<internal::PageToken> token =
        ctx.tokens.Decode(request.page_token(), start.token);
    if (!token.ok()) return token.status();
    start.token = *std::move(token);
  }
  return start;
}

}  // namespace

absl::StatusOr<size_t> ResolvePageSize(std::optional<int32_t> requested,
                                       const model::Settings& settings) {
  if (requested && *requested < 0) return errors::InvalidPageSize(*requested);
  int32_t size =
      requested.value_or(0) == 0 ? settings.default_page_size : *requested;
  return static_cast<size_t>(std::min(size, settings.max_page_size));
}

absl::Status GetCustomer(const RequestContext& ctx,
                         const v1::GetCustomerRequest& request,
                         v1::GetCustomerResponse* response) {
  absl::StatusOr<model::CustomerRecord> record = ctx.ns.Get(request.id());
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_customer());
  return absl::OkStatus();
}

absl::Status ListCustomers(const RequestContext& ctx,
                           const v1::ListCustomersRequest& request,
                           v1::ListCustomersResponse* response) {
  absl::StatusOr<PageStart> start = StartPage(ctx, request, kCustomersList, "");
  if (!start.ok()) return start.status();
  internal::PageToken& token = start->token;
  absl::StatusOr<state::Namespace::CustomerPage> page =
      ctx.ns.List(token.after_key(), start->size, token.generation(),
                  ctx.max_response_bytes);
  if (!page.ok()) return page.status();
  for (const model::CustomerRecord& record : page->customers) {
    ToProto(record, response->add_customers());
  }
  if (page->more) {
    token.set_after_key(page->last_key);
    response->set_next_page_token(ctx.tokens.Encode(token));
  }
  return absl::OkStatus();
}

absl::Status CreateCustomer(const RequestContext& ctx,
                            const v1::CreateCustomerRequest& request,
                            v1::CreateCustomerResponse* response) {
  model::CustomerFields fields = FieldsOf(request);
  if (absl::Status valid = model::ValidateCustomerFields(fields, ctx.settings);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<model::CustomerRecord> record =
      ctx.ns.Create(std::move(fields));
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_customer());
  return absl::OkStatus();
}

absl::Status UpdateCustomer(const RequestContext& ctx,
                            const v1::UpdateCustomerRequest& request,
                            v1::UpdateCustomerResponse* response) {
  const v1::Customer& customer = request.customer();
  model::CustomerFields fields = FieldsOf(customer);
  if (absl::Status valid = model::ValidateCustomerFields(fields, ctx.settings);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<model::CustomerRecord> record =
      ctx.ns.Update(customer.id(), std::move(fields));
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_customer());
  return absl::OkStatus();
}

absl::Status DeleteCustomer(const RequestContext& ctx,
                            const v1::DeleteCustomerRequest& request,
                            v1::DeleteCustomerResponse* /*response*/) {
  return ctx.ns.Delete(request.id());
}

absl::Status ListCustomerFlags(const RequestContext& ctx,
                               const v1::ListCustomerFlagsRequest& request,
                               v1::ListCustomerFlagsResponse* response) {
  absl::StatusOr<PageStart> start =
      StartPage(ctx, request, kFlagsList, request.customer_id());
  if (!start.ok()) return start.status();
  internal::PageToken& token = start->token;
  absl::StatusOr<state::Namespace::FlagPage> page =
      ctx.ns.ListFlags(request.customer_id(), token.after_flag(), start->size,
                       token.generation());
  if (!page.ok()) return page.status();
  for (std::string& flag : page->flags) response->add_flags(std::move(flag));
  if (page->more) {
    token.set_after_flag(response->flags(response->flags_size() - 1));
    response->set_next_page_token(ctx.tokens.Encode(token));
  }
  return absl::OkStatus();
}

absl::Status AddCustomerFlag(const RequestContext& ctx,
                             const v1::AddCustomerFlagRequest& request,
                             v1::AddCustomerFlagResponse* /*response*/) {
  if (absl::Status valid = model::ValidateFlag(request.flag(), ctx.settings);
      !valid.ok()) {
    return valid;
  }
  return ctx.ns.AddFlag(request.customer_id(), request.flag());
}

absl::Status RemoveCustomerFlag(const RequestContext& ctx,
                                const v1::RemoveCustomerFlagRequest& request,
                                v1::RemoveCustomerFlagResponse* /*response*/) {
  if (absl::Status valid = model::ValidateFlag(request.flag(), ctx.settings);
      !valid.ok()) {
    return valid;
  }
  return ctx.ns.RemoveFlag(request.customer_id(), request.flag());
}

namespace {

// A typed handler as an AnyHandler: the caller passes the method's types.
template <typename Request, typename Response,
          absl::Status (*Handler)(const RequestContext&, const Request&,
                                  Response*)>
absl::Status Erased(const RequestContext& ctx,
                    const google::protobuf::Message& request,
                    google::protobuf::Message* response) {
  return Handler(ctx, static_cast<const Request&>(request),
                 static_cast<Response*>(response));
}

}  // namespace

AnyHandler HandlerFor(absl::string_view method) {
  struct Entry {
    absl::string_view name;
    AnyHandler handler;
  };
  static constexpr Entry kHandlers[] = {
      {"GetCustomer",
       Erased<v1::GetCustomerRequest, v1::GetCustomerResponse, GetCustomer>},
      {"ListCustomers", Erased<v1::ListCustomersRequest,
                               v1::ListCustomersResponse, ListCustomers>},
      {"CreateCustomer", Erased<v1::CreateCustomerRequest,
                                v1::CreateCustomerResponse, CreateCustomer>},
      {"UpdateCustomer", Erased<v1::UpdateCustomerRequest,
                                v1::UpdateCustomerResponse, UpdateCustomer>},
      {"DeleteCustomer", Erased<v1::DeleteCustomerRequest,
                                v1::DeleteCustomerResponse, DeleteCustomer>},
      {"ListCustomerFlags",
       Erased<v1::ListCustomerFlagsRequest, v1::ListCustomerFlagsResponse,
              ListCustomerFlags>},
      {"AddCustomerFlag", Erased<v1::AddCustomerFlagRequest,
                                 v1::AddCustomerFlagResponse, AddCustomerFlag>},
      {"RemoveCustomerFlag",
       Erased<v1::RemoveCustomerFlagRequest, v1::RemoveCustomerFlagResponse,
              RemoveCustomerFlag>},
  };
  for (const Entry& entry : kHandlers) {
    if (entry.name == method) return entry.handler;
  }
  return nullptr;
}

}  // namespace customerfake::handlers
