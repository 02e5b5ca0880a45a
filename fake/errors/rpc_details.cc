#include "fake/errors/rpc_details.h"

#include <memory>
#include <utility>

#include "fake/errors/bundled_protos.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"

namespace customerfake::errors {
namespace {

namespace pb = ::google::protobuf;

// An empty message of a type of RpcPool ("google.rpc.ErrorInfo").
std::unique_ptr<pb::Message> New(const char* type) {
  static pb::DynamicMessageFactory* const factory =
      new pb::DynamicMessageFactory(&RpcPool());
  return std::unique_ptr<pb::Message>(
      factory->GetPrototype(RpcPool().FindMessageTypeByName(type))->New());
}

// Reads (and, when made from a mutable message, writes) one message's fields
// by name.
class Fields {
 public:
  explicit Fields(pb::Message* message)
      : message_(message),
        mutable_(message),
        reflection_(message->GetReflection()) {}
  explicit Fields(const pb::Message& message)
      : message_(&message), reflection_(message.GetReflection()) {}

  const pb::FieldDescriptor* operator[](const char* name) const {
    return message_->GetDescriptor()->FindFieldByName(name);
  }
  std::string String(const char* name) const {
    return reflection_->GetString(*message_, (*this)[name]);
  }
  int Size(const char* name) const {
    return reflection_->FieldSize(*message_, (*this)[name]);
  }
  const pb::Message& At(const char* name, int i) const {
    return reflection_->GetRepeatedMessage(*message_, (*this)[name], i);
  }
  void SetString(const char* name, std::string value) {
    reflection_->SetString(mutable_, (*this)[name], std::move(value));
  }
  pb::Message* Add(const char* name) {
    return reflection_->AddMessage(mutable_, (*this)[name]);
  }
  const pb::Reflection& reflection() const { return *reflection_; }

 private:
  const pb::Message* message_;
  pb::Message* mutable_ = nullptr;
  const pb::Reflection* reflection_;
};

}  // namespace

std::string SerializeStatus(const RpcStatus& status) {
  std::unique_ptr<pb::Message> message = New("google.rpc.Status");
  Fields fields(message.get());
  fields.reflection().SetInt32(message.get(), fields["code"], status.code);
  fields.SetString("message", status.message);
  for (const RpcStatus::Detail& detail : status.details) {
    Fields any(fields.Add("details"));
    any.SetString("type_url", detail.type_url);
    any.SetString("value", detail.value);
  }
  return message->SerializeAsString();
}

std::optional<RpcStatus> ParseStatus(absl::string_view bytes) {
  std::unique_ptr<pb::Message> message = New("google.rpc.Status");
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return std::nullopt;
  }
  Fields fields(*message);
  RpcStatus status;
  status.code = fields.reflection().GetInt32(*message, fields["code"]);
  status.message = fields.String("message");
  for (int i = 0; i < fields.Size("details"); ++i) {
    Fields any(fields.At("details", i));
    status.details.push_back({any.String("type_url"), any.String("value")});
  }
  return status;
}

std::string SerializeErrorInfo(const ErrorInfo& info) {
  std::unique_ptr<pb::Message> message = New("google.rpc.ErrorInfo");
  Fields fields(message.get());
  fields.SetString("reason", info.reason());
  fields.SetString("domain", info.domain());
  for (const auto& [key, value] : info.metadata()) {
    Fields entry(fields.Add("metadata"));
    entry.SetString("key", key);
    entry.SetString("value", value);
  }
  return message->SerializeAsString();
}

std::optional<ErrorInfo> ParseErrorInfo(absl::string_view bytes) {
  std::unique_ptr<pb::Message> message = New("google.rpc.ErrorInfo");
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return std::nullopt;
  }
  Fields fields(*message);
  std::map<std::string, std::string> metadata;
  for (int i = 0; i < fields.Size("metadata"); ++i) {
    Fields entry(fields.At("metadata", i));
    metadata[entry.String("key")] = entry.String("value");
  }
  return ErrorInfo(fields.String("reason"), fields.String("domain"),
                   std::move(metadata));
}

std::string SerializeRetryInfo(absl::Duration delay) {
  std::unique_ptr<pb::Message> message = New("google.rpc.RetryInfo");
  Fields fields(message.get());
  pb::Message* duration =
      fields.reflection().MutableMessage(message.get(), fields["retry_delay"]);
  Fields parts(duration);
  const int64_t nanos = absl::ToInt64Nanoseconds(delay);
  parts.reflection().SetInt64(duration, parts["seconds"], nanos / 1000000000);
  parts.reflection().SetInt32(duration, parts["nanos"],
                              static_cast<int32_t>(nanos % 1000000000));
  return message->SerializeAsString();
}

std::optional<absl::Duration> ParseRetryInfo(absl::string_view bytes) {
  std::unique_ptr<pb::Message> message = New("google.rpc.RetryInfo");
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return std::nullopt;
  }
  Fields fields(*message);
  const pb::Message& duration =
      fields.reflection().GetMessage(*message, fields["retry_delay"]);
  Fields parts(duration);
  return absl::Seconds(
             parts.reflection().GetInt64(duration, parts["seconds"])) +
         absl::Nanoseconds(
             parts.reflection().GetInt32(duration, parts["nanos"]));
}

namespace {

// The detail of `type_url` in a status's binary details.
std::optional<std::string> DetailOf(const grpc::Status& status,
                                    absl::string_view type_url) {
  std::optional<RpcStatus> details = ParseStatus(status.error_details());
  if (!details) return std::nullopt;
  for (RpcStatus::Detail& detail : details->details) {
    if (detail.type_url == type_url) return std::move(detail.value);
  }
  return std::nullopt;
}

}  // namespace

ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  std::optional<std::string> bytes = DetailOf(status, kErrorInfoUrl);
  if (!bytes) return ErrorInfo();
  return ParseErrorInfo(*bytes).value_or(ErrorInfo());
}

std::optional<absl::Duration> RetryDelayOf(const grpc::Status& status) {
  std::optional<std::string> bytes = DetailOf(status, kRetryInfoUrl);
  if (!bytes) return std::nullopt;
  return ParseRetryInfo(*bytes);
}

}  // namespace customerfake::errors
