#include "bench/scale_targets.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <iostream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake/handlers/context.h"
#include "fake/handlers/customer_handlers.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake::bench {
namespace {

namespace v1 = ::moia::trip::customer::v1;

constexpr const char* kUnknownId = "7ba438cc-4724-4be1-8c59-f82558f4fde8";

class Grpc : public Target {
 public:
  explicit Grpc(Fake& fake)
      : stub_(v1::CustomerService::NewStub(fake.InProcessChannel())) {}

  double List(const std::string& ns, int32_t size, const std::string& token,
              std::string* next, int* count) override {
    grpc::ClientContext context;
    Prepare(context, ns);
    v1::ListCustomersRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    v1::ListCustomersResponse response;
    const int64_t start = NowNs();
    grpc::Status status = stub_->ListCustomers(&context, request, &response);
    const double us = (NowNs() - start) / 1e3;
    if (!status.ok()) {
      std::cerr << "bench-scale: ListCustomers: " << status.error_message()
                << "\n";
    }
    if (next != nullptr) *next = response.next_page_token();
    if (count != nullptr) *count = response.customers_size();
    return us;
  }

  double Get(const std::string& ns) override {
    grpc::ClientContext context;
    Prepare(context, ns);
    v1::GetCustomerRequest request;
    request.set_id(kUnknownId);
    v1::GetCustomerResponse response;
    const int64_t start = NowNs();
    (void)stub_->GetCustomer(&context, request, &response);
    return (NowNs() - start) / 1e3;
  }

 private:
  static void Prepare(grpc::ClientContext& context, const std::string& ns) {
    context.AddMetadata("authorization", "Bearer bench-token");
    context.AddMetadata("x-fake-namespace", ns);
  }
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

class Direct : public Target {
 public:
  explicit Direct(core::Core& core) : core_(core) {}

  double List(const std::string& ns, int32_t size, const std::string& token,
              std::string* next, int* count) override {
    v1::ListCustomersRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    v1::ListCustomersResponse response;
    const int64_t start = NowNs();
    auto space = core_.namespaces().GetOrCreate(ns);
    absl::Status status = absl::InternalError("no namespace");
    if (space.ok()) {
      auto baseline = (*space)->baseline();
      handlers::RequestContext ctx{**space, baseline->settings, core_.tokens()};
      status = handlers::ListCustomers(ctx, request, &response);
    }
    const double us = (NowNs() - start) / 1e3;
    if (!status.ok())
      std::cerr << "bench-scale: ListCustomers: " << status << "\n";
    if (next != nullptr) *next = response.next_page_token();
    if (count != nullptr) *count = response.customers_size();
    return us;
  }

  double Get(const std::string& ns) override {
    v1::GetCustomerRequest request;
    request.set_id(kUnknownId);
    v1::GetCustomerResponse response;
    const int64_t start = NowNs();
    auto space = core_.namespaces().GetOrCreate(ns);
    if (space.ok()) {
      auto baseline = (*space)->baseline();
      handlers::RequestContext ctx{**space, baseline->settings, core_.tokens()};
      (void)handlers::GetCustomer(ctx, request, &response);
    }
    return (NowNs() - start) / 1e3;
  }

 private:
  core::Core& core_;
};

}  // namespace

std::unique_ptr<Target> GrpcTarget(Fake& fake) {
  return std::make_unique<Grpc>(fake);
}

std::unique_ptr<Target> DirectTarget(core::Core& core) {
  return std::make_unique<Direct>(core);
}

void MeasureFirstVsLastPage(Target& target, uint64_t customers, int repeats,
                            Result& result) {
  const std::string ns = "pages";
  const uint64_t last_start = customers > 50 ? customers - 50 : 0;
  std::string token, next;
  uint64_t consumed = 0;
  // Big pages to near the end, then pages of 50 to the start of the last.
  while (consumed < last_start) {
    const uint64_t left = last_start - consumed;
    const int32_t size =
        left >= 1000 ? 1000
                     : static_cast<int32_t>(std::min<uint64_t>(50, left));
    int count = 0;
    target.List(ns, size, token, &next, &count);
    if (count == 0) break;
    consumed += count;
    token = next;
  }
  int last_count = 0;
  target.List(ns, 50, token, &next, &last_count);
  result.Add("last_page_customers", last_count)
      .Add("last_page_has_next", next.empty() ? 0 : 1);
  std::vector<int64_t> first_ns, last_ns;
  for (int i = 0; i < repeats; ++i) {
    first_ns.push_back(target.List(ns, 50, "", nullptr, nullptr) * 1000);
    last_ns.push_back(target.List(ns, 50, token, nullptr, nullptr) * 1000);
  }
  LatencySummary first = Summarize(first_ns), last = Summarize(last_ns);
  result.Add("list_first_p50_us", first.p50_us)
      .Add("list_first_p99_us", first.p99_us)
      .Add("list_last_p50_us", last.p50_us)
      .Add("list_last_p99_us", last.p99_us)
      .Add("list_last_over_first", last.p50_us / first.p50_us);
}

void MeasureNewNamespace(Target& big, Target& empty, int repeats,
                         Result& result) {
  std::vector<int64_t> big_first, big_second, empty_first, empty_second;
  for (int i = 0; i < repeats; ++i) {
    const std::string name = absl::StrCat("fresh-", i);
    big_first.push_back(big.Get(name) * 1000);
    big_second.push_back(big.Get(name) * 1000);
    empty_first.push_back(empty.Get(name) * 1000);
    empty_second.push_back(empty.Get(name) * 1000);
  }
  LatencySummary bf = Summarize(big_first), bs = Summarize(big_second),
                 ef = Summarize(empty_first), es = Summarize(empty_second);
  result.Add("new_ns_first_p50_us", bf.p50_us)
      .Add("new_ns_first_p99_us", bf.p99_us)
      .Add("new_ns_first_max_us", bf.max_us)
      .Add("new_ns_second_p50_us", bs.p50_us)
      .Add("empty_ns_first_p50_us", ef.p50_us)
      .Add("empty_ns_first_p99_us", ef.p99_us)
      .Add("empty_ns_second_p50_us", es.p50_us);
}

}  // namespace customerfake::bench
