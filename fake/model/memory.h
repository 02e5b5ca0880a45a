// The heap's freed memory, handed back to the system after a big load.
#ifndef CUSTOMER_FAKE_MODEL_MEMORY_H_
#define CUSTOMER_FAKE_MODEL_MEMORY_H_

namespace customerfake::model {

// Returns the pages the allocator holds free to the system: every jemalloc
// arena is purged when the program runs on jemalloc (customer-fake links it,
// see CUSTOMER_FAKE_JEMALLOC), glibc's heap is trimmed otherwise. Costs a
// walk of the heap: for after a load of many MB, not for every call.
void ReleaseFreedMemory();

}  // namespace customerfake::model

#endif  // CUSTOMER_FAKE_MODEL_MEMORY_H_
