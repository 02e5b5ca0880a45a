// Which services each port serves, in each listener layout: the API port
// serves every API version (and health) whether or not the control service
// has a listener of its own; the control service is on the API port only
// when it has none.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <ostream>
#include <string>

#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/server/fake.h"
#include "fake/testing/fake_test.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "moia/ridepooling/customer/v1beta1/customer.grpc.pb.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace v1beta1 = ::moia::ridepooling::customer::v1beta1;
namespace cv1 = ::customerfake::control::v1;
namespace health = ::grpc::health::v1;

enum class Layout { kShared, kSeparateControl };
enum class Port { kApi, kControl };
enum class Service { kV1, kV1Beta1, kControl, kHealth };

struct Row {
  Layout layout;
  Port port;
  Service service;
  grpc::StatusCode expected;
};

std::string Name(const Row& row) {
  static const char* const kLayouts[] = {"Shared", "SeparateControl"};
  static const char* const kPorts[] = {"ApiPort", "ControlPort"};
  static const char* const kServices[] = {"V1", "V1Beta1", "Control", "Health"};
  return std::string(kLayouts[static_cast<int>(row.layout)]) +
         kPorts[static_cast<int>(row.port)] +
         kServices[static_cast<int>(row.service)];
}

void PrintTo(const Row& row, std::ostream* out) { *out << Name(row); }

// One call of `service` on `channel`: its status code.
grpc::StatusCode Call(Service service,
                      const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer test-token");
  switch (service) {
    case Service::kV1: {
      v1::ListCustomersResponse response;
      return v1::CustomerService::NewStub(channel)
          ->ListCustomers(&context, {}, &response)
          .error_code();
    }
    case Service::kV1Beta1: {
      v1beta1::ListCustomersResponse response;
      return v1beta1::CustomerService::NewStub(channel)
          ->ListCustomers(&context, {}, &response)
          .error_code();
    }
    case Service::kControl: {
      cv1::ListNamespacesResponse response;
      return cv1::ControlService::NewStub(channel)
          ->ListNamespaces(&context, {}, &response)
          .error_code();
    }
    case Service::kHealth: {
      health::HealthCheckResponse response;
      grpc::StatusCode code = health::Health::NewStub(channel)
                                  ->Check(&context, {}, &response)
                                  .error_code();
      if (code == grpc::StatusCode::OK &&
          response.status() != health::HealthCheckResponse::SERVING) {
        return grpc::StatusCode::UNKNOWN;  // answered, but not serving
      }
      return code;
    }
  }
  return grpc::StatusCode::UNKNOWN;
}

class ListenersTest : public ::testing::TestWithParam<Row> {};

TEST_P(ListenersTest, PortServesWhatTheLayoutPromises) {
  const Row& row = GetParam();
  FakeOptions options;
  options.listen_address = "127.0.0.1:0";
  if (row.layout == Layout::kSeparateControl) {
    options.control_listen_address = "127.0.0.1:0";
  }
  auto fake = Fake::Start(options);
  ASSERT_TRUE(fake.ok()) << fake.status();
  const std::string& address =
      row.port == Port::kApi ? (*fake)->address() : (*fake)->control_address();
  EXPECT_EQ(Call(row.service, grpc::CreateChannel(
                                  address, grpc::InsecureChannelCredentials())),
            row.expected);
}

constexpr grpc::StatusCode kOk = grpc::StatusCode::OK;
constexpr grpc::StatusCode kAbsent = grpc::StatusCode::UNIMPLEMENTED;

INSTANTIATE_TEST_SUITE_P(
    EveryServiceOnEveryPort, ListenersTest,
    ::testing::Values(
        // One port for everything (the control port is the API port).
        Row{Layout::kShared, Port::kApi, Service::kV1, kOk},
        Row{Layout::kShared, Port::kApi, Service::kV1Beta1, kOk},
        Row{Layout::kShared, Port::kApi, Service::kControl, kOk},
        Row{Layout::kShared, Port::kApi, Service::kHealth, kOk},
        // --control-listen: the API port keeps every API version.
        Row{Layout::kSeparateControl, Port::kApi, Service::kV1, kOk},
        Row{Layout::kSeparateControl, Port::kApi, Service::kV1Beta1, kOk},
        Row{Layout::kSeparateControl, Port::kApi, Service::kControl, kAbsent},
        Row{Layout::kSeparateControl, Port::kApi, Service::kHealth, kOk},
        Row{Layout::kSeparateControl, Port::kControl, Service::kV1, kAbsent},
        Row{Layout::kSeparateControl, Port::kControl, Service::kV1Beta1,
            kAbsent},
        Row{Layout::kSeparateControl, Port::kControl, Service::kControl, kOk},
        Row{Layout::kSeparateControl, Port::kControl, Service::kHealth, kOk}),
    [](const ::testing::TestParamInfo<Row>& param) {
      return Name(param.param);
    });

}  // namespace
}  // namespace customerfake
