// What the HTTP listeners (the OAuth token endpoint and the dashboard) share:
// reading HOST:PORT, and running an httplib server on a thread of its own.
#ifndef CUSTOMER_FAKE_TRANSPORT_HTTP_LISTENER_H_
#define CUSTOMER_FAKE_TRANSPORT_HTTP_LISTENER_H_

#include <string>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace customerfake::transport {

// "HOST:PORT" or "[V6]:PORT" as host (brackets removed) and port (0: any
// free one); INVALID_ARGUMENT naming `what` ("OAuth", "dashboard").
absl::StatusOr<std::pair<std::string, int>> SplitListenAddress(
    const std::string& address, absl::string_view what);

// Binds `server` to host and port, runs it on `thread` and returns once it
// runs: the address it listens on, with the port it got.
absl::StatusOr<std::string> BindAndRun(httplib::Server& server,
                                       const std::string& address,
                                       const std::string& host, int port,
                                       std::thread& thread);

// Stops the server (if any) and joins its thread.
void StopAndJoin(httplib::Server* server, std::thread& thread);

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_HTTP_LISTENER_H_
