// Makes absl::Mutex visible to ThreadSanitizer in the tsan build's tests.
//
// Why: Debian's abseil (and the gRPC built on it) is not compiled with
// -fsanitize=thread, so absl::Mutex, which locks with its own atomics and
// futexes rather than pthreads, synchronizes nothing as far as TSan can see.
// Every lock in the fake, and every lock gRPC takes around handing a call
// from one thread to another, is an absl::Mutex: without this file TSan
// reports each of them as a race.
//
// How: the test executable defines the absl::Mutex and absl::CondVar entry
// points that the fake and Debian's gRPC libraries import from
// libabsl_synchronization.so. The executable's definitions take precedence
// over the shared library's (ELF symbol interposition), tell TSan what
// happens with the __tsan_mutex_* annotations that abseil itself uses when
// it is built with TSan, and call the library's own implementation, found
// with dlsym(RTLD_NEXT).
//
// Limits: it covers the functions these binaries import (checked with
// `nm -D --undefined-only` on libgrpc, libgrpc++, libgpr and api_tests:
// Lock, TryLock, Unlock, ReaderLock, ReaderUnlock, Await, AwaitWithTimeout,
// ReleasableMutexLock::Release and CondVar's waits and signals). A lock
// taken some other way (Mutex::LockWhen, say) and released through Unlock
// makes TSan report "unlock of an unlocked mutex" at once, so a gap shows
// itself rather than hiding a race. Calls inside libabsl_synchronization.so
// itself (absl::Notification, say) are not interposed; the binaries do not
// use them.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace {

#define CF_STR2(x) #x
#define CF_STR(x) CF_STR2(x)

// The library's definition of the function with this mangled name after
// "_ZN4absl<inline namespace>" (or "_ZNK4absl..." for const members).
void* Real(const char* prefix, const char* rest) {
  const std::string ns = CF_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name =
      std::string(prefix) + "4absl" + std::to_string(ns.size()) + ns + rest;
  void* real = dlsym(RTLD_NEXT, name.c_str());
  if (real == nullptr) {
    std::fprintf(stderr, "absl_mutex_annotations: no %s in abseil\n",
                 name.c_str());
    std::abort();
  }
  return real;
}

template <typename F>
F RealFn(const char* rest) {
  return reinterpret_cast<F>(Real("_ZN", rest));
}

// The library calls some of these functions itself, through its PLT and so
// through these wrappers (CondVar::WaitWithTimeout calls WaitWithDeadline):
// only the outermost call of a thread annotates.
thread_local int depth = 0;
class Outermost {
 public:
  Outermost() : outermost_(depth++ == 0) {}
  ~Outermost() { --depth; }
  explicit operator bool() const { return outermost_; }

 private:
  const bool outermost_;
};

// What the calling thread is doing to a mutex, for conditions that
// libabsl_synchronization evaluates inside Lock, Unlock and Await.
enum class Phase { kOutside, kLocking, kUnlocking };
thread_local Phase phase = Phase::kOutside;

class InPhase {
 public:
  explicit InPhase(Phase now) : before_(phase) { phase = now; }
  ~InPhase() { phase = before_; }

 private:
  const Phase before_;
};

// An Await condition as TSan must see it: evaluated with the mutex held.
// Another thread may evaluate it inside its own Lock or Unlock, whose
// annotations are open then; abseil built with TSan does the same dance.
struct Annotated {
  const absl::Condition* condition;
  absl::Mutex* mu;
};

bool EvalAnnotated(Annotated* a) {
  bool result = false;
  switch (phase) {
    case Phase::kLocking:
      __tsan_mutex_post_lock(a->mu, 0, 0);
      result = a->condition->Eval();
      __tsan_mutex_pre_unlock(a->mu, 0);
      __tsan_mutex_post_unlock(a->mu, 0);
      __tsan_mutex_pre_lock(a->mu, 0);
      break;
    case Phase::kUnlocking:
      __tsan_mutex_post_unlock(a->mu, 0);
      __tsan_mutex_pre_lock(a->mu, 0);
      __tsan_mutex_post_lock(a->mu, 0, 0);
      result = a->condition->Eval();
      __tsan_mutex_pre_unlock(a->mu, 0);
      break;
    case Phase::kOutside:
      __tsan_mutex_pre_lock(a->mu, 0);
      __tsan_mutex_post_lock(a->mu, 0, 0);
      result = a->condition->Eval();
      __tsan_mutex_pre_unlock(a->mu, 0);
      __tsan_mutex_post_unlock(a->mu, 0);
      break;
  }
  return result;
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

// Mutex::~Mutex is left alone: gRPC core destroys its mutexes when a
// reference count it keeps in uninstrumented atomics drops to zero, so
// __tsan_mutex_destroy would report each as racing the last Lock. TSan
// forgets a heap mutex when its memory is freed; ASan checks use after free.

void Mutex::Lock() {
  static auto real = RealFn<void (*)(Mutex*)>("5Mutex4LockEv");
  Outermost outermost;
  if (!outermost) return real(this);
  __tsan_mutex_pre_lock(this, 0);
  {
    InPhase locking(Phase::kLocking);
    real(this);
  }
  __tsan_mutex_post_lock(this, 0, 0);
}

bool Mutex::TryLock() {
  static auto real = RealFn<bool (*)(Mutex*)>("5Mutex7TryLockEv");
  Outermost outermost;
  if (!outermost) return real(this);
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  bool locked;
  {
    InPhase locking(Phase::kLocking);
    locked = real(this);
  }
  __tsan_mutex_post_lock(
      this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
      0);
  return locked;
}

void Mutex::Unlock() {
  static auto real = RealFn<void (*)(Mutex*)>("5Mutex6UnlockEv");
  Outermost outermost;
  if (!outermost) return real(this);
  __tsan_mutex_pre_unlock(this, 0);
  {
    InPhase unlocking(Phase::kUnlocking);
    real(this);
  }
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderLock() {
  static auto real = RealFn<void (*)(Mutex*)>("5Mutex10ReaderLockEv");
  Outermost outermost;
  if (!outermost) return real(this);
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  {
    InPhase locking(Phase::kLocking);
    real(this);
  }
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

void Mutex::ReaderUnlock() {
  static auto real = RealFn<void (*)(Mutex*)>("5Mutex12ReaderUnlockEv");
  Outermost outermost;
  if (!outermost) return real(this);
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  {
    InPhase unlocking(Phase::kUnlocking);
    real(this);
  }
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

// The library's version unlocks with a call TSan would not see.
void ReleasableMutexLock::Release() {
  this->mu_->Unlock();
  this->mu_ = nullptr;
}

// Await releases the mutex and takes it again inside the library, and
// evaluates the condition there (or in another thread's Unlock).
namespace {

template <typename Result, typename... Args>
Result AwaitAnnotated(Mutex* mu,
                      Result (*real)(Mutex*, const Condition&, Args...),
                      const Condition& condition, Args... args) {
  Annotated annotated{&condition, mu};
  const Condition wrapped(&EvalAnnotated, &annotated);
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  Result result = real(mu, wrapped, args...);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  return result;
}

bool AwaitReal(Mutex* mu, const Condition& condition) {
  static auto real = RealFn<void (*)(Mutex*, const Condition&)>(
      "5Mutex5AwaitERKNS0_9ConditionE");
  real(mu, condition);
  return true;
}

}  // namespace

void Mutex::Await(const Condition& condition) {
  Outermost outermost;
  if (!outermost) {
    AwaitReal(this, condition);
    return;
  }
  AwaitAnnotated(this, &AwaitReal, condition);
}

bool Mutex::AwaitWithTimeout(const Condition& condition,
                             absl::Duration timeout) {
  static auto real = RealFn<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Outermost outermost;
  if (!outermost) return real(this, condition, timeout);
  return AwaitAnnotated(this, real, condition, timeout);
}

bool Mutex::AwaitWithDeadline(const Condition& condition, absl::Time deadline) {
  static auto real = RealFn<bool (*)(Mutex*, const Condition&, absl::Time)>(
      "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Outermost outermost;
  if (!outermost) return real(this, condition, deadline);
  return AwaitAnnotated(this, real, condition, deadline);
}

// A wait releases the mutex and takes it again inside the library. Signal
// and wait also pair up on the condition variable itself, for signals sent
// without the mutex held.
void CondVar::Wait(Mutex* mu) {
  static auto real =
      RealFn<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  Outermost outermost;
  if (!outermost) return real(this, mu);
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  real(this, mu);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  __tsan_acquire(this);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  static auto real = RealFn<bool (*)(CondVar*, Mutex*, absl::Duration)>(
      "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Outermost outermost;
  if (!outermost) return real(this, mu, timeout);
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  const bool timed_out = real(this, mu, timeout);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  __tsan_acquire(this);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  static auto real = RealFn<bool (*)(CondVar*, Mutex*, absl::Time)>(
      "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Outermost outermost;
  if (!outermost) return real(this, mu, deadline);
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  const bool timed_out = real(this, mu, deadline);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  __tsan_acquire(this);
  return timed_out;
}

void CondVar::Signal() {
  static auto real = RealFn<void (*)(CondVar*)>("7CondVar6SignalEv");
  Outermost outermost;
  if (outermost) __tsan_release(this);
  real(this);
}

void CondVar::SignalAll() {
  static auto real = RealFn<void (*)(CondVar*)>("7CondVar9SignalAllEv");
  Outermost outermost;
  if (outermost) __tsan_release(this);
  real(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
