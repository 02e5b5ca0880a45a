#include "fake/transport/reflection.h"

#include <grpcpp/support/server_callback.h>

#include <set>
#include <utility>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace customerfake::transport {
namespace {

namespace pb = ::google::protobuf;

// What both versions answer with; `Api` is grpc::reflection::v1 or
// v1alpha, whose messages have the same fields.
struct Catalog {
  std::vector<const pb::DescriptorPool*> pools;
  std::vector<std::string> services;

  template <typename Response>
  void AddFileWithDependencies(const pb::FileDescriptor* file,
                               Response* response) const {
    // The file and every file it imports, each once: clients build their
    // own pool from them.
    std::set<std::string> seen;
    std::vector<const pb::FileDescriptor*> todo = {file};
    auto* out = response->mutable_file_descriptor_response();
    while (!todo.empty()) {
      const pb::FileDescriptor* next = todo.back();
      todo.pop_back();
      if (!seen.insert(next->name()).second) continue;
      pb::FileDescriptorProto proto;
      next->CopyTo(&proto);
      proto.SerializeToString(out->add_file_descriptor_proto());
      for (int i = 0; i < next->dependency_count(); ++i) {
        todo.push_back(next->dependency(i));
      }
    }
  }

  template <typename Request, typename Response>
  void Answer(const Request& request, Response* response) const {
    response->set_valid_host(request.host());
    *response->mutable_original_request() = request;
    auto error = [response](grpc::StatusCode code, const char* message) {
      response->mutable_error_response()->set_error_code(code);
      response->mutable_error_response()->set_error_message(message);
    };
    auto first_file = [this](auto find) -> const pb::FileDescriptor* {
      for (const pb::DescriptorPool* pool : pools) {
        if (const pb::FileDescriptor* file = find(*pool)) return file;
      }
      return nullptr;
    };
    const pb::FileDescriptor* file = nullptr;
    switch (request.message_request_case()) {
      case Request::kListServices:
        for (const std::string& name : services) {
          response->mutable_list_services_response()->add_service()->set_name(
              name);
        }
        return;
      case Request::kFileByFilename:
        file = first_file([&](const pb::DescriptorPool& pool) {
          return pool.FindFileByName(request.file_by_filename());
        });
        break;
      case Request::kFileContainingSymbol:
        file = first_file([&](const pb::DescriptorPool& pool) {
          return pool.FindFileContainingSymbol(
              request.file_containing_symbol());
        });
        break;
      case Request::kFileContainingExtension:
        file = first_file(
            [&](const pb::DescriptorPool& pool) -> const pb::FileDescriptor* {
              const auto& extension = request.file_containing_extension();
              const pb::Descriptor* type =
                  pool.FindMessageTypeByName(extension.containing_type());
              if (type == nullptr) return nullptr;
              const pb::FieldDescriptor* field = pool.FindExtensionByNumber(
                  type, extension.extension_number());
              return field == nullptr ? nullptr : field->file();
            });
        break;
      case Request::kAllExtensionNumbersOfType:
        for (const pb::DescriptorPool* pool : pools) {
          const pb::Descriptor* type = pool->FindMessageTypeByName(
              request.all_extension_numbers_of_type());
          if (type == nullptr) continue;
          std::vector<const pb::FieldDescriptor*> extensions;
          pool->FindAllExtensions(type, &extensions);
          auto* out = response->mutable_all_extension_numbers_response();
          out->set_base_type_name(type->full_name());
          for (const pb::FieldDescriptor* extension : extensions) {
            out->add_extension_number(extension->number());
          }
          return;
        }
        error(grpc::StatusCode::NOT_FOUND, "Type not found.");
        return;
      default:
        error(grpc::StatusCode::UNIMPLEMENTED, "Unsupported request.");
        return;
    }
    if (file == nullptr) {
      error(grpc::StatusCode::NOT_FOUND, "Not found.");
      return;
    }
    AddFileWithDependencies(file, response);
  }
};

// One ServerReflectionInfo stream: each request read is answered; the
// stream ends when the client half-closes.
template <typename Request, typename Response>
class Stream : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit Stream(const Catalog& catalog) : catalog_(catalog) {
    this->StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status::OK);
      return;
    }
    response_.Clear();
    catalog_.Answer(request_, &response_);
    this->StartWrite(&response_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::UNKNOWN, "write failed"));
      return;
    }
    this->StartRead(&request_);
  }
  void OnDone() override { delete this; }

 private:
  const Catalog& catalog_;
  Request request_;
  Response response_;
};

template <typename Api>
class Service : public Api::ServerReflection::CallbackService {
 public:
  explicit Service(const Catalog& catalog) : catalog_(catalog) {}
  grpc::ServerBidiReactor<typename Api::ServerReflectionRequest,
                          typename Api::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* /*context*/) override {
    return new Stream<typename Api::ServerReflectionRequest,
                      typename Api::ServerReflectionResponse>(catalog_);
  }

 private:
  const Catalog& catalog_;
};

struct V1 {
  using ServerReflection = grpc::reflection::v1::ServerReflection;
  using ServerReflectionRequest = grpc::reflection::v1::ServerReflectionRequest;
  using ServerReflectionResponse =
      grpc::reflection::v1::ServerReflectionResponse;
};
struct V1Alpha {
  using ServerReflection = grpc::reflection::v1alpha::ServerReflection;
  using ServerReflectionRequest =
      grpc::reflection::v1alpha::ServerReflectionRequest;
  using ServerReflectionResponse =
      grpc::reflection::v1alpha::ServerReflectionResponse;
};

}  // namespace

struct Reflection::Services {
  Catalog catalog;
  Service<V1> v1{catalog};
  Service<V1Alpha> v1alpha{catalog};
};

Reflection::Reflection(std::vector<const pb::DescriptorPool*> pools,
                       std::vector<std::string> services)
    : services_(std::make_unique<Services>()) {
  services_->catalog.pools = std::move(pools);
  services_->catalog.services = std::move(services);
}

Reflection::~Reflection() = default;

grpc::Service* Reflection::v1() { return &services_->v1; }
grpc::Service* Reflection::v1alpha() { return &services_->v1alpha; }

}  // namespace customerfake::transport
