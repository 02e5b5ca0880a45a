// The two ways bench-scale calls a fake: over gRPC (in-process channel, the
// whole call path) or straight into the handlers over a Core (no gRPC, no
// journal, auth or fault rules), and the latency figures taken through them.
#ifndef CUSTOMER_FAKE_BENCH_SCALE_TARGETS_H_
#define CUSTOMER_FAKE_BENCH_SCALE_TARGETS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "bench/common.h"
#include "fake/core/core.h"
#include "fake/server/fake.h"

namespace customerfake::bench {

class Target {
 public:
  virtual ~Target() = default;
  // Microseconds of one ListCustomers call in namespace `ns`; `next` and
  // `count` (when not null) receive the next page token and the page size.
  virtual double List(const std::string& ns, int32_t size,
                      const std::string& token, std::string* next,
                      int* count) = 0;
  // Microseconds of one GetCustomer call of an unknown id (NOT_FOUND), the
  // namespace created first when new.
  virtual double Get(const std::string& ns) = 0;
};

std::unique_ptr<Target> GrpcTarget(Fake& fake);
std::unique_ptr<Target> DirectTarget(core::Core& core);

// Pages to the last page of `customers` (50 a page), then times the first
// and the last page alternately, `repeats` times each.
void MeasureFirstVsLastPage(Target& target, uint64_t customers, int repeats,
                            Result& result);
// The first and the second call in `repeats` new namespaces of `big` and of
// `empty`, alternately.
void MeasureNewNamespace(Target& big, Target& empty, int repeats,
                         Result& result);

}  // namespace customerfake::bench

#endif  // CUSTOMER_FAKE_BENCH_SCALE_TARGETS_H_
