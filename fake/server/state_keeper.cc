#include "fake/server/state_keeper.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "fake/core/core.h"
#include "fake/model/memory.h"
#include "fake/scenario/state_file.h"
#include "fake/state/baseline.h"
#include "fake/state/token_issuer.h"

namespace customerfake {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// A failed `operation` on `file`, with the errno text `error`.
core::StateFileFailure Failure(absl::string_view operation,
                               const std::string& file, std::string error) {
  core::StateFileFailure failure;
  failure.operation = std::string(operation);
  failure.file = file;
  failure.error = std::move(error);
  failure.message =
      absl::StrCat(operation == "rename" ? "cannot replace " : "cannot write ",
                   file, ": ", failure.error);
  return failure;
}

// The temporary file beside `path` that each write renames over it.
std::string TempPathOf(const std::string& path) {
  return absl::StrCat(path, ".tmp.", getpid());
}

// Writes `text` to `path` through a temporary file in the same folder, synced
// before the rename, so a crash leaves the old file or the new one, and a
// failure (a full disk, a read-only folder) leaves the old one untouched and
// no temporary file. Returns what failed, if anything.
std::optional<core::StateFileFailure> WriteAtomically(const std::string& path,
                                                      const std::string& text) {
  const std::string temp = TempPathOf(path);
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Failure("create", temp, ErrnoText());
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = ErrnoText();
      close(fd);
      unlink(temp.c_str());
      return Failure("write", temp, std::move(error));
    }
    done += n;
  }
  // Closed whatever fsync says, so a failing disk leaks no descriptor.
  std::string error = fsync(fd) != 0 ? ErrnoText() : "";
  if (close(fd) != 0 && error.empty()) error = ErrnoText();
  if (!error.empty()) {
    unlink(temp.c_str());
    return Failure("sync", temp, std::move(error));
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    error = ErrnoText();
    unlink(temp.c_str());
    return Failure("rename", path, std::move(error));
  }
  // The rename itself lasts once the folder is synced.
  std::string folder = path.find('/') == std::string::npos
                           ? "."
                           : path.substr(0, path.rfind('/') + 1);
  if (int dir = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return std::nullopt;
}

scenario::SavedIds IdsOf(const state::IdGenerator& ids) {
  return {ids.seed(), ids.drawn()};
}

state::IdGenerator Resume(const scenario::SavedIds& ids) {
  return state::IdGenerator::Resume(ids.seed, ids.drawn);
}

}  // namespace

StateKeeper::StateKeeper(core::Core& core, std::string path,
                         absl::Duration interval)
    : core_(core), path_(std::move(path)), interval_(interval) {
  core_.status().SetStateFile(path_);
}

StateKeeper::~StateKeeper() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status StateKeeper::Restore(bool* restored) {
  *restored = false;
  auto unreadable = [&](absl::string_view why) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": cannot read the state file: ", why,
                     " (refusing to start without it)"));
  };
  struct stat info;
  if (stat(path_.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::OkStatus();  // a first start
    return unreadable(ErrnoText());
  }
  if (!S_ISREG(info.st_mode)) return unreadable("not a regular file");
  std::ifstream file(path_, std::ios::binary);
  if (!file) return unreadable(ErrnoText());
  // One buffer of the file's size: a million customers' state is hundreds
  // of megabytes, and a stream would hold it twice.
  std::string text(static_cast<size_t>(info.st_size), '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (file.bad()) return unreadable(ErrnoText());
  auto unusable = [&](absl::string_view problems) {
    return absl::InvalidArgumentError(absl::StrCat(
        path_,
        ": not a usable state file; fix it, or move it away to start from "
        "the scenario:\n",
        problems));
  };
  std::vector<scenario::SavedToken> tokens;
  scenario::ResumeMark mark;
  absl::StatusOr<std::vector<scenario::SavedNamespace>> saved =
      scenario::ParseState(std::move(text), path_, &tokens, &mark);
  if (absl::IsFailedPrecondition(saved.status())) return saved.status();
  if (!saved.ok()) return unusable(saved.status().message());

  state::NamespaceRegistry& registry = core_.namespaces();
  const model::NamespaceLimits& limits = registry.limits();
  if (saved->size() > registry.max_namespaces()) {
    return unusable(absl::StrCat(
        "it holds ", saved->size(), " namespaces; the server allows ",
        registry.max_namespaces(), " (--max-namespaces)"));
  }
  for (const scenario::SavedNamespace& ns : *saved) {
    if (ns.baseline &&
        ns.baseline->settings.auth_mode == model::AuthMode::kOAuth &&
        !core_.scenario_limits().token_endpoint) {
      return unusable(absl::StrCat(
          "namespace \"", ns.name,
          "\" has a scenario with auth mode oauth, which needs the token "
          "endpoint (--oauth-listen HOST:PORT)"));
    }
    const model::Scenario& state =
        ns.state_is_baseline ? *ns.baseline : ns.state;
    if (state.faults.size() > limits.max_fault_rules) {
      return unusable(
          absl::StrCat("namespace \"", ns.name, "\" has ", state.faults.size(),
                       " fault rules; the server allows ",
                       limits.max_fault_rules, " (--max-fault-rules)"));
    }
  }
  // All checked: nothing below can fail half-way.
  // A server resumed from this file and wrote nothing since: it may have
  // answered up to kIdReserve ids past each recorded sequence.
  const uint64_t ahead = mark.resumed ? kIdReserve : 0;
  for (scenario::SavedNamespace& ns : *saved) {
    ns.ids.drawn += ahead;
    std::shared_ptr<const state::Baseline> baseline =
        ns.baseline ? state::MakeBaseline(*std::move(ns.baseline),
                                          Resume(ns.baseline_ids))
                    : registry.baseline();
    std::shared_ptr<const state::Baseline> current;
    if (ns.state_is_baseline) {
      // The same customers: shared, not built twice.
      current = std::make_shared<const state::Baseline>(
          state::Baseline{baseline->settings, baseline->customers,
                          baseline->faults, Resume(ns.ids)});
    } else {
      // The settings follow the baseline, which may be a newer scenario file.
      ns.state.settings = baseline->settings;
      current = state::MakeBaseline(std::move(ns.state), Resume(ns.ids));
    }
    absl::StatusOr<std::shared_ptr<state::Namespace>> created =
        registry.GetOrCreate(ns.name);
    if (!created.ok()) return created.status();  // checked above
    (*created)->Restore(std::move(baseline), std::move(current));
  }
  std::vector<state::TokenIssuer::Issued> issued;
  for (scenario::SavedToken& token : tokens) {
    issued.push_back({std::move(token.token), token.expires});
  }
  core_.access_tokens().Restore(issued);
  restored_file_ = info;
  // The parse of a million customers frees hundreds of MB in pieces that
  // the allocator would keep resident for a while; they go back to the
  // system.
  model::ReleaseFreedMemory();
  resumed_offset_ = mark.resumed ? std::string::npos : mark.offset;
  *restored = true;
  return absl::OkStatus();
}

absl::Status StateKeeper::ReserveIds() {
  if (resumed_offset_ == std::string::npos || !MarkResumed()) return Save();
  absl::MutexLock lock(&save_mu_);
  saved_ = CurrentRevisions();
  saved_once_ = true;
  saved_reserved_ = true;  // the final write records the sequences exactly
  core_.status().StateFileWritten(absl::Now());
  return absl::OkStatus();
}

bool StateKeeper::MarkResumed() {
  // Later writes go through a temporary file in the same folder: a folder
  // that cannot take one fails now, through the whole write, as at a first
  // start.
  const std::string temp = TempPathOf(path_);
  const int probe =
      open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (probe < 0) return false;
  close(probe);
  unlink(temp.c_str());
  const int fd = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // Only the file that was read: not one put in its place since.
  struct stat now;
  const bool same = fstat(fd, &now) == 0 &&
                    now.st_dev == restored_file_.st_dev &&
                    now.st_ino == restored_file_.st_ino &&
                    now.st_size == restored_file_.st_size &&
                    now.st_mtim.tv_sec == restored_file_.st_mtim.tv_sec &&
                    now.st_mtim.tv_nsec == restored_file_.st_mtim.tv_nsec;
  const absl::string_view text = scenario::kResumedText;
  // A few bytes of one block: on disk whole or not at all.
  const bool marked = same &&
                      pwrite(fd, text.data(), text.size(),
                             static_cast<off_t>(resumed_offset_)) ==
                          static_cast<ssize_t>(text.size()) &&
                      fdatasync(fd) == 0;
  close(fd);
  return marked;
}

void StateKeeper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StateKeeper::Run() {
  // A change waits at most half the interval for the next write to begin,
  // which leaves the other half for writing it: every change is on disk
  // within the interval as long as a write takes less than half of it. The
  // writes keep a fixed rate, so a slow one does not push the next ones.
  absl::Time next = absl::Now();
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    next = std::max(next + interval_ / 2, absl::Now());
    mu_.AwaitWithDeadline(absl::Condition(&stopping_), next);
    if (stopping_) break;
    mu_.Unlock();
    const absl::Time began = absl::Now();
    SaveAndLog();
    const absl::Duration took = absl::Now() - began;
    mu_.Lock();
    if (took > interval_ / 2 && !slow_logged_) {
      slow_logged_ = true;
      core_.log().Info(absl::StrCat(
          "writing ", path_, " took ", absl::FormatDuration(took),
          ", more than half of --state-interval (",
          absl::FormatDuration(interval_),
          "): a crash may lose changes older than the interval; a longer "
          "--state-interval or --state-sync always keeps the promise"));
    }
  }
}

void StateKeeper::SaveAndLog() { (void)Write(/*log=*/true); }

absl::Status StateKeeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  return Save();
}

StateKeeper::Revisions StateKeeper::CurrentRevisions() const {
  Revisions revisions{
      core_.namespaces().revision(), core_.access_tokens().revision(), {}};
  for (const auto& ns : core_.namespaces().All()) {
    revisions.namespaces.push_back(ns->revision());
  }
  return revisions;
}

absl::Status StateKeeper::Save() { return Write(/*log=*/false); }

absl::Status StateKeeper::Write(bool log) {
  bool reserve;
  {
    absl::MutexLock lock(&mu_);
    reserve = !stopping_;
  }
  absl::MutexLock lock(&save_mu_);
  Revisions now = CurrentRevisions();
  if (saved_once_ && now == saved_ && (reserve || !saved_reserved_)) {
    return absl::OkStatus();
  }
  const uint64_t ahead = reserve ? kIdReserve : 0;
  const state::NamespaceRegistry& registry = core_.namespaces();
  std::vector<scenario::SavedNamespace> namespaces;
  for (const auto& ns : registry.All()) {
    state::Namespace::Snapshot snapshot = ns->TakeSnapshot();
    scenario::SavedNamespace saved;
    saved.name = ns->name();
    saved.ids = {snapshot.id_seed, snapshot.ids_drawn + ahead};
    const bool own_baseline = snapshot.baseline != registry.baseline();
    if (own_baseline) {
      saved.baseline = state::BaselineScenario(*snapshot.baseline);
      saved.baseline_ids = IdsOf(snapshot.baseline->ids);
    }
    // A state that is its own baseline is written once. The server's
    // baseline is not in the file: its state is written out.
    saved.state_is_baseline = snapshot.state_is_baseline && own_baseline;
    if (snapshot.state_is_baseline && !own_baseline) {
      saved.state = state::BaselineScenario(*snapshot.baseline);
    } else {
      saved.state = std::move(snapshot.state);
    }
    namespaces.push_back(std::move(saved));
  }
  std::vector<scenario::SavedToken> tokens;
  for (state::TokenIssuer::Issued& token : core_.access_tokens().Unexpired()) {
    tokens.push_back({std::move(token.token), token.expires});
  }
  std::optional<core::StateFileFailure> failed =
      WriteAtomically(path_, scenario::WriteState(namespaces, tokens));
  if (failed) {
    absl::Status status = absl::UnavailableError(failed->message);
    // Once until a write succeeds again, not at every interval.
    if (log && !failure_logged_) {
      core_.log().Error(absl::StrCat(
          failed->message,
          "; serving from memory, the state file keeps its last whole write "
          "and writing is retried every ",
          absl::FormatDuration(interval_ / 2), " until it succeeds"));
      failure_logged_ = true;
    }
    core_.status().StateFileFailed(*std::move(failed), absl::Now());
    return status;
  }
  core_.status().StateFileWritten(absl::Now());
  if (failure_logged_) {
    core_.log().Info(absl::StrCat("writing ", path_, " again"));
    failure_logged_ = false;
  }
  saved_ = std::move(now);
  saved_once_ = true;
  saved_reserved_ = reserve;
  return absl::OkStatus();
}

}  // namespace customerfake
