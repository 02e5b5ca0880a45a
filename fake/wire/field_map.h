// The by-name correspondence between one of the fake's own messages and the
// message an API's .proto file declares in its place (an integrator's
// official file, or another API version): which fields are the same, what
// does not fit, and copying a message from one to the other.
#ifndef CUSTOMER_FAKE_WIRE_FIELD_MAP_H_
#define CUSTOMER_FAKE_WIRE_FIELD_MAP_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace customerfake::wire {

// Something a file declares that the fake cannot serve: where, which
// element (a field, message, method or service by full name), and what the
// fake needs against what the file declares.
struct Mismatch {
  const google::protobuf::FileDescriptor* file = nullptr;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  std::string element;
  std::string message;
};

// The place of a declaration in its file, for a Mismatch.
Mismatch At(const google::protobuf::FileDescriptor* file,
            const google::protobuf::SourceLocation* location,
            std::string element, std::string message);
template <typename Descriptor>
Mismatch At(const Descriptor* declared, std::string element,
            std::string message) {
  google::protobuf::SourceLocation location;
  return At(declared->file(),
            declared->GetSourceLocation(&location) ? &location : nullptr,
            std::move(element), std::move(message));
}

// "a repeated string", "an optional int32", "a moia.trip.customer.v1.Customer
// message": a field's type as a mismatch names it.
std::string DescribeField(const google::protobuf::FieldDescriptor* field);

// The fields of an internal message (the fake's) and an external one (a
// file's) that have the same name: made by FieldMaps::Match.
//
// Messages cross by their bytes: the fields of the two types have the same
// types and differ at most in number, so translating one type's encoding to
// the other's only rewrites each field's number (recursively inside message
// fields) and drops the fields the destination does not have. That is a
// single pass over the bytes with protobuf's coded streams, several times
// cheaper per call than parsing into a dynamic message and copying field by
// field through reflection.
class FieldMap {
 public:
  // True when the two messages have the same wire form: every field has the
  // same number and type on both sides (recursively) and neither side has a
  // field of its own. Their bytes can then be read as either type.
  bool identical() const { return identical_; }

  // Rewrites an encoding of one type as the other's. False when `bytes` is
  // not a valid encoding (a truncated field, a group).
  bool ToInternal(absl::string_view external_bytes,
                  std::string* internal_bytes) const;
  bool ToExternal(absl::string_view internal_bytes,
                  std::string* external_bytes) const;

 private:
  friend class FieldMaps;
  struct Pair {
    int internal;
    int external;
    const FieldMap* nested;  // for message fields
  };
  bool Rewrite(absl::string_view bytes, bool to_external,
               std::string* out) const;

  std::vector<Pair> pairs_;
  bool identical_ = true;
};

// Matches the fake's messages against a file's, and owns the maps: every
// field of the internal message must exist in the external one with the same
// type, cardinality and presence (message fields are matched the same way,
// each pair of types once). Fields only the external message has are unknown
// to the fake: ignored when read, left unset when written.
class FieldMaps {
 public:
  // The map from `internal` to `external`. What does not fit is added to
  // mismatches(); the map is usable only when there are none.
  const FieldMap* Match(const google::protobuf::Descriptor* internal,
                        const google::protobuf::Descriptor* external);

  const std::vector<Mismatch>& mismatches() const { return mismatches_; }
  // The full names of the external fields the fake does not know, sorted.
  std::vector<std::string> unknown() const;

 private:
  std::map<std::pair<const google::protobuf::Descriptor*,
                     const google::protobuf::Descriptor*>,
           std::unique_ptr<FieldMap>>
      maps_;
  std::vector<Mismatch> mismatches_;
  std::vector<std::string> unknown_;
};

}  // namespace customerfake::wire

#endif  // CUSTOMER_FAKE_WIRE_FIELD_MAP_H_
