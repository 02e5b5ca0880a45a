// bench-startup: how long until a fake answers.
//
//   bench-startup --runs 20 --label L -- BINARY ARGS...
//     exec of BINARY (which prints "listening on HOST:PORT") until a
//     grpc.health.v1 Check answers SERVING, over a fresh connection.
//   bench-startup --until_exit --runs 20 -- BINARY --help
//     exec until the command exits: the floor of any start-up.
//   bench-startup --inprocess --scenario FILE --runs 20
//     Fake::Start (no TCP port) until the first GetCustomer answer over
//     InProcessChannel. The first run of the process (gRPC's own start-up
//     included) is reported apart.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/common.h"
#include "fake/server/fake.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

ABSL_FLAG(int, runs, 20, "runs; the median is reported");
ABSL_FLAG(std::string, label, "", "copied into the RESULT line");
ABSL_FLAG(bool, inprocess, false, "measure Fake::Start in this process");
ABSL_FLAG(bool, until_exit, false,
          "time exec until the command exits by itself (e.g. --help: what "
          "loading the binary costs before main does any work)");
ABSL_FLAG(std::string, scenario, "", "--inprocess: the scenario file");
ABSL_FLAG(std::string, id, "6513270e-269e-4d37-b2a7-4de452e6b438",
          "--inprocess: the customer to ask for");

namespace customerfake::bench {
namespace {

namespace health = ::grpc::health::v1;
namespace v1 = ::moia::trip::customer::v1;

// One exec: milliseconds to the "listening on" line and to SERVING; false
// when the binary did not get there.
bool ExecOnce(const std::vector<std::string>& argv, double* listen_ms,
              double* serving_ms) {
  const int64_t start = NowNs();
  Child child = Child::Spawn(argv, /*quiet=*/true);
  if (!child.ok()) return false;
  if (absl::GetFlag(FLAGS_until_exit)) {
    std::string line;
    while (child.ReadLine(&line, 60000)) {
    }
    child.Wait();
    *listen_ms = *serving_ms = (NowNs() - start) / 1e6;
    return true;
  }
  std::string line, address;
  while (address.empty() && child.ReadLine(&line, 120000)) {
    address = ListeningAddress(line);
  }
  if (address.empty()) {
    std::cerr << "bench-startup: no \"listening on\" line from " << argv[0]
              << "\n";
    return false;
  }
  *listen_ms = (NowNs() - start) / 1e6;
  auto stub = health::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  while (true) {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    health::HealthCheckRequest request;
    health::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() &&
        response.status() == health::HealthCheckResponse::SERVING) {
      break;
    }
    if (NowNs() - start > 60'000'000'000) return false;
  }
  *serving_ms = (NowNs() - start) / 1e6;
  stub.reset();  // an open connection would hold up the server's shutdown
  child.Stop(/*grace_ms=*/1000);
  return true;
}

int Exec(const std::vector<std::string>& argv) {
  double listen_ms = 0, serving_ms = 0;
  // Unrecorded: warms the page cache and this process's gRPC.
  if (!ExecOnce(argv, &listen_ms, &serving_ms)) return 1;
  std::vector<double> listens, servings;
  for (int i = 0; i < absl::GetFlag(FLAGS_runs); ++i) {
    if (!ExecOnce(argv, &listen_ms, &serving_ms)) return 1;
    listens.push_back(listen_ms);
    servings.push_back(serving_ms);
  }
  std::vector<double> sorted = servings;
  const double median = Median(sorted);
  Result("startup_exec")
      .Add("label", absl::GetFlag(FLAGS_label))
      .Add("runs", servings.size())
      .Add("listening_median_ms", Median(listens))
      .Add("serving_median_ms", median)
      .Add("serving_min_ms", sorted.front())
      .Add("serving_max_ms", sorted.back())
      .Print();
  return 0;
}

// One in-process start: milliseconds to Start's return and to the answer.
bool InProcessOnce(double* start_ms, double* answer_ms) {
  const int64_t start = NowNs();
  FakeOptions options;
  options.scenario_file = absl::GetFlag(FLAGS_scenario);
  auto fake = Fake::Start(std::move(options));
  if (!fake.ok()) {
    std::cerr << "bench-startup: " << fake.status() << "\n";
    return false;
  }
  *start_ms = (NowNs() - start) / 1e6;
  auto stub = v1::CustomerService::NewStub((*fake)->InProcessChannel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer bench-token");
  v1::GetCustomerRequest request;
  request.set_id(absl::GetFlag(FLAGS_id));
  v1::GetCustomerResponse response;
  grpc::Status status = stub->GetCustomer(&context, request, &response);
  *answer_ms = (NowNs() - start) / 1e6;
  if (!status.ok()) {
    std::cerr << "bench-startup: GetCustomer: " << status.error_message()
              << "\n";
    return false;
  }
  return true;
}

int InProcess() {
  double cold_start = 0, cold_answer = 0;
  if (!InProcessOnce(&cold_start, &cold_answer)) return 1;
  std::vector<double> starts, answers;
  for (int i = 0; i < absl::GetFlag(FLAGS_runs); ++i) {
    double start_ms = 0, answer_ms = 0;
    if (!InProcessOnce(&start_ms, &answer_ms)) return 1;
    starts.push_back(start_ms);
    answers.push_back(answer_ms);
  }
  Result("startup_inprocess")
      .Add("label", absl::GetFlag(FLAGS_label))
      .Add("runs", answers.size())
      .Add("cold_start_ms", cold_start)
      .Add("cold_answer_ms", cold_answer)
      .Add("start_median_ms", Median(starts))
      .Add("answer_median_ms", Median(answers))
      .Print();
  return 0;
}

}  // namespace
}  // namespace customerfake::bench

int main(int argc, char** argv) {
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_inprocess)) return customerfake::bench::InProcess();
  std::vector<std::string> command(rest.begin() + 1, rest.end());
  if (command.empty()) {
    std::cerr << "bench-startup: give --inprocess or -- BINARY ARGS...\n";
    return 2;
  }
  return customerfake::bench::Exec(command);
}
