#ifndef CUSTOMER_FAKE_TRANSPORT_CONTROL_SERVICE_H_
#define CUSTOMER_FAKE_TRANSPORT_CONTROL_SERVICE_H_

#include <functional>
#include <string>

#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/control/control.h"

namespace customerfake::transport {

namespace cv1 = ::customerfake::control::v1;

// customerfake.control.v1.ControlService over control::Control. With a
// control token set, every call but GetServerStatus must carry it in
// `x-fake-control-token`.
class ControlService final : public cv1::ControlService::CallbackService {
 public:
  ControlService(control::Control& control, std::string token);

  grpc::ServerUnaryReactor* Reset(grpc::CallbackServerContext* context,
                                  const cv1::ResetRequest* request,
                                  cv1::ResetResponse* response) override;
  grpc::ServerUnaryReactor* LoadScenario(
      grpc::CallbackServerContext* context,
      const cv1::LoadScenarioRequest* request,
      cv1::LoadScenarioResponse* response) override;
  grpc::ServerUnaryReactor* ExportState(
      grpc::CallbackServerContext* context,
      const cv1::ExportStateRequest* request,
      cv1::ExportStateResponse* response) override;
  grpc::ServerUnaryReactor* AddFaultRule(
      grpc::CallbackServerContext* context,
      const cv1::AddFaultRuleRequest* request,
      cv1::AddFaultRuleResponse* response) override;
  grpc::ServerUnaryReactor* ListFaultRules(
      grpc::CallbackServerContext* context,
      const cv1::ListFaultRulesRequest* request,
      cv1::ListFaultRulesResponse* response) override;
  grpc::ServerUnaryReactor* RemoveFaultRule(
      grpc::CallbackServerContext* context,
      const cv1::RemoveFaultRuleRequest* request,
      cv1::RemoveFaultRuleResponse* response) override;
  grpc::ServerUnaryReactor* ClearFaultRules(
      grpc::CallbackServerContext* context,
      const cv1::ClearFaultRulesRequest* request,
      cv1::ClearFaultRulesResponse* response) override;
  grpc::ServerUnaryReactor* ListCalls(
      grpc::CallbackServerContext* context,
      const cv1::ListCallsRequest* request,
      cv1::ListCallsResponse* response) override;
  grpc::ServerUnaryReactor* ClearCalls(
      grpc::CallbackServerContext* context,
      const cv1::ClearCallsRequest* request,
      cv1::ClearCallsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteNamespace(
      grpc::CallbackServerContext* context,
      const cv1::DeleteNamespaceRequest* request,
      cv1::DeleteNamespaceResponse* response) override;
  grpc::ServerUnaryReactor* ListNamespaces(
      grpc::CallbackServerContext* context,
      const cv1::ListNamespacesRequest* request,
      cv1::ListNamespacesResponse* response) override;
  grpc::ServerUnaryReactor* GetServerStatus(
      grpc::CallbackServerContext* context,
      const cv1::GetServerStatusRequest* request,
      cv1::GetServerStatusResponse* response) override;

 private:
  // Checks the control token, runs `body` for the caller's namespace and
  // answers with its status.
  grpc::ServerUnaryReactor* Answer(
      grpc::CallbackServerContext* context,
      const std::function<absl::Status(const std::string& ns)>& body);

  control::Control& control_;
  const std::string token_;
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CONTROL_SERVICE_H_
