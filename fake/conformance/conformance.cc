#include "fake/conformance/conformance.h"

#include <fnmatch.h>
#include <httplib.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fake/conformance/checks.h"
#include "fake/model/json_string.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace customerfake::conformance {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitDiffers = 1;
constexpr int kExitBadUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitInterrupted = 130;

struct Result {
  const Check* check;
  Observation observation;
};

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kDiffers:
      return "differs";
    case Verdict::kSkipped:
      return "skipped";
  }
  return "";
}

bool Selected(const std::string& id, const std::string& only) {
  if (only.empty()) return true;
  if (absl::StrContains(only, '*')) {
    return fnmatch(only.c_str(), id.c_str(), 0) == 0;
  }
  return absl::StartsWith(id, only);
}

// A token from the OAuth token endpoint (client credentials), as MOIA's
// authentication guide gets one.
absl::StatusOr<std::string> FetchToken(const Options& options) {
  const std::string& url = options.token_url;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--token-url ", url, ": use http://HOST:PORT/PATH or https://..."));
  }
  size_t path_start = url.find('/', scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string path =
      path_start == std::string::npos ? "/" : url.substr(path_start);
  size_t colon = options.client.find(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("--client: use CLIENT_ID:SECRET");
  }
  httplib::Client client(origin);
  if (!options.endpoint.tls_ca.empty()) {
    client.set_ca_cert_path(options.endpoint.tls_ca.c_str());
  }
  client.enable_server_certificate_verification(true);
  client.set_basic_auth(options.client.substr(0, colon),
                        options.client.substr(colon + 1));
  auto response = client.Post(path, "grant_type=client_credentials",
                              "application/x-www-form-urlencoded");
  if (!response) {
    return absl::UnavailableError(absl::StrCat(
        "no answer from ", url, ": ", httplib::to_string(response.error())));
  }
  google::protobuf::Struct body;
  if (response->status != 200 ||
      !google::protobuf::util::JsonStringToMessage(response->body, &body)
           .ok() ||
      !body.fields().contains("access_token")) {
    return absl::PermissionDeniedError(absl::StrCat(
        url, " answered HTTP ", response->status, ": ", response->body));
  }
  return body.fields().at("access_token").string_value();
}

void PrintTable(const std::vector<Result>& results, std::ostream& out) {
  size_t width = 5;
  for (const Result& result : results) {
    width = std::max(width, result.check->id.size());
  }
  out << absl::StrFormat("%-*s  %-7s  %s\n", width, "CHECK", "RESULT",
                         "EXPECTED / OBSERVED");
  for (const Result& result : results) {
    out << absl::StrFormat("%-*s  %-7s  %s\n", width, result.check->id,
                           VerdictName(result.observation.verdict),
                           result.check->expected);
    out << absl::StrFormat(
        "%-*s  %-7s  %s: %s\n", width, "", "",
        result.observation.verdict == Verdict::kSkipped ? "why" : "saw",
        result.observation.observed);
  }
}

void PrintJson(const std::vector<Result>& results, int passed, int differ,
               int skipped, const std::vector<std::string>& left,
               std::ostream& out) {
  std::string json = "{\"checks\":[";
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& result = results[i];
    absl::StrAppend(
        &json, i == 0 ? "" : ",",
        "{\"id\":", model::JsonString(result.check->id),
        ",\"expected\":", model::JsonString(result.check->expected),
        ",\"result\":",
        model::JsonString(VerdictName(result.observation.verdict)),
        ",\"observed\":", model::JsonString(result.observation.observed), "}");
  }
  absl::StrAppend(&json, "],\"summary\":{\"passed\":", passed,
                  ",\"differ\":", differ, ",\"skipped\":", skipped,
                  "},\"not_deleted\":[");
  for (size_t i = 0; i < left.size(); ++i) {
    absl::StrAppend(&json, i == 0 ? "" : ",", model::JsonString(left[i]));
  }
  out << json << "]}\n";
}

}  // namespace

int Run(const Options& options, std::ostream& out, std::ostream& err,
        const std::atomic<bool>& interrupted) {
  Endpoint endpoint = options.endpoint;
  if (endpoint.address.empty()) {
    err << "conformance needs --addr HOST:PORT\n";
    return kExitBadUsage;
  }
  if (!options.token_url.empty()) {
    absl::StatusOr<std::string> token = FetchToken(options);
    if (!token.ok()) {
      err << "conformance: " << token.status().message() << "\n";
      return token.status().code() == absl::StatusCode::kInvalidArgument
                 ? kExitBadUsage
                 : kExitUnreachable;
    }
    endpoint.token = *token;
  }
  absl::StatusOr<std::unique_ptr<ApiClient>> client =
      ApiClient::Connect(endpoint);
  if (!client.ok()) {
    err << "conformance: " << client.status().message() << "\n";
    return kExitBadUsage;
  }
  // Reachable at all? Every check would say the same otherwise.
  v1::ListCustomersRequest probe;
  probe.set_page_size(1);
  v1::ListCustomersResponse probed;
  grpc::Status reached = (*client)->Call("ListCustomers", probe, &probed);
  if (reached.error_code() == grpc::StatusCode::UNAVAILABLE ||
      reached.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    err << "conformance: no answer from " << endpoint.address << ": "
        << reached.error_message() << "\n";
    return kExitUnreachable;
  }

  if (std::none_of(Checks().begin(), Checks().end(), [&](const Check& check) {
        return Selected(check.id, options.only);
      })) {
    err << "conformance: --only " << options.only << " matches no check\n";
    return kExitBadUsage;
  }
  Session session(**client, options.flags);
  std::vector<Result> results;
  for (const Check& check : Checks()) {
    if (interrupted) break;
    if (!Selected(check.id, options.only)) continue;
    results.push_back({&check, check.run(session)});
  }
  const std::vector<std::string> left = session.CleanUp();

  int passed = 0, differ = 0, skipped = 0;
  for (const Result& result : results) {
    switch (result.observation.verdict) {
      case Verdict::kPass:
        ++passed;
        break;
      case Verdict::kDiffers:
        ++differ;
        break;
      case Verdict::kSkipped:
        ++skipped;
        break;
    }
  }
  if (options.json) {
    PrintJson(results, passed, differ, skipped, left, out);
  } else {
    PrintTable(results, out);
    out << passed << " passed, " << differ << " differ, " << skipped
        << " skipped\n";
  }
  for (const std::string& id : left) {
    err << "conformance: could not delete customer " << id << "\n";
  }
  if (interrupted) {
    err << "conformance: interrupted; the customers it made are deleted\n";
    return kExitInterrupted;
  }
  return differ == 0 && left.empty() ? kExitOk : kExitDiffers;
}

}  // namespace customerfake::conformance
