#ifndef CUSTOMER_FAKE_TRANSPORT_DASHBOARD_API_H_
#define CUSTOMER_FAKE_TRANSPORT_DASHBOARD_API_H_

#include <httplib.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fake/control/control.h"

namespace customerfake::transport {

// The dashboard's JSON API under /api/v1/ (docs/dashboard.md), each route a
// control::Control operation. Authentication and the CSRF check happen
// before these routes (Dashboard).
void AddDashboardApi(control::Control& control, httplib::Server& server);

// Answers with {"error": {"code", "reason", "message"}} and the HTTP status
// of the status's code.
void SendError(httplib::Response& response, const absl::Status& status);
void SendError(httplib::Response& response, int http_status,
               absl::string_view code, absl::string_view reason,
               absl::string_view message);

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_DASHBOARD_API_H_
