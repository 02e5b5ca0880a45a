// The wire format the API is served in: the .proto files of each API
// version, matched by name against the messages the fake's handlers use.
// Without --protos these are the bundled files; with it, an integrator's
// official ones, read at start.
#ifndef CUSTOMER_FAKE_WIRE_API_SCHEMA_H_
#define CUSTOMER_FAKE_WIRE_API_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fake/model/methods.h"
#include "fake/wire/field_map.h"
#include "google/protobuf/compiler/importer.h"
#include "google/protobuf/descriptor.h"

namespace customerfake::wire {

// How one message travels: in the declared type's wire form, translated to
// and from the fake's own type by FieldMap (not at all when identical()).
struct MessageWire {
  const google::protobuf::Descriptor* declared = nullptr;
  const FieldMap* fields = nullptr;
};

// One method as a file declares it, and the fake's method that serves it.
struct MethodWire {
  std::string full_name;  // "/package.Service/Method", as declared
  // The fake's v1 method of that name: its handler serves every version,
  // on its own (v1) messages.
  const model::MethodInfo* method = nullptr;
  MessageWire request;
  MessageWire response;
};

// One service as a file declares it.
struct ServiceWire {
  const google::protobuf::ServiceDescriptor* declared = nullptr;
  // v1 errors carry google.rpc details; v1beta1's codes and messages only.
  bool rich_errors = true;
  std::vector<MethodWire> methods;
};

class ApiSchema {
 public:
  // The bundled files: moia.trip.customer.v1 as compiled in, and v1beta1
  // mapped onto it by name. Fails (an error of the build) when the two do
  // not fit.
  static absl::StatusOr<std::unique_ptr<ApiSchema>> Bundled();

  // The files in `folder`: moia/trip/customer/v1/customer.proto, and
  // moia/ridepooling/customer/v1beta1/customer.proto when there (else the
  // bundled one). Imports resolve against `folder`, then the well-known types
  // Debian installs (/usr/include), then the binary's own (google/protobuf
  // and google/rpc). INVALID_ARGUMENT lists every problem, one per line,
  // as "FILE:LINE:COLUMN: element: what the fake needs, what the file
  // declares".
  static absl::StatusOr<std::unique_ptr<ApiSchema>> Load(
      const std::string& folder);

  ~ApiSchema();

  const std::vector<ServiceWire>& services() const { return services_; }
  // Declared fields (and methods) the fake does not know, by full name.
  const std::vector<std::string>& unknown() const { return unknown_; }
  // The pool the loaded files are in, for reflection; null when bundled.
  const google::protobuf::DescriptorPool* pool() const;

 private:
  ApiSchema();
  // Matches the declared services (v1, then v1beta1) against the fake's.
  void MatchServices(const google::protobuf::FileDescriptor* v1,
                     const google::protobuf::FileDescriptor* v1beta1,
                     std::vector<Mismatch>* mismatches);

  struct Loaded;  // the files read from a folder
  std::unique_ptr<Loaded> loaded_;
  FieldMaps maps_;
  std::vector<ServiceWire> services_;
  std::vector<std::string> unknown_;
};

}  // namespace customerfake::wire

#endif  // CUSTOMER_FAKE_WIRE_API_SCHEMA_H_
