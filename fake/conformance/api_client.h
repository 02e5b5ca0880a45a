// A CustomerService client for any endpoint that speaks the API: the fake,
// or MOIA's sandbox. It speaks the bundled wire format, or that of the
// official .proto files given (wire::ApiSchema), over TLS or plaintext, and
// can send a call without its token or with another one.
#ifndef CUSTOMER_FAKE_CONFORMANCE_API_CLIENT_H_
#define CUSTOMER_FAKE_CONFORMANCE_API_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fake/wire/api_schema.h"
#include "google/protobuf/message.h"
#include "moia/trip/customer/v1/customer.pb.h"

namespace customerfake::conformance {

namespace v1 = ::moia::trip::customer::v1;

struct Endpoint {
  std::string address;  // HOST:PORT
  // TLS, trusting the CA in this PEM file, or the system's roots when
  // empty; plaintext when `tls` is false.
  bool tls = false;
  std::string tls_ca;
  // The bearer token every call carries (unless a call says otherwise).
  std::string token;
  // Sent as x-fake-namespace when not empty (the fake's isolation).
  std::string ns;
  // MOIA's official protos; empty for the bundled wire format.
  std::string protos_dir;
  absl::Duration timeout = absl::Seconds(10);
};

class ApiClient {
 public:
  static absl::StatusOr<std::unique_ptr<ApiClient>> Connect(
      const Endpoint& endpoint);

  // The authorization a call sends: the endpoint's bearer token, none, or
  // this header value.
  struct Auth {
    static Auth Default() { return {}; }
    static Auth None() { return {std::string()}; }
    static Auth Header(std::string value) { return {std::move(value)}; }
    std::optional<std::string> authorization;
  };

  // One call of `method` ("CreateCustomer"), on the fake's own (v1)
  // messages.
  grpc::Status Call(const std::string& method,
                    const google::protobuf::Message& request,
                    google::protobuf::Message* response,
                    const Auth& auth = Auth::Default());

  grpc::Status Create(const v1::CreateCustomerRequest& request,
                      v1::Customer* created);
  grpc::Status Get(const std::string& id, v1::Customer* customer);
  grpc::Status Delete(const std::string& id);

 private:
  ApiClient(Endpoint endpoint, std::shared_ptr<grpc::Channel> channel,
            std::unique_ptr<wire::ApiSchema> schema);

  Endpoint endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  std::unique_ptr<wire::ApiSchema> schema_;
};

}  // namespace customerfake::conformance

#endif  // CUSTOMER_FAKE_CONFORMANCE_API_CLIENT_H_
