#include "fake/transport/http_listener.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace customerfake::transport {

absl::StatusOr<std::pair<std::string, int>> SplitListenAddress(
    const std::string& address, absl::string_view what) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad ", what, " listen address \"", address, "\": use HOST:PORT"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

absl::StatusOr<std::string> BindAndRun(httplib::Server& server,
                                       const std::string& address,
                                       const std::string& host, int port,
                                       std::thread& thread) {
  if (port == 0) {
    port = server.bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address));
  }
  thread = std::thread([&server] { server.listen_after_bind(); });
  // Until it runs, stop() would not reach it.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  return absl::StrCat(address.substr(0, address.rfind(':')), ":", port);
}

void StopAndJoin(httplib::Server* server, std::thread& thread) {
  if (server != nullptr) server->stop();
  if (thread.joinable()) thread.join();
}

}  // namespace customerfake::transport
