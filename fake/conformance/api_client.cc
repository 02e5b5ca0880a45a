#include "fake/conformance/api_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace customerfake::conformance {
namespace {

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiClient>> ApiClient::Connect(
    const Endpoint& endpoint) {
  absl::StatusOr<std::unique_ptr<wire::ApiSchema>> schema =
      endpoint.protos_dir.empty() ? wire::ApiSchema::Bundled()
                                  : wire::ApiSchema::Load(endpoint.protos_dir);
  if (!schema.ok()) return schema.status();
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (endpoint.tls) {
    grpc::SslCredentialsOptions ssl;  // the system's roots
    if (!endpoint.tls_ca.empty()) {
      std::ifstream file(endpoint.tls_ca);
      std::stringstream pem;
      pem << file.rdbuf();
      if (!file) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read --tls-ca ", endpoint.tls_ca));
      }
      ssl.pem_root_certs = pem.str();
    }
    credentials = grpc::SslCredentials(ssl);
  }
  return std::unique_ptr<ApiClient>(new ApiClient(
      endpoint, grpc::CreateChannel(endpoint.address, credentials),
      *std::move(schema)));
}

ApiClient::ApiClient(Endpoint endpoint, std::shared_ptr<grpc::Channel> channel,
                     std::unique_ptr<wire::ApiSchema> schema)
    : endpoint_(std::move(endpoint)),
      channel_(std::move(channel)),
      stub_(channel_),
      schema_(std::move(schema)) {}

grpc::Status ApiClient::Call(const std::string& method,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response,
                             const Auth& auth) {
  const wire::MethodWire* wire = nullptr;
  for (const wire::MethodWire& candidate : schema_->services()[0].methods) {
    if (candidate.method->short_name == method) wire = &candidate;
  }
  if (wire == nullptr) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        absl::StrCat("no method ", method));
  }
  std::string bytes = request.SerializeAsString();
  if (!wire->request.fields->identical()) {
    std::string declared;
    wire->request.fields->ToExternal(bytes, &declared);
    bytes = std::move(declared);
  }
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_bytes(&slice, 1);
  grpc::ByteBuffer response_bytes;

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + endpoint_.timeout));
  if (!endpoint_.ns.empty())
    context.AddMetadata("x-fake-namespace", endpoint_.ns);
  const std::string authorization =
      auth.authorization.value_or(absl::StrCat("Bearer ", endpoint_.token));
  if (!authorization.empty())
    context.AddMetadata("authorization", authorization);

  absl::Notification done;
  grpc::Status status;
  stub_.UnaryCall(&context, wire->full_name, grpc::StubOptions(),
                  &request_bytes, &response_bytes, [&](grpc::Status s) {
                    status = std::move(s);
                    done.Notify();
                  });
  done.WaitForNotification();
  if (!status.ok()) return status;
  std::string answer = ToString(response_bytes);
  if (!wire->response.fields->identical()) {
    std::string ours;
    if (!wire->response.fields->ToInternal(answer, &ours)) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the answer does not parse");
    }
    answer = std::move(ours);
  }
  response->Clear();
  if (!response->ParseFromString(answer)) {
    return grpc::Status(
        grpc::StatusCode::INTERNAL,
        absl::StrCat("the answer does not parse as ", response->GetTypeName()));
  }
  return grpc::Status::OK;
}

grpc::Status ApiClient::Create(const v1::CreateCustomerRequest& request,
                               v1::Customer* created) {
  v1::CreateCustomerResponse response;
  grpc::Status status = Call("CreateCustomer", request, &response);
  *created = response.customer();
  return status;
}

grpc::Status ApiClient::Get(const std::string& id, v1::Customer* customer) {
  v1::GetCustomerRequest request;
  request.set_id(id);
  v1::GetCustomerResponse response;
  grpc::Status status = Call("GetCustomer", request, &response);
  *customer = response.customer();
  return status;
}

grpc::Status ApiClient::Delete(const std::string& id) {
  v1::DeleteCustomerRequest request;
  request.set_id(id);
  v1::DeleteCustomerResponse response;
  return Call("DeleteCustomer", request, &response);
}

}  // namespace customerfake::conformance
