#include "fake/model/memory.h"

#include <malloc.h>

#include <cstddef>

// jemalloc's control call, declared weak so that this library needs neither
// jemalloc's header nor its library: the symbol is there only when the
// program links jemalloc, and null otherwise.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp,
                       void* newp, size_t newlen) __attribute__((weak));

namespace customerfake::model {

void ReleaseFreedMemory() {
  if (mallctl != nullptr) {
    // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's dirty and muzzy
    // pages go back at once, rather than over the 10 s of jemalloc's decay.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  malloc_trim(0);
}

}  // namespace customerfake::model
