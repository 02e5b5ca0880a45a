#include "fake/model/methods.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "moia/ridepooling/customer/v1beta1/customer.pb.h"
#include "moia/trip/customer/v1/customer.pb.h"

namespace customerfake::model {

const std::vector<MethodInfo>& CustomerServiceMethods() {
  static const auto* const methods = [] {
    auto* out = new std::vector<MethodInfo>();
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    for (const google::protobuf::FileDescriptor* file :
         {moia::trip::customer::v1::Customer::descriptor()->file(),
          moia::ridepooling::customer::v1beta1::Customer::descriptor()
              ->file()}) {
      const google::protobuf::ServiceDescriptor* service =
          file->FindServiceByName("CustomerService");
      for (int i = 0; i < service->method_count(); ++i) {
        const google::protobuf::MethodDescriptor* method = service->method(i);
        const bool reads = absl::StartsWith(method->name(), "Get") ||
                           absl::StartsWith(method->name(), "List");
        out->push_back(
            {method->name(),
             absl::StrCat("/", service->full_name(), "/", method->name()),
             factory->GetPrototype(method->input_type()),
             factory->GetPrototype(method->output_type()), !reads});
      }
    }
    return out;
  }();
  return *methods;
}

const MethodInfo* FindMethod(absl::string_view name) {
  for (const MethodInfo& method : CustomerServiceMethods()) {
    if (method.short_name == name || method.full_name == name) return &method;
  }
  return nullptr;
}

absl::string_view ShortMethodName(absl::string_view full_method) {
  size_t slash = full_method.rfind('/');
  return slash == absl::string_view::npos ? full_method
                                          : full_method.substr(slash + 1);
}

bool HasFieldPath(const google::protobuf::Descriptor* type,
                  absl::string_view path) {
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (type == nullptr) return false;
    const google::protobuf::FieldDescriptor* field =
        type->FindFieldByName(std::string(part));
    if (field == nullptr) return false;
    type = field->message_type();
  }
  return true;
}

}  // namespace customerfake::model
