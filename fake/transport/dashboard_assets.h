#ifndef CUSTOMER_FAKE_TRANSPORT_DASHBOARD_ASSETS_H_
#define CUSTOMER_FAKE_TRANSPORT_DASHBOARD_ASSETS_H_

#include "absl/strings/string_view.h"

namespace customerfake::transport {

// A file of the dashboard's page (fake/transport/dashboard/), compiled into
// the binary at build time (cmake/embed_assets.cmake): nothing is read from
// disk or fetched at run time.
struct DashboardAsset {
  absl::string_view path;  // "/app.js"
  absl::string_view content_type;
  absl::string_view body;
};

// nullptr when there is no such file.
const DashboardAsset* FindDashboardAsset(absl::string_view path);

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_DASHBOARD_ASSETS_H_
