// The .proto files the fake carries in the binary: google.rpc's Status and
// error details, and the well-known types (google/protobuf/*.proto) as the
// protobuf library linked into the binary describes them. They are what an
// error's details are read and written with, what imports of an
// integrator's own protos fall back on, and what reflection serves, so none
// of it depends on .proto files on disk.
#ifndef CUSTOMER_FAKE_ERRORS_BUNDLED_PROTOS_H_
#define CUSTOMER_FAKE_ERRORS_BUNDLED_PROTOS_H_

#include <string>

#include "google/protobuf/compiler/importer.h"
#include "google/protobuf/descriptor.h"

namespace customerfake::errors {

// Serves google/rpc/{status,error_details}.proto and google/protobuf/*.proto
// by name, from the binary.
class BundledSourceTree : public google::protobuf::compiler::SourceTree {
 public:
  google::protobuf::io::ZeroCopyInputStream* Open(
      const std::string& filename) override;
  std::string GetLastErrorMessage() override { return last_error_; }

 private:
  std::string last_error_;
};

// A descriptor pool of google/rpc/status.proto and error_details.proto (and
// the well-known types they import) of the fake's own, apart from the
// generated pool: a program may link googleapis' own google/rpc messages,
// which register the same files in the generated pool, beside the fake.
const google::protobuf::DescriptorPool& RpcPool();

}  // namespace customerfake::errors

#endif  // CUSTOMER_FAKE_ERRORS_BUNDLED_PROTOS_H_
