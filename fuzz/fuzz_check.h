#ifndef CUSTOMER_FAKE_FUZZ_FUZZ_CHECK_H_
#define CUSTOMER_FAKE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// A property every input must keep: when it does not, the target aborts so
// that libFuzzer saves the input as a crash.
#define FUZZ_CHECK(condition, ...)                                     \
  do {                                                                 \
    if (!(condition)) {                                                \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", __FILE__, \
                   __LINE__, #condition);                              \
      std::fprintf(stderr, __VA_ARGS__);                               \
      std::fputc('\n', stderr);                                        \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

#endif  // CUSTOMER_FAKE_FUZZ_FUZZ_CHECK_H_
