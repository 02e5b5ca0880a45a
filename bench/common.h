// Helpers shared by the benchmark programs: clocks, percentiles, /proc
// readings and one-line JSON results. No dependency on the fake, so the bare
// server and the load generator link only gRPC and the generated protos.
#ifndef CUSTOMER_FAKE_BENCH_COMMON_H_
#define CUSTOMER_FAKE_BENCH_COMMON_H_

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace customerfake::bench {

// Monotonic nanoseconds.
int64_t NowNs();

// Latency summary of a sample, in microseconds.
struct LatencySummary {
  size_t count = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double mean_us = 0;
  double max_us = 0;
};
// Sorts `ns` (nanoseconds) in place and summarizes it.
LatencySummary Summarize(std::vector<int64_t>& ns);
// The median of `values` (sorted in place); 0 when empty.
double Median(std::vector<double>& values);

// CPU seconds (user + system) that process `pid` has used; -1 when unknown.
double ProcessCpuSeconds(pid_t pid);
// This process's CPU seconds (all threads).
double SelfCpuSeconds();
// VmRSS / VmHWM of process `pid` (0: this process), in bytes.
int64_t ResidentBytes(pid_t pid = 0);
int64_t PeakResidentBytes(pid_t pid = 0);
// Bytes malloc has handed out and not had back (glibc mallinfo2).
int64_t HeapInUseBytes();

// One result line for the driver script: a flat JSON object, printed to
// stdout as "RESULT {...}". Values are numbers or strings.
class Result {
 public:
  explicit Result(absl::string_view kind);
  Result& Add(absl::string_view key, double value);
  Result& Add(absl::string_view key, int64_t value);
  Result& Add(absl::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  Result& Add(absl::string_view key, size_t value) {
    return Add(key, static_cast<int64_t>(value));
  }
  Result& Add(absl::string_view key, absl::string_view value);
  Result& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  Result& Add(absl::string_view key, const std::string& value) {
    return Add(key, absl::string_view(value));
  }
  void Print() const;

 private:
  std::string json_;
};

// A child process with its stdout on a pipe (for "listening on ...").
class Child {
 public:
  // Starts argv[0] (a path) with the arguments; stderr is inherited, or
  // sent to /dev/null when `quiet`.
  static Child Spawn(const std::vector<std::string>& argv, bool quiet = false);
  Child() = default;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  ~Child();

  pid_t pid() const { return pid_; }
  bool ok() const { return pid_ > 0; }
  // The next line of the child's stdout without "\n"; false on EOF or after
  // `timeout_ms`.
  bool ReadLine(std::string* line, int timeout_ms);
  // SIGTERM, then SIGKILL after `grace_ms`; reaps the child. Returns its exit
  // status as waitpid gives it.
  int Stop(int grace_ms = 5000);
  // Waits for the child to exit by itself; returns its waitpid status.
  int Wait();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
};

// "127.0.0.1:43817" from "listening on 127.0.0.1:43817"; empty otherwise.
std::string ListeningAddress(absl::string_view line);

}  // namespace customerfake::bench

#endif  // CUSTOMER_FAKE_BENCH_COMMON_H_
