// bench-fake-server: the fake as `customer-fake serve --log-level off` runs
// it (Fake::Start on a TCP port), with what the command line does not offer:
// the journal can be turned off, to measure what it costs.
//
//   bench-fake-server --listen 127.0.0.1:0 --scenario FILE [--journal=false]
#include <signal.h>

#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "fake/server/fake.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT; port 0 picks one");
ABSL_FLAG(std::string, scenario, "", "scenario YAML file");
ABSL_FLAG(bool, journal, true, "record every call in the journal");
ABSL_FLAG(int64_t, max_namespaces, 1000, "most namespaces held at once");
ABSL_FLAG(int64_t, journal_entries, 10000,
          "journal entries kept per namespace (the fake's default)");
ABSL_FLAG(bool, absl_deadlock_detection, false,
          "true keeps absl::Mutex deadlock detection, which Debian's libabsl "
          "(built without NDEBUG) runs on every lock unless the program turns "
          "it off, as `customer-fake serve` does; a diagnostic, as a C++ test "
          "that embeds the fake and keeps the check");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (!absl::GetFlag(FLAGS_absl_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  customerfake::FakeOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.scenario_file = absl::GetFlag(FLAGS_scenario);
  options.journal = absl::GetFlag(FLAGS_journal);
  options.max_namespaces = absl::GetFlag(FLAGS_max_namespaces);
  options.journal_entries = absl::GetFlag(FLAGS_journal_entries);
  options.log_level = customerfake::model::LogLevel::kOff;
  auto fake = customerfake::Fake::Start(std::move(options));
  if (!fake.ok()) {
    std::cerr << "bench-fake-server: " << fake.status() << "\n";
    return 1;
  }
  std::cout << "listening on " << (*fake)->address() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  (*fake)->Shutdown(absl::Seconds(1));
  (*fake)->Wait();
  return 0;
}
