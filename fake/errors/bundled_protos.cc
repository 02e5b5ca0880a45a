#include "fake/errors/bundled_protos.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace customerfake::errors {

// The text of protos/google/rpc/*.proto (generated: bundled_rpc_protos.cc).
extern const char kRpcStatusProto[];
extern const char kRpcErrorDetailsProto[];

namespace {

namespace pb = ::google::protobuf;

// Reports a bundled file that does not build: a defect of the binary.
class AbortOnError : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& filename, int line, int column,
                const std::string& message) override {
    std::cerr << "bundled " << filename << ":" << line + 1 << ":" << column + 1
              << ": " << message << "\n";
    std::abort();
  }
};

// An input stream that owns its text: the importer reads it after Open.
class TextStream : public pb::io::ZeroCopyInputStream {
 public:
  explicit TextStream(std::string text)
      : text_(std::move(text)),
        stream_(text_.data(), static_cast<int>(text_.size())) {}
  bool Next(const void** data, int* size) override {
    return stream_.Next(data, size);
  }
  void BackUp(int count) override { stream_.BackUp(count); }
  bool Skip(int count) override { return stream_.Skip(count); }
  int64_t ByteCount() const override { return stream_.ByteCount(); }

 private:
  const std::string text_;
  pb::io::ArrayInputStream stream_;
};

}  // namespace

pb::io::ZeroCopyInputStream* BundledSourceTree::Open(
    const std::string& filename) {
  const char* text = nullptr;
  std::string described;
  if (filename == "google/rpc/status.proto") {
    text = kRpcStatusProto;
  } else if (filename == "google/rpc/error_details.proto") {
    text = kRpcErrorDetailsProto;
  } else if (absl::StartsWith(filename, "google/protobuf/")) {
    // The well-known types as the linked protobuf library has them: its
    // descriptors written back as .proto text.
    const pb::FileDescriptor* file =
        pb::DescriptorPool::generated_pool()->FindFileByName(filename);
    if (file != nullptr) described = file->DebugString();
  }
  if (text == nullptr && described.empty()) {
    last_error_ = absl::StrCat(filename, " is not bundled with the fake");
    return nullptr;
  }
  return new TextStream(text != nullptr ? std::string(text) : described);
}

const pb::DescriptorPool& RpcPool() {
  static const pb::DescriptorPool* const pool = [] {
    static BundledSourceTree* const tree = new BundledSourceTree();
    static AbortOnError* const errors = new AbortOnError();
    auto* importer = new pb::compiler::Importer(tree, errors);
    importer->Import("google/rpc/status.proto");
    importer->Import("google/rpc/error_details.proto");
    return importer->pool();
  }();
  return *pool;
}

}  // namespace customerfake::errors
