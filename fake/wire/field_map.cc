#include "fake/wire/field_map.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace customerfake::wire {
namespace {

namespace pb = ::google::protobuf;
using FieldDescriptor = pb::FieldDescriptor;

bool SameShape(const FieldDescriptor* a, const FieldDescriptor* b) {
  return a->type() == b->type() && a->is_repeated() == b->is_repeated();
}

}  // namespace

Mismatch At(const pb::FileDescriptor* file, const pb::SourceLocation* location,
            std::string element, std::string message) {
  Mismatch mismatch;
  mismatch.file = file;
  if (location != nullptr) {
    mismatch.line = location->start_line + 1;
    mismatch.column = location->start_column + 1;
  }
  mismatch.element = std::move(element);
  mismatch.message = std::move(message);
  return mismatch;
}

std::string DescribeField(const FieldDescriptor* field) {
  std::string type =
      field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
          ? absl::StrCat("message ", field->message_type()->full_name())
          : field->type_name();
  if (field->is_repeated()) return absl::StrCat("repeated ", type);
  if (field->has_presence() &&
      field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::StrCat("optional ", type);
  }
  return type;
}

bool FieldMap::ToInternal(absl::string_view external_bytes,
                          std::string* internal_bytes) const {
  return Rewrite(external_bytes, /*to_external=*/false, internal_bytes);
}

bool FieldMap::ToExternal(absl::string_view internal_bytes,
                          std::string* external_bytes) const {
  return Rewrite(internal_bytes, /*to_external=*/true, external_bytes);
}

bool FieldMap::Rewrite(absl::string_view bytes, bool to_external,
                       std::string* out) const {
  using WireFormatLite = pb::internal::WireFormatLite;
  pb::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  pb::io::StringOutputStream sink(out);
  pb::io::CodedOutputStream coded(&sink);
  std::string nested_bytes;
  while (uint32_t tag = in.ReadTag()) {
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const auto wire_type = WireFormatLite::GetTagWireType(tag);
    const Pair* pair = nullptr;
    for (const Pair& candidate : pairs_) {
      if ((to_external ? candidate.internal : candidate.external) == number) {
        pair = &candidate;
        break;
      }
    }
    const int target =
        pair == nullptr ? 0 : (to_external ? pair->external : pair->internal);
    switch (wire_type) {
      case WireFormatLite::WIRETYPE_VARINT: {
        uint64_t value;
        if (!in.ReadVarint64(&value)) return false;
        if (target == 0) break;
        coded.WriteTag(WireFormatLite::MakeTag(target, wire_type));
        coded.WriteVarint64(value);
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED32: {
        uint32_t value;
        if (!in.ReadLittleEndian32(&value)) return false;
        if (target == 0) break;
        coded.WriteTag(WireFormatLite::MakeTag(target, wire_type));
        coded.WriteLittleEndian32(value);
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED64: {
        uint64_t value;
        if (!in.ReadLittleEndian64(&value)) return false;
        if (target == 0) break;
        coded.WriteTag(WireFormatLite::MakeTag(target, wire_type));
        coded.WriteLittleEndian64(value);
        break;
      }
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint32_t length;
        std::string value;
        if (!in.ReadVarint32(&length) ||
            !in.ReadString(&value, static_cast<int>(length))) {
          return false;
        }
        if (target == 0) break;
        if (pair->nested != nullptr) {
          nested_bytes.clear();
          if (!pair->nested->Rewrite(value, to_external, &nested_bytes)) {
            return false;
          }
          value.swap(nested_bytes);
        }
        coded.WriteTag(WireFormatLite::MakeTag(target, wire_type));
        coded.WriteVarint32(static_cast<uint32_t>(value.size()));
        coded.WriteString(value);
        break;
      }
      default:  // groups: proto3 has none
        return false;
    }
  }
  return in.ConsumedEntireMessage();
}

const FieldMap* FieldMaps::Match(const pb::Descriptor* internal,
                                 const pb::Descriptor* external) {
  auto key = std::make_pair(internal, external);
  if (auto it = maps_.find(key); it != maps_.end()) return it->second.get();
  // In the cache before its fields are matched: a message that contains
  // itself finds this map.
  FieldMap* map =
      maps_.emplace(key, std::make_unique<FieldMap>()).first->second.get();
  for (int i = 0; i < internal->field_count(); ++i) {
    const FieldDescriptor* ours = internal->field(i);
    const FieldDescriptor* theirs = external->FindFieldByName(ours->name());
    const std::string element =
        absl::StrCat(external->full_name(), ".", ours->name());
    if (theirs == nullptr) {
      mismatches_.push_back(
          At(external, element,
             absl::StrCat("the fake needs a field ", ours->name(), " (",
                          DescribeField(ours), "), the file declares none")));
      map->identical_ = false;
      continue;
    }
    const bool needs_presence =
        ours->has_presence() &&
        ours->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
    if (!SameShape(ours, theirs) ||
        (needs_presence && !theirs->has_presence())) {
      mismatches_.push_back(
          At(theirs, element,
             absl::StrCat("the fake needs ", DescribeField(ours),
                          ", the file declares ", DescribeField(theirs))));
      map->identical_ = false;
      continue;
    }
    const FieldMap* nested = nullptr;
    if (ours->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      nested = Match(ours->message_type(), theirs->message_type());
      if (!nested->identical()) map->identical_ = false;
    }
    if (ours->number() != theirs->number() ||
        ours->is_packed() != theirs->is_packed()) {
      map->identical_ = false;
    }
    map->pairs_.push_back({ours->number(), theirs->number(), nested});
  }
  for (int i = 0; i < external->field_count(); ++i) {
    const FieldDescriptor* theirs = external->field(i);
    if (internal->FindFieldByName(theirs->name()) == nullptr) {
      unknown_.push_back(theirs->full_name());
      map->identical_ = false;
    }
  }
  return map;
}

std::vector<std::string> FieldMaps::unknown() const {
  std::vector<std::string> sorted = unknown_;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

}  // namespace customerfake::wire
