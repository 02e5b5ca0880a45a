#include "fake/wire/field_map.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace customerfake::wire {
namespace {

namespace pb = ::google::protobuf;
using FieldDescriptor = pb::FieldDescriptor;

bool SameShape(const FieldDescriptor* a, const FieldDescriptor* b) {
  return a->type() == b->type() && a->is_repeated() == b->is_repeated();
}

// Copies one field's value; both fields have the same shape.
void CopyField(const pb::Message& from, const FieldDescriptor* source,
               pb::Message* to, const FieldDescriptor* target,
               const FieldMap* nested, bool to_external) {
  const pb::Reflection& in = *from.GetReflection();
  const pb::Reflection& out = *to->GetReflection();
  if (source->is_repeated()) {
    const int size = in.FieldSize(from, source);
    for (int i = 0; i < size; ++i) {
      switch (source->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          out.AddInt32(to, target, in.GetRepeatedInt32(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          out.AddInt64(to, target, in.GetRepeatedInt64(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          out.AddUInt32(to, target, in.GetRepeatedUInt32(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          out.AddUInt64(to, target, in.GetRepeatedUInt64(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          out.AddDouble(to, target, in.GetRepeatedDouble(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          out.AddFloat(to, target, in.GetRepeatedFloat(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          out.AddBool(to, target, in.GetRepeatedBool(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          out.AddEnumValue(to, target,
                           in.GetRepeatedEnumValue(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          out.AddString(to, target, in.GetRepeatedString(from, source, i));
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          const pb::Message& item = in.GetRepeatedMessage(from, source, i);
          pb::Message* copy = out.AddMessage(to, target);
          if (to_external) {
            nested->ToExternal(item, copy);
          } else {
            nested->ToInternal(item, copy);
          }
          break;
        }
      }
    }
    return;
  }
  // Set, for a field with presence; not the default, for one without (so
  // an external field with presence stays unset for a default).
  if (!in.HasField(from, source)) return;
  switch (source->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      out.SetInt32(to, target, in.GetInt32(from, source));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      out.SetInt64(to, target, in.GetInt64(from, source));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      out.SetUInt32(to, target, in.GetUInt32(from, source));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      out.SetUInt64(to, target, in.GetUInt64(from, source));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      out.SetDouble(to, target, in.GetDouble(from, source));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      out.SetFloat(to, target, in.GetFloat(from, source));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out.SetBool(to, target, in.GetBool(from, source));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      out.SetEnumValue(to, target, in.GetEnumValue(from, source));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      out.SetString(to, target, in.GetString(from, source));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& item = in.GetMessage(from, source);
      pb::Message* copy = out.MutableMessage(to, target);
      if (to_external) {
        nested->ToExternal(item, copy);
      } else {
        nested->ToInternal(item, copy);
      }
      break;
    }
  }
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

void FieldMap::ToExternal(const pb::Message& internal,
                          pb::Message* external) const {
  Copy(internal, external, /*to_external=*/true);
}

void FieldMap::ToInternal(const pb::Message& external,
                          pb::Message* internal) const {
  Copy(external, internal, /*to_external=*/false);
}

void FieldMap::Copy(const pb::Message& from, pb::Message* to,
                    bool to_external) const {
  for (const Pair& pair : pairs_) {
    if (to_external) {
      CopyField(from, pair.internal, to, pair.external, pair.nested, true);
    } else {
      CopyField(from, pair.external, to, pair.internal, pair.nested, false);
    }
  }
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
    map->pairs_.push_back({ours, theirs, nested});
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
