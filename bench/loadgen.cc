// bench-load: a closed-loop load generator on gRPC's callback client API.
// N channels (each its own TCP connection) carry M calls in flight each; every
// call that completes starts the next one at once. After a warm-up, calls that
// complete within the measured window are counted; prints one RESULT line
// with calls/s, latency percentiles, errors and the CPU time per call of the
// server (from /proc) and of this client.
//
//   bench-load --target 127.0.0.1:PORT --workload get --inflight 16
//
// With --wire_protos DIR, GetCustomer goes through grpc::GenericStub with
// messages built from the .proto files in DIR (protobuf's Importer and
// DynamicMessage), so it can load a fake serving an integrator's protos
// (serve --protos DIR), whose field numbers the generated stubs do not know.
#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/dynamic_message.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "bench/common.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

ABSL_FLAG(std::string, target, "", "the server, HOST:PORT");
ABSL_FLAG(std::string, workload, "get",
          "get, create, list (50 a page), addflag, or mix (6 get : 2 list : "
          "1 create : 1 addflag)");
ABSL_FLAG(int, inflight, 16, "calls in flight in total");
ABSL_FLAG(int, channels, 0, "channels (TCP connections); 0: min(4, inflight)");
ABSL_FLAG(double, duration, 3.0, "seconds measured");
ABSL_FLAG(double, warmup, 1.0, "seconds of load before measuring");
ABSL_FLAG(int, namespaces, 0,
          "spread calls over this many namespaces (x-fake-namespace); 0 sends "
          "no header");
ABSL_FLAG(int, server_pid, 0, "the server's pid, for its CPU time");
ABSL_FLAG(std::string, label, "", "copied into the RESULT line");
ABSL_FLAG(std::string, wire_protos, "",
          "encode the calls with moia/trip/customer/v1/customer.proto from "
          "this folder (imports: the folder, then /usr/include) and send them "
          "through the generic stub; --workload get only");

namespace customerfake::bench {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace pb = ::google::protobuf;
using GenericStub = grpc::TemplatedGenericStub<pb::Message, pb::Message>;

constexpr char kService[] = "/moia.trip.customer.v1.CustomerService/";

// The API's messages as the .proto files of --wire_protos declare them.
class WireSchema {
 public:
  // Null, with the importer's errors on stderr, when the files do not load.
  static std::unique_ptr<WireSchema> Load(const std::string& dir) {
    auto schema = std::unique_ptr<WireSchema>(new WireSchema(dir));
    const pb::FileDescriptor* file =
        schema->importer_.Import("moia/trip/customer/v1/customer.proto");
    if (file == nullptr) return nullptr;
    schema->get_request_ = file->FindMessageTypeByName("GetCustomerRequest");
    schema->get_response_ = file->FindMessageTypeByName("GetCustomerResponse");
    schema->list_request_ = file->FindMessageTypeByName("ListCustomersRequest");
    schema->list_response_ =
        file->FindMessageTypeByName("ListCustomersResponse");
    if (schema->get_request_ == nullptr || schema->get_response_ == nullptr ||
        schema->list_request_ == nullptr || schema->list_response_ == nullptr) {
      std::cerr << "bench-load: " << dir
                << ": Get/ListCustomers messages missing\n";
      return nullptr;
    }
    return schema;
  }

  std::unique_ptr<pb::Message> New(const pb::Descriptor* type) {
    return std::unique_ptr<pb::Message>(factory_.GetPrototype(type)->New());
  }
  // Sets a field by name; false when the message has no such field.
  static bool Set(pb::Message& message, const std::string& field,
                  const std::string& value) {
    const pb::FieldDescriptor* f =
        message.GetDescriptor()->FindFieldByName(field);
    if (f == nullptr) return false;
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) {
      message.GetReflection()->SetInt32(&message, f, std::stoi(value));
    } else {
      message.GetReflection()->SetString(&message, f, value);
    }
    return true;
  }

  const pb::Descriptor* get_request_ = nullptr;
  const pb::Descriptor* get_response_ = nullptr;
  const pb::Descriptor* list_request_ = nullptr;
  const pb::Descriptor* list_response_ = nullptr;

 private:
  class Errors : public pb::compiler::MultiFileErrorCollector {
   public:
    void AddError(const std::string& file, int line, int column,
                  const std::string& message) override {
      std::cerr << "bench-load: " << file << ":" << line + 1 << ":"
                << column + 1 << ": " << message << "\n";
    }
  };
  explicit WireSchema(const std::string& dir) : importer_(&tree_, &errors_) {
    tree_.MapPath("", dir);
    tree_.MapPath("", "/usr/include");
  }

  pb::compiler::DiskSourceTree tree_;
  Errors errors_;
  pb::compiler::Importer importer_;
  pb::DynamicMessageFactory factory_;
};

enum Op { kGet, kList, kCreate, kAddFlag, kOps };
constexpr const char* kOpNames[kOps] = {"get", "list", "create", "addflag"};
// The mix, one entry per call in turn.
constexpr Op kMix[10] = {kGet,     kList, kGet,  kCreate, kGet,
                         kAddFlag, kGet,  kList, kGet,    kGet};
constexpr int64_t kCallTimeoutNs = 10'000'000'000;

// What all slots share; fixed before the first call.
struct Plan {
  int workload = -1;  // an Op, or -1 for the mix
  std::vector<std::string> ids;
  std::vector<std::string> namespaces;
  WireSchema* wire = nullptr;  // set: GetCustomer through the generic stub
  int64_t measure_start = 0;
  int64_t measure_end = 0;

  absl::Mutex mu;
  int running ABSL_GUARDED_BY(mu) = 0;
};

// One call in flight, reissued when it completes. Only one call of a slot
// runs at a time, so its fields need no lock; starting the call is always
// the last thing a method does, since its callback may run at once.
class Slot {
 public:
  Slot(Plan& plan, v1::CustomerService::Stub& stub, GenericStub& generic,
       int index)
      : plan_(plan), stub_(stub), generic_(generic), index_(index) {
    if (plan_.wire != nullptr) {
      wire_get_ = plan_.wire->New(plan_.wire->get_request_);
      wire_get_out_ = plan_.wire->New(plan_.wire->get_response_);
    }
  }

  void Issue() {
    context_ = std::make_unique<grpc::ClientContext>();
    context_->AddMetadata("authorization", "Bearer bench-token");
    const uint64_t k = n_ * 7919 + index_;  // spreads ids and namespaces
    if (!plan_.namespaces.empty()) {
      context_->AddMetadata("x-fake-namespace",
                            plan_.namespaces[k % plan_.namespaces.size()]);
    }
    context_->set_deadline(std::chrono::system_clock::now() +
                           std::chrono::nanoseconds(kCallTimeoutNs));
    op_ = plan_.workload >= 0 ? static_cast<Op>(plan_.workload)
                              : kMix[(n_ + index_) % 10];
    const std::string& id = plan_.ids[k % plan_.ids.size()];
    const uint64_t unique = (static_cast<uint64_t>(index_) << 32) | n_;
    ++n_;
    auto done = [this](grpc::Status status) { Done(status); };
    started_ = NowNs();
    switch (op_) {
      case kGet:
        if (wire_get_ != nullptr) {
          WireSchema::Set(*wire_get_, "id", id);
          generic_.UnaryCall(
              context_.get(), absl::StrCat(kService, "GetCustomer"),
              grpc::StubOptions(), wire_get_.get(), wire_get_out_.get(), done);
          break;
        }
        get_.set_id(id);
        stub_.async()->GetCustomer(context_.get(), &get_, &get_out_, done);
        break;
      case kList:
        list_.set_page_size(50);
        stub_.async()->ListCustomers(context_.get(), &list_, &list_out_, done);
        break;
      case kCreate:
        create_.set_given_name("Bench");
        create_.set_family_name("Loader");
        create_.set_email_address(
            absl::StrCat("bench.", index_, ".", n_, "@example.com"));
        create_.set_language_code("en");
        create_.set_phone_number(
            absl::StrCat("+4915", 100000000 + unique % 900000000));
        stub_.async()->CreateCustomer(context_.get(), &create_, &create_out_,
                                      done);
        break;
      default:
        flag_.set_customer_id(id);
        flag_.set_flag(n_ % 2 ? "AUTONOMOUS_TRIPS_ALLOWED"
                              : "WHEELCHAIR_ACCESS_NEEDED");
        stub_.async()->AddCustomerFlag(context_.get(), &flag_, &flag_out_,
                                       done);
        break;
    }
  }

  std::vector<int64_t> latencies;
  int64_t errors = 0;
  int64_t calls_by_op[kOps] = {};
  std::string first_error;

 private:
  void Done(const grpc::Status& status) {
    const int64_t now = NowNs();
    if (now >= plan_.measure_start && now < plan_.measure_end) {
      latencies.push_back(now - started_);
      ++calls_by_op[op_];
      if (!status.ok()) {
        ++errors;
        if (first_error.empty()) {
          first_error =
              absl::StrCat(kOpNames[op_], ": code ", status.error_code(), " ",
                           status.error_message());
        }
      }
    }
    if (now >= plan_.measure_end) {
      absl::MutexLock lock(&plan_.mu);
      --plan_.running;
      return;
    }
    Issue();
  }

  Plan& plan_;
  v1::CustomerService::Stub& stub_;
  GenericStub& generic_;
  const int index_;
  uint64_t n_ = 0;
  Op op_ = kGet;
  int64_t started_ = 0;
  std::unique_ptr<grpc::ClientContext> context_;
  v1::GetCustomerRequest get_;
  v1::GetCustomerResponse get_out_;
  std::unique_ptr<pb::Message> wire_get_;
  std::unique_ptr<pb::Message> wire_get_out_;
  v1::ListCustomersRequest list_;
  v1::ListCustomersResponse list_out_;
  v1::CreateCustomerRequest create_;
  v1::CreateCustomerResponse create_out_;
  v1::AddCustomerFlagRequest flag_;
  v1::AddCustomerFlagResponse flag_out_;
};

int WorkloadOf(const std::string& name) {
  for (int op = 0; op < kOps; ++op) {
    if (name == kOpNames[op]) return op;
  }
  return name == "mix" ? -1 : -2;
}

// Customer ids to ask for: the first page of the server's list.
std::vector<std::string> FetchIds(v1::CustomerService::Stub& stub) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer bench-token");
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::ListCustomersRequest request;
  request.set_page_size(1000);
  v1::ListCustomersResponse response;
  grpc::Status status = stub.ListCustomers(&context, request, &response);
  std::vector<std::string> ids;
  for (const v1::Customer& customer : response.customers()) {
    ids.push_back(customer.id());
  }
  if (!status.ok()) {
    std::cerr << "bench-load: ListCustomers for ids failed: "
              << status.error_message() << "\n";
  }
  return ids;
}

// The same through the generic stub and the --wire_protos messages.
std::vector<std::string> FetchIds(GenericStub& stub, WireSchema& wire) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer bench-token");
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  std::unique_ptr<pb::Message> request = wire.New(wire.list_request_);
  std::unique_ptr<pb::Message> response = wire.New(wire.list_response_);
  WireSchema::Set(*request, "page_size", "1000");
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, absl::StrCat(kService, "ListCustomers"),
                 grpc::StubOptions(), request.get(), response.get(),
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  std::vector<std::string> ids;
  const pb::FieldDescriptor* customers =
      wire.list_response_->FindFieldByName("customers");
  const pb::Reflection* reflection = response->GetReflection();
  for (int i = 0;
       customers != nullptr && i < reflection->FieldSize(*response, customers);
       ++i) {
    const pb::Message& customer =
        reflection->GetRepeatedMessage(*response, customers, i);
    const pb::FieldDescriptor* id =
        customer.GetDescriptor()->FindFieldByName("id");
    if (id != nullptr) {
      ids.push_back(customer.GetReflection()->GetString(customer, id));
    }
  }
  if (!status.ok()) {
    std::cerr << "bench-load: ListCustomers for ids failed: "
              << status.error_message() << "\n";
  }
  return ids;
}

void SleepUntil(int64_t ns) {
  int64_t left = ns - NowNs();
  if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
}

int Run() {
  const std::string target = absl::GetFlag(FLAGS_target);
  const int inflight = std::max(1, absl::GetFlag(FLAGS_inflight));
  int channels = absl::GetFlag(FLAGS_channels);
  if (channels <= 0) channels = std::min(4, inflight);
  Plan plan;
  plan.workload = WorkloadOf(absl::GetFlag(FLAGS_workload));
  if (target.empty() || plan.workload == -2) {
    std::cerr << "bench-load: needs --target and a known --workload\n";
    return 2;
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_namespaces); ++i) {
    plan.namespaces.push_back(absl::StrCat("bench-ns-", i));
  }

  std::unique_ptr<WireSchema> wire;
  if (!absl::GetFlag(FLAGS_wire_protos).empty()) {
    if (plan.workload != kGet) {
      std::cerr << "bench-load: --wire_protos works with --workload get "
                   "only\n";
      return 2;
    }
    wire = WireSchema::Load(absl::GetFlag(FLAGS_wire_protos));
    if (wire == nullptr) return 2;
    plan.wire = wire.get();
  }

  std::vector<std::unique_ptr<v1::CustomerService::Stub>> stubs;
  std::vector<std::unique_ptr<GenericStub>> generic_stubs;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    // Own subchannel, so own TCP connection, per channel.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("bench.channel", i);
    auto channel = grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(10))) {
      std::cerr << "bench-load: cannot connect to " << target << "\n";
      return 1;
    }
    stubs.push_back(v1::CustomerService::NewStub(channel));
    generic_stubs.push_back(std::make_unique<GenericStub>(channel));
  }
  plan.ids = wire != nullptr ? FetchIds(*generic_stubs[0], *wire)
                             : FetchIds(*stubs[0]);
  if (plan.ids.empty())
    plan.ids.push_back("7ba438cc-4724-4be1-8c59-f82558f4fde8");

  const double duration = absl::GetFlag(FLAGS_duration);
  const int64_t start = NowNs();
  plan.measure_start =
      start + static_cast<int64_t>(absl::GetFlag(FLAGS_warmup) * 1e9);
  plan.measure_end = plan.measure_start + static_cast<int64_t>(duration * 1e9);
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < inflight; ++i) {
    slots.push_back(std::make_unique<Slot>(plan, *stubs[i % channels],
                                           *generic_stubs[i % channels], i));
  }
  {
    absl::MutexLock lock(&plan.mu);
    plan.running = inflight;
  }
  for (auto& slot : slots) slot->Issue();

  const pid_t server = absl::GetFlag(FLAGS_server_pid);
  SleepUntil(plan.measure_start);
  const double server_cpu0 = server > 0 ? ProcessCpuSeconds(server) : -1;
  const double client_cpu0 = SelfCpuSeconds();
  SleepUntil(plan.measure_end);
  const double server_cpu1 = server > 0 ? ProcessCpuSeconds(server) : -1;
  const double client_cpu1 = SelfCpuSeconds();
  {
    absl::MutexLock lock(&plan.mu);
    auto all_done = [&plan]() ABSL_SHARED_LOCKS_REQUIRED(plan.mu) {
      return plan.running == 0;
    };
    if (!plan.mu.AwaitWithTimeout(absl::Condition(&all_done),
                                  absl::Seconds(15))) {
      std::cerr << "bench-load: calls still open after 15 s\n";
      std::_Exit(1);
    }
  }

  std::vector<int64_t> latencies;
  int64_t errors = 0;
  int64_t by_op[kOps] = {};
  std::string first_error;
  for (const auto& slot : slots) {
    latencies.insert(latencies.end(), slot->latencies.begin(),
                     slot->latencies.end());
    errors += slot->errors;
    for (int op = 0; op < kOps; ++op) by_op[op] += slot->calls_by_op[op];
    if (first_error.empty()) first_error = slot->first_error;
  }
  LatencySummary s = Summarize(latencies);
  const double calls = static_cast<double>(s.count);
  Result result("load");
  result.Add("label", absl::GetFlag(FLAGS_label))
      .Add("workload", absl::GetFlag(FLAGS_workload))
      .Add("inflight", inflight)
      .Add("channels", channels)
      .Add("namespaces", absl::GetFlag(FLAGS_namespaces))
      .Add("duration_s", duration)
      .Add("calls", s.count)
      .Add("calls_per_s", calls / duration)
      .Add("p50_us", s.p50_us)
      .Add("p99_us", s.p99_us)
      .Add("p999_us", s.p999_us)
      .Add("mean_us", s.mean_us)
      .Add("errors", errors)
      .Add("server_cpu_us_per_call",
           server > 0 && calls > 0 ? (server_cpu1 - server_cpu0) * 1e6 / calls
                                   : -1.0)
      .Add("client_cpu_us_per_call",
           calls > 0 ? (client_cpu1 - client_cpu0) * 1e6 / calls : -1.0);
  for (int op = 0; op < kOps; ++op) {
    result.Add(absl::StrCat("calls_", kOpNames[op]), by_op[op]);
  }
  if (!first_error.empty()) result.Add("first_error", first_error);
  result.Print();
  std::_Exit(0);  // skips channel teardown; nothing is left to flush
}

}  // namespace
}  // namespace customerfake::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return customerfake::bench::Run();
}
