#include "fake/transport/connection_faults.h"

#include <arpa/inet.h>
#include <grpc/support/sync.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

// ---- gRPC 1.51 internals (exported by libgrpc, not in its headers) ---------

// src/core/lib/iomgr/socket_mutator.h
typedef enum {
  GRPC_FD_CLIENT_CONNECTION_USAGE,
  GRPC_FD_SERVER_LISTENER_USAGE,
  GRPC_FD_SERVER_CONNECTION_USAGE,
} grpc_fd_usage;
typedef struct {
  int fd;
  grpc_fd_usage usage;
} grpc_mutate_socket_info;
struct grpc_socket_mutator_vtable {
  bool (*mutate_fd)(int fd, grpc_socket_mutator* mutator);
  int (*compare)(grpc_socket_mutator* a, grpc_socket_mutator* b);
  void (*destroy)(grpc_socket_mutator* mutator);
  bool (*mutate_fd_2)(const grpc_mutate_socket_info* info,
                      grpc_socket_mutator* mutator);
};
struct grpc_socket_mutator {
  const grpc_socket_mutator_vtable* vtable;
  gpr_refcount refcount;
};
void grpc_socket_mutator_init(grpc_socket_mutator* mutator,
                              const grpc_socket_mutator_vtable* vtable);

// src/core/lib/surface/call.h: a server call's grpc_call is one.
namespace grpc_core {
class FilterStackCall {
 public:
  void CancelWithError(absl::Status error);
};
}  // namespace grpc_core

namespace customerfake::transport {
namespace {

// "127.0.0.1:51234" or "[::1]:51234" for a socket's peer; IPv4 clients of
// a dual-stack listener appear as v4-mapped IPv6 and are named as IPv4, as
// gRPC names them.
std::string PeerOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "";
  }
  char host[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    return absl::StrCat(host, ":", ntohs(v4->sin_port));
  }
  if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], host, sizeof(host));
      return absl::StrCat(host, ":", ntohs(v6->sin6_port));
    }
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    return absl::StrCat("[", host, "]:", ntohs(v6->sin6_port));
  }
  return "";
}

// "ipv4:127.0.0.1:5" -> "127.0.0.1:5"; "ipv6:%5B::1%5D:5" -> "[::1]:5".
std::string PeerKey(absl::string_view peer) {
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&peer, scheme)) break;
  }
  return absl::StrReplaceAll(peer, {{"%5B", "["}, {"%5D", "]"}});
}

struct Mutator : grpc_socket_mutator {
  explicit Mutator(Connections* owner) : connections(owner) {
    static const grpc_socket_mutator_vtable kVtable = {
        /*mutate_fd=*/[](int, grpc_socket_mutator*) { return true; },
        /*compare=*/
        [](grpc_socket_mutator* a, grpc_socket_mutator* b) {
          return a < b ? -1 : (a > b ? 1 : 0);
        },
        /*destroy=*/
        [](grpc_socket_mutator* self) { delete static_cast<Mutator*>(self); },
        /*mutate_fd_2=*/
        [](const grpc_mutate_socket_info* info, grpc_socket_mutator* self) {
          if (info->usage == GRPC_FD_SERVER_CONNECTION_USAGE) {
            static_cast<Mutator*>(self)->connections->Accepted(info->fd);
          }
          return true;
        },
    };
    grpc_socket_mutator_init(this, &kVtable);
  }
  Connections* connections;
};

class MutatorOption : public grpc::ServerBuilderOption {
 public:
  explicit MutatorOption(Connections* connections)
      : connections_(connections) {}
  void UpdateArguments(grpc::ChannelArguments* args) override {
    args->SetSocketMutator(new Mutator(connections_));  // takes the reference
  }
  void UpdatePlugins(
      std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*) override {}

 private:
  Connections* connections_;
};

}  // namespace

void ResetStream(grpc::ServerContextBase& context) {
  // An error without a gRPC status: the transport resets the stream instead
  // of sending a status in trailers.
  reinterpret_cast<grpc_core::FilterStackCall*>(context.c_call())
      ->CancelWithError(absl::UnavailableError("stream reset by a fault rule"));
}

Connections::Connections() = default;
Connections::~Connections() = default;

std::unique_ptr<grpc::ServerBuilderOption> Connections::Option() {
  return std::make_unique<MutatorOption>(this);
}

void Connections::Accepted(int fd) {
  std::string peer = PeerOf(fd);
  absl::MutexLock lock(&mu_);
  // A number the kernel handed out again: the old connection is gone.
  if (auto old = by_fd_.find(fd); old != by_fd_.end()) {
    by_peer_.erase(old->second);
    by_fd_.erase(old);
  }
  if (max_connections_ > 0 && by_fd_.size() >= max_connections_) {
    PruneClosed();  // only near the limit: it asks the kernel for each
    if (by_fd_.size() >= max_connections_) {
      // Before gRPC reads a byte: the client's connection attempt fails.
      shutdown(fd, SHUT_RDWR);
      ++refused_;
      return;
    }
  }
  by_fd_[fd] = peer;
  by_peer_[peer] = fd;
}

void Connections::PruneClosed() {
  for (auto it = by_fd_.begin(); it != by_fd_.end();) {
    if (PeerOf(it->first) == it->second) {
      ++it;
      continue;
    }
    by_peer_.erase(it->second);
    by_fd_.erase(it++);
  }
}

uint64_t Connections::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

bool Connections::Close(const std::string& peer, bool send_goaway) {
  const std::string key = PeerKey(peer);
  absl::MutexLock lock(&mu_);
  auto it = by_peer_.find(key);
  // The socket may have closed and its number gone to another connection:
  // shut it down only while it still has that peer. shutdown(), never
  // close(): gRPC owns the descriptor and closes it itself.
  if (it == by_peer_.end() || PeerOf(it->second) != key) return false;
  if (send_goaway) {
    // GOAWAY (RFC 9113 6.8) on stream 0: last stream id 2^31-1, so clients
    // treat every call in flight as possibly processed and do not retry it
    // transparently; error code NO_ERROR. Best effort: never blocks, and a
    // full socket buffer just skips it.
    static constexpr unsigned char kGoaway[17] = {
        0,    0,    8,    7,    0, 0, 0, 0, 0,  // length 8, GOAWAY, stream 0
        0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0};    // last stream id, NO_ERROR
    send(it->second, kGoaway, sizeof(kGoaway), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  return shutdown(it->second, SHUT_RDWR) == 0;
}

}  // namespace customerfake::transport
