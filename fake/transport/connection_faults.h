// Ending a call the way a network does, without an answer: resetting its
// HTTP/2 stream, or closing its client's connection.
//
// gRPC 1.51's C++ API has neither. ServerContext::TryCancel answers with
// status CANCELLED in trailers, not a reset, so ResetStream cancels the call
// in gRPC's core with an error that carries no gRPC status, which its HTTP/2
// transport sends as RST_STREAM (INTERNAL_ERROR). There is no API to close
// one connection: Connections records each accepted socket through a socket
// mutator (gRPC's hook for new sockets), writes a GOAWAY frame to the
// socket of a call's peer when it is plaintext, and shuts it down. Both rely
// on gRPC internals that Debian's libgrpc exports but does not declare; they
// are written here against 1.51, the version the project builds with.
//
// The GOAWAY is written beside gRPC's own writer, which is the one way to
// send it without gRPC's private transport API; it goes out between two of
// gRPC's writes (the kernel orders writes to one socket), so it is whole
// unless gRPC was in the middle of a frame too large for the socket buffer,
// in which case the client sees a broken frame just before the close
// instead. Over TLS the bytes would break the record stream: the socket is
// only shut down.
#ifndef CUSTOMER_FAKE_TRANSPORT_CONNECTION_FAULTS_H_
#define CUSTOMER_FAKE_TRANSPORT_CONNECTION_FAULTS_H_

#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace customerfake::transport {

// Resets the call's stream: the client sees RST_STREAM with INTERNAL_ERROR.
// Must run where gRPC's core has its execution context, such as a callback
// grpc::Alarm's callback; the caller then finishes the call as usual (the
// client never sees that status).
void ResetStream(grpc::ServerContextBase& context);

// The client connections of the servers it is added to.
class Connections {
 public:
  Connections();
  ~Connections();

  // Add to a ServerBuilder: records the sockets it accepts. This object must
  // outlive the server.
  std::unique_ptr<grpc::ServerBuilderOption> Option();

  // Shuts down the socket of the connection a call came on (`peer`, as
  // ServerContext::peer() names it: "ipv4:127.0.0.1:51234"), after a GOAWAY
  // frame when `send_goaway` (plaintext connections only). The client sees
  // the connection end, with every call in flight on it. False when there is
  // no such socket (an in-process call).
  bool Close(const std::string& peer, bool send_goaway);

  // Called by the socket mutator for each accepted socket. A connection
  // past the limit is shut down at once: its client sees UNAVAILABLE.
  void Accepted(int fd);

  // At most this many client connections at a time (0: no limit); set
  // before the server starts.
  void set_max_connections(size_t max) { max_connections_ = max; }
  // Connections refused for the limit so far.
  uint64_t refused() const;

 private:
  // Drops the sockets that are gone (closed, or their number reused by a
  // file or another peer); gRPC closes them without telling.
  void PruneClosed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  size_t max_connections_ = 0;
  mutable absl::Mutex mu_;
  uint64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  // "127.0.0.1:51234" or "[::1]:51234" -> the socket's file descriptor.
  absl::flat_hash_map<std::string, int> by_peer_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int, std::string> by_fd_ ABSL_GUARDED_BY(mu_);
};

}  // namespace customerfake::transport

#endif  // CUSTOMER_FAKE_TRANSPORT_CONNECTION_FAULTS_H_
