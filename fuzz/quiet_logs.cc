// Part of every target: protobuf's log lines (e.g. "String field contains
// invalid UTF-8" for every such input) go nowhere, which keeps the fuzzer's
// output readable and its speed up. FATAL ones still abort.
#include "google/protobuf/stubs/logging.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}
