#include "bench/common.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace customerfake::bench {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

LatencySummary Summarize(std::vector<int64_t>& ns) {
  LatencySummary s;
  s.count = ns.size();
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  // Nearest-rank percentiles.
  auto at = [&](double q) {
    size_t rank = static_cast<size_t>(std::ceil(q * ns.size()));
    rank = std::clamp<size_t>(rank, 1, ns.size());
    return ns[rank - 1] / 1000.0;
  };
  s.p50_us = at(0.5);
  s.p99_us = at(0.99);
  s.p999_us = at(0.999);
  s.max_us = ns.back() / 1000.0;
  double sum = 0;
  for (int64_t v : ns) sum += v;
  s.mean_us = sum / ns.size() / 1000.0;
  return s;
}

double Median(std::vector<double>& values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // The command name may hold spaces: fields are counted after the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(text).substr(close + 2), ' ');
  // Fields 14 and 15 of stat(5) are utime and stime; index 0 here is field 3.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

namespace {

int64_t StatusKiB(pid_t pid, absl::string_view key) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                            : absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, ":")) {
      continue;
    }
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    int64_t kib = 0;
    if (absl::SimpleAtoi(rest, &kib)) return kib;
  }
  return 0;
}

}  // namespace

int64_t ResidentBytes(pid_t pid) { return StatusKiB(pid, "VmRSS") * 1024; }
int64_t PeakResidentBytes(pid_t pid) { return StatusKiB(pid, "VmHWM") * 1024; }

int64_t HeapInUseBytes() {
  struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

Result::Result(absl::string_view kind) {
  absl::StrAppend(&json_, "{\"kind\":\"", kind, "\"");
}

Result& Result::Add(absl::string_view key, double value) {
  if (!std::isfinite(value)) value = -1;
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  absl::StrAppend(&json_, ",\"", key, "\":", text);
  return *this;
}

Result& Result::Add(absl::string_view key, int64_t value) {
  absl::StrAppend(&json_, ",\"", key, "\":", value);
  return *this;
}

Result& Result::Add(absl::string_view key, absl::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c == '\n' ? ' ' : c);
  }
  absl::StrAppend(&json_, ",\"", key, "\":\"", escaped, "\"");
  return *this;
}

void Result::Print() const {
  std::cout << "RESULT " << json_ << "}" << std::endl;
}

Child Child::Spawn(const std::vector<std::string>& argv, bool quiet) {
  Child child;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return child;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    std::cerr << "bench: cannot start " << argv[0] << "\n";
    return child;
  }
  child.pid_ = pid;
  child.stdout_fd_ = fds[0];
  return child;
}

Child::Child(Child&& other) noexcept { *this = std::move(other); }

Child& Child::operator=(Child&& other) noexcept {
  std::swap(pid_, other.pid_);
  std::swap(stdout_fd_, other.stdout_fd_);
  std::swap(buffer_, other.buffer_);
  return *this;
}

Child::~Child() {
  if (pid_ > 0) Stop(1000);
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool Child::ReadLine(std::string* line, int timeout_ms) {
  const int64_t deadline = NowNs() + int64_t{timeout_ms} * 1000000;
  while (true) {
    if (size_t nl = buffer_.find('\n'); nl != std::string::npos) {
      *line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    int64_t left_ms = (deadline - NowNs()) / 1000000;
    if (left_ms <= 0) return false;
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left_ms)) <= 0) return false;
    char chunk[4096];
    ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, n);
  }
}

int Child::Stop(int grace_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const int64_t deadline = NowNs() + int64_t{grace_ms} * 1000000;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (NowNs() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    usleep(1000);
  }
  pid_ = -1;
  return status;
}

int Child::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string ListeningAddress(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, "listening on ")) return "";
  return std::string(absl::StripAsciiWhitespace(line));
}

}  // namespace customerfake::bench
