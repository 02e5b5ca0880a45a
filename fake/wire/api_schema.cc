#include "fake/wire/api_schema.h"

#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fake/errors/bundled_protos.h"

namespace customerfake::wire {
namespace {

namespace pb = ::google::protobuf;

constexpr char kV1File[] = "moia/trip/customer/v1/customer.proto";
constexpr char kV1Beta1File[] =
    "moia/ridepooling/customer/v1beta1/customer.proto";
constexpr char kV1Service[] = "moia.trip.customer.v1.CustomerService";
constexpr char kV1Beta1Service[] =
    "moia.ridepooling.customer.v1beta1.CustomerService";
// Where Debian's libprotobuf-dev puts the well-known types' .proto files.
constexpr char kDebianProtos[] = "/usr/include/google/protobuf";

// Tries each source tree in turn.
class FallbackSourceTree : public pb::compiler::SourceTree {
 public:
  explicit FallbackSourceTree(std::vector<pb::compiler::SourceTree*> trees)
      : trees_(std::move(trees)) {}
  pb::io::ZeroCopyInputStream* Open(const std::string& filename) override {
    for (pb::compiler::SourceTree* tree : trees_) {
      if (pb::io::ZeroCopyInputStream* file = tree->Open(filename)) {
        return file;
      }
    }
    return nullptr;
  }
  std::string GetLastErrorMessage() override { return "File not found."; }

 private:
  std::vector<pb::compiler::SourceTree*> trees_;
};

// Names a file as its reader finds it: its path in the folder, unless the
// binary has it (the well-known types, google.rpc, the bundled v1beta1).
class FileNamer {
 public:
  FileNamer() = default;
  FileNamer(std::string dir, pb::compiler::DiskSourceTree* folder)
      : dir_(std::move(dir)), folder_(folder) {}
  std::string operator()(const std::string& virtual_name,
                         bool from_folder) const {
    std::string disk;
    if (folder_ != nullptr &&
        folder_->VirtualFileToDiskFile(virtual_name, &disk)) {
      return disk;
    }
    if (from_folder) return absl::StrCat(dir_, "/", virtual_name);
    return absl::StrCat("(bundled) ", virtual_name);
  }

 private:
  std::string dir_;
  pb::compiler::DiskSourceTree* folder_ = nullptr;
};

// Collects the importer's errors (syntax, unresolved imports, missing
// files) as lines.
class ErrorLines : public pb::compiler::MultiFileErrorCollector {
 public:
  explicit ErrorLines(FileNamer namer) : namer_(std::move(namer)) {}
  void AddError(const std::string& filename, int line, int column,
                const std::string& message) override {
    // A file the importer looked for and did not find was looked for in
    // the folder first: name it there.
    const std::string file = namer_(filename, /*from_folder=*/true);
    lines_.push_back(line < 0 ? absl::StrCat(file, ": ", message)
                              : absl::StrCat(file, ":", line + 1, ":",
                                             column + 1, ": ", message));
  }
  std::vector<std::string>& lines() { return lines_; }

 private:
  FileNamer namer_;
  std::vector<std::string> lines_;
};

std::string FormatMismatch(const Mismatch& mismatch, const FileNamer& namer,
                           const pb::DescriptorPool* folder_pool) {
  std::string where =
      namer(mismatch.file->name(), mismatch.file->pool() == folder_pool);
  if (mismatch.line > 0) {
    absl::StrAppend(&where, ":", mismatch.line, ":", mismatch.column);
  }
  return absl::StrCat(where, ": ", mismatch.element, ": ", mismatch.message);
}

// The fake's CustomerService methods of v1, whose handlers serve every
// version.
std::vector<const model::MethodInfo*> FakeMethods() {
  std::vector<const model::MethodInfo*> methods;
  for (const model::MethodInfo& method : model::CustomerServiceMethods()) {
    if (absl::StartsWith(method.full_name,
                         absl::StrCat("/", kV1Service, "/"))) {
      methods.push_back(&method);
    }
  }
  return methods;
}

}  // namespace

// The files read from a folder, and what read them.
struct ApiSchema::Loaded {
  pb::compiler::DiskSourceTree folder;
  pb::compiler::DiskSourceTree debian;
  errors::BundledSourceTree bundled;
  FallbackSourceTree tree{{&folder, &debian, &bundled}};
  std::unique_ptr<ErrorLines> errors;
  std::unique_ptr<pb::compiler::Importer> importer;
};

ApiSchema::ApiSchema() = default;
ApiSchema::~ApiSchema() = default;

const pb::DescriptorPool* ApiSchema::pool() const {
  return loaded_ == nullptr ? nullptr : loaded_->importer->pool();
}

absl::StatusOr<std::unique_ptr<ApiSchema>> ApiSchema::Bundled() {
  std::unique_ptr<ApiSchema> schema(new ApiSchema());
  const pb::DescriptorPool& generated = *pb::DescriptorPool::generated_pool();
  std::vector<Mismatch> mismatches;
  schema->MatchServices(generated.FindFileByName(kV1File),
                        generated.FindFileByName(kV1Beta1File), &mismatches);
  if (!mismatches.empty()) {
    std::vector<std::string> lines;
    for (const Mismatch& mismatch : mismatches) {
      lines.push_back(FormatMismatch(mismatch, FileNamer(), nullptr));
    }
    return absl::InternalError(
        absl::StrCat("the bundled protos do not fit together:\n",
                     absl::StrJoin(lines, "\n")));
  }
  return schema;
}

absl::StatusOr<std::unique_ptr<ApiSchema>> ApiSchema::Load(
    const std::string& folder) {
  std::string dir = folder;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!std::filesystem::is_directory(dir)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the protos folder ", dir,
                     " does not exist (it should hold ", kV1File, ")"));
  }
  std::unique_ptr<ApiSchema> schema(new ApiSchema());
  schema->loaded_ = std::make_unique<Loaded>();
  Loaded& loaded = *schema->loaded_;
  loaded.folder.MapPath("", dir);
  if (std::filesystem::is_directory(kDebianProtos)) {
    loaded.debian.MapPath("google/protobuf", kDebianProtos);
  }
  FileNamer namer(dir, &loaded.folder);
  loaded.errors = std::make_unique<ErrorLines>(namer);
  loaded.importer = std::make_unique<pb::compiler::Importer>(
      &loaded.tree, loaded.errors.get());
  std::vector<std::string>& problems = loaded.errors->lines();

  const pb::FileDescriptor* v1 = loaded.importer->Import(kV1File);
  const pb::FileDescriptor* v1beta1 = nullptr;
  std::string v1beta1_path;
  if (loaded.folder.VirtualFileToDiskFile(kV1Beta1File, &v1beta1_path)) {
    v1beta1 = loaded.importer->Import(kV1Beta1File);
  } else {
    v1beta1 =
        pb::DescriptorPool::generated_pool()->FindFileByName(kV1Beta1File);
  }
  if (v1 != nullptr && v1beta1 != nullptr) {
    std::vector<Mismatch> mismatches;
    schema->MatchServices(v1, v1beta1, &mismatches);
    for (const Mismatch& mismatch : mismatches) {
      problems.push_back(
          FormatMismatch(mismatch, namer, loaded.importer->pool()));
    }
  } else if (v1 == nullptr && problems.empty()) {
    problems.push_back(absl::StrCat(namer(kV1File, true), ": not found"));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the protos in ", dir, " do not fit the fake:\n",
                     absl::StrJoin(problems, "\n")));
  }
  return schema;
}

void ApiSchema::MatchServices(const pb::FileDescriptor* v1,
                              const pb::FileDescriptor* v1beta1,
                              std::vector<Mismatch>* mismatches) {
  const std::vector<const model::MethodInfo*> fake_methods = FakeMethods();
  for (auto [file, name] : {std::make_pair(v1, kV1Service),
                            std::make_pair(v1beta1, kV1Beta1Service)}) {
    const pb::ServiceDescriptor* declared =
        file->pool()->FindServiceByName(name);
    if (declared == nullptr || declared->file() != file) {
      mismatches->push_back(
          At(file, nullptr, name,
             "the fake needs this service, the file declares none"));
      continue;
    }
    ServiceWire service;
    service.declared = declared;
    service.rich_errors = declared->full_name() == kV1Service;
    for (const model::MethodInfo* ours : fake_methods) {
      const std::string element =
          absl::StrCat(declared->full_name(), ".", ours->short_name);
      const pb::MethodDescriptor* method =
          declared->FindMethodByName(ours->short_name);
      if (method == nullptr) {
        mismatches->push_back(
            At(declared, element,
               absl::StrCat("the fake needs a unary method ", ours->short_name,
                            ", the file declares none")));
        continue;
      }
      if (method->client_streaming() || method->server_streaming()) {
        mismatches->push_back(
            At(method, element,
               "the fake needs a unary method, the file declares a "
               "streaming one"));
        continue;
      }
      MethodWire wire;
      wire.full_name =
          absl::StrCat("/", declared->full_name(), "/", method->name());
      wire.method = ours;
      const size_t before = maps_.mismatches().size();
      const FieldMap* request = maps_.Match(
          ours->request_prototype->GetDescriptor(), method->input_type());
      const FieldMap* response = maps_.Match(
          ours->response_prototype->GetDescriptor(), method->output_type());
      if (maps_.mismatches().size() != before) continue;
      wire.request = {method->input_type(), request};
      wire.response = {method->output_type(), response};
      service.methods.push_back(std::move(wire));
    }
    for (int i = 0; i < declared->method_count(); ++i) {
      if (model::FindMethod(declared->method(i)->name()) == nullptr) {
        unknown_.push_back(declared->method(i)->full_name());
      }
    }
    services_.push_back(std::move(service));
  }
  mismatches->insert(mismatches->end(), maps_.mismatches().begin(),
                     maps_.mismatches().end());
  std::vector<std::string> fields = maps_.unknown();
  unknown_.insert(unknown_.end(), fields.begin(), fields.end());
}

}  // namespace customerfake::wire
