// The access log: the text and JSON line of a call, which levels keep which
// calls, the names the flags accept, and one line per call from a running
// Fake.
#include "fake/core/access_log.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "fake/control/control.h"
#include "fake/server/fake.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "moia/ridepooling/customer/v1beta1/customer.grpc.pb.h"
#include "moia/trip/customer/v1/customer.grpc.pb.h"

namespace customerfake::core {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace v1beta1 = ::moia::ridepooling::customer::v1beta1;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// The non-empty lines of a log.
std::vector<std::string> Lines(const std::ostringstream& out) {
  return absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
}

// A JSON log line as a Struct; fails the test when it is not JSON.
google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << line;
  return parsed;
}

std::string StringField(const google::protobuf::Struct& line,
                        const std::string& name) {
  auto it = line.fields().find(name);
  if (it == line.fields().end()) return "<absent>";
  return it->second.string_value();
}

AccessLog::Entry FailedEntry() {
  AccessLog::Entry entry;
  entry.method = "/moia.trip.customer.v1.CustomerService/GetCustomer";
  entry.ns = "team-a";
  entry.code = "UNAVAILABLE";
  entry.reason = "OUTAGE";
  entry.fault_rule = "rule-1";
  entry.duration = absl::Nanoseconds(12345678);
  entry.failed = true;
  return entry;
}

AccessLog::Entry OkEntry() {
  AccessLog::Entry entry;
  entry.method = "/moia.trip.customer.v1.CustomerService/ListCustomers";
  entry.ns = "default";
  entry.code = "OK";
  entry.duration = absl::Microseconds(250);
  return entry;
}

TEST(AccessLogTest, TextLineHasEveryField) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kInfo, &out);
  log.Call(FailedEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(out.str(), EndsWith("\n"));
  EXPECT_THAT(
      lines[0],
      AllOf(ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z warn "),
            HasSubstr("/moia.trip.customer.v1.CustomerService/GetCustomer"),
            HasSubstr(" ns=team-a"), HasSubstr(" code=UNAVAILABLE"),
            HasSubstr(" reason=OUTAGE"), HasSubstr(" fault_rule=rule-1"),
            HasSubstr(" duration=12.345ms")));
}

// Batched: the calls' lines wait for the writer thread, which Flush and the
// destructor stand in for; a line about the server itself is out at once.
TEST(AccessLogTest, BatchedLinesAreOutAfterFlushInTheirOrder) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kInfo, &out,
                AccessLog::Mode::kBatched);
  log.Call(FailedEntry());
  log.Call(OkEntry());
  log.Flush();

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[0], HasSubstr("CustomerService/GetCustomer"));
  EXPECT_THAT(lines[1], HasSubstr("CustomerService/ListCustomers"));
}

TEST(AccessLogTest, BatchedServerMessageIsOutAtOnceAfterTheCallsBeforeIt) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kInfo, &out,
                AccessLog::Mode::kBatched);
  log.Call(FailedEntry());
  log.Info("listening on 127.0.0.1:1");
  log.Error("cannot write state.yaml");

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], HasSubstr("CustomerService/GetCustomer"));
  EXPECT_THAT(lines[1], EndsWith(" info listening on 127.0.0.1:1"));
  EXPECT_THAT(lines[2], EndsWith(" error cannot write state.yaml"));
}

TEST(AccessLogTest, BatchedLinesAreWrittenWhenTheLogEnds) {
  std::ostringstream out;
  {
    AccessLog log(model::LogFormat::kText, model::LogLevel::kInfo, &out,
                  AccessLog::Mode::kBatched);
    log.Call(OkEntry());
  }
  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0], HasSubstr("CustomerService/ListCustomers"));
}

TEST(AccessLogTest, TextLineOfAnOkCallLeavesOutEmptyReasonAndRule) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kInfo, &out);
  log.Call(OkEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0],
              AllOf(HasSubstr(" info "),
                    HasSubstr("/moia.trip.customer.v1.CustomerService/"
                              "ListCustomers"),
                    HasSubstr(" ns=default"), HasSubstr(" code=OK"),
                    HasSubstr(" duration=250us"), Not(HasSubstr("reason=")),
                    Not(HasSubstr("fault_rule="))));
}

TEST(AccessLogTest, JsonLineParsesWithEveryField) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kJson, model::LogLevel::kInfo, &out);
  log.Call(FailedEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  google::protobuf::Struct line = ParseJson(lines[0]);
  EXPECT_EQ(StringField(line, "method"),
            "/moia.trip.customer.v1.CustomerService/GetCustomer");
  EXPECT_EQ(StringField(line, "namespace"), "team-a");
  EXPECT_EQ(StringField(line, "code"), "UNAVAILABLE");
  EXPECT_EQ(StringField(line, "reason"), "OUTAGE");
  EXPECT_EQ(StringField(line, "fault_rule"), "rule-1");
  EXPECT_EQ(StringField(line, "level"), "warn");
  EXPECT_EQ(StringField(line, "msg"), "call");
  EXPECT_THAT(
      StringField(line, "time"),
      ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"));
  ASSERT_TRUE(line.fields().contains("duration_ms"));
  EXPECT_TRUE(line.fields().at("duration_ms").has_number_value());
  EXPECT_DOUBLE_EQ(line.fields().at("duration_ms").number_value(), 12.345678);
}

TEST(AccessLogTest, JsonKeysComeInAFixedOrder) {
  // Log shippers and people diffing logs rely on it.
  std::ostringstream out;
  AccessLog log(model::LogFormat::kJson, model::LogLevel::kInfo, &out);
  log.Call(FailedEntry());
  log.Call(OkEntry());
  log.Info("started");
  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(3));
  auto keys = [](const std::string& line) {
    // The values here hold no '":', so each one ends a key.
    std::vector<std::string> found;
    for (size_t end = line.find("\":"); end != std::string::npos;
         end = line.find("\":", end + 2)) {
      size_t start = line.rfind('"', end - 1) + 1;
      found.push_back(line.substr(start, end - start));
    }
    return found;
  };
  EXPECT_THAT(
      keys(lines[0]),
      ::testing::ElementsAre("time", "level", "msg", "method", "namespace",
                             "code", "reason", "fault_rule", "duration_ms"));
  EXPECT_THAT(keys(lines[1]),
              ::testing::ElementsAre("time", "level", "msg", "method",
                                     "namespace", "code", "duration_ms"));
  EXPECT_THAT(keys(lines[2]), ::testing::ElementsAre("time", "level", "msg"));
}

TEST(AccessLogTest, JsonLineOfAnOkCallIsAtInfo) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kJson, model::LogLevel::kInfo, &out);
  log.Call(OkEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  google::protobuf::Struct line = ParseJson(lines[0]);
  EXPECT_EQ(StringField(line, "level"), "info");
  EXPECT_EQ(StringField(line, "code"), "OK");
  EXPECT_EQ(StringField(line, "namespace"), "default");
  EXPECT_DOUBLE_EQ(line.fields().at("duration_ms").number_value(), 0.25);
}

TEST(AccessLogTest, DebugAndInfoKeepEveryCall) {
  for (model::LogLevel level :
       {model::LogLevel::kDebug, model::LogLevel::kInfo}) {
    std::ostringstream out;
    AccessLog log(model::LogFormat::kText, level, &out);
    EXPECT_TRUE(log.enabled());
    log.Call(OkEntry());
    log.Call(FailedEntry());
    std::vector<std::string> lines = Lines(out);
    ASSERT_THAT(lines, SizeIs(2));
    EXPECT_THAT(lines[0], HasSubstr("code=OK"));
    EXPECT_THAT(lines[1], HasSubstr("code=UNAVAILABLE"));
  }
}

TEST(AccessLogTest, WarnKeepsFailedCallsOnly) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kWarn, &out);
  EXPECT_TRUE(log.enabled());
  log.Call(OkEntry());
  log.Call(FailedEntry());
  log.Call(OkEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0],
              AllOf(HasSubstr(" warn "), HasSubstr("code=UNAVAILABLE")));
}

TEST(AccessLogTest, WarnKeepsFailedCallsOnlyInJson) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kJson, model::LogLevel::kWarn, &out);
  log.Call(OkEntry());
  log.Call(FailedEntry());

  std::vector<std::string> lines = Lines(out);
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_EQ(StringField(ParseJson(lines[0]), "code"), "UNAVAILABLE");
}

TEST(AccessLogTest, ErrorAndOffWriteNoCallLines) {
  // Failed calls are logged at warn, so above warn no call is written.
  for (model::LogLevel level :
       {model::LogLevel::kError, model::LogLevel::kOff}) {
    for (model::LogFormat format :
         {model::LogFormat::kText, model::LogFormat::kJson}) {
      std::ostringstream out;
      AccessLog log(format, level, &out);
      EXPECT_FALSE(log.enabled());
      log.Call(OkEntry());
      log.Call(FailedEntry());
      EXPECT_THAT(out.str(), IsEmpty());
    }
  }
}

TEST(AccessLogTest, OffSuppressesServerLinesToo) {
  std::ostringstream out;
  AccessLog log(model::LogFormat::kText, model::LogLevel::kOff, &out);
  log.Info("started");
  EXPECT_THAT(out.str(), IsEmpty());
}

TEST(AccessLogTest, InfoLineInBothFormats) {
  std::ostringstream text;
  AccessLog(model::LogFormat::kText, model::LogLevel::kInfo, &text)
      .Info("listening");
  EXPECT_THAT(text.str(), AllOf(HasSubstr(" info listening"), EndsWith("\n")));

  std::ostringstream json;
  AccessLog(model::LogFormat::kJson, model::LogLevel::kInfo, &json)
      .Info("listening");
  std::vector<std::string> lines = Lines(json);
  ASSERT_THAT(lines, SizeIs(1));
  google::protobuf::Struct line = ParseJson(lines[0]);
  EXPECT_EQ(StringField(line, "level"), "info");
  EXPECT_EQ(StringField(line, "msg"), "listening");

  std::ostringstream warn;
  AccessLog(model::LogFormat::kText, model::LogLevel::kWarn, &warn)
      .Info("listening");
  EXPECT_THAT(warn.str(), IsEmpty());
}

TEST(AccessLogTest, ParseLogFormatAcceptsTheDocumentedNames) {
  model::LogFormat format = model::LogFormat::kJson;
  ASSERT_TRUE(model::ParseLogFormat("text", &format));
  EXPECT_EQ(format, model::LogFormat::kText);
  ASSERT_TRUE(model::ParseLogFormat("json", &format));
  EXPECT_EQ(format, model::LogFormat::kJson);
  for (const char* bad : {"", "TEXT", "Json", "yaml", "text ", "logfmt"}) {
    EXPECT_FALSE(model::ParseLogFormat(bad, &format)) << "\"" << bad << "\"";
  }
}

TEST(AccessLogTest, ParseLogLevelAcceptsTheDocumentedNames) {
  const std::vector<std::pair<const char*, model::LogLevel>> good = {
      {"debug", model::LogLevel::kDebug},
      {"info", model::LogLevel::kInfo},
      {"warn", model::LogLevel::kWarn},
      {"error", model::LogLevel::kError},
      {"off", model::LogLevel::kOff}};
  for (const auto& [name, expected] : good) {
    model::LogLevel level = expected == model::LogLevel::kOff
                                ? model::LogLevel::kDebug
                                : model::LogLevel::kOff;
    ASSERT_TRUE(model::ParseLogLevel(name, &level)) << name;
    EXPECT_EQ(level, expected) << name;
  }
  model::LogLevel level = model::LogLevel::kInfo;
  for (const char* bad :
       {"", "INFO", "warning", "fatal", "trace", "none", "0", " info"}) {
    EXPECT_FALSE(model::ParseLogLevel(bad, &level)) << "\"" << bad << "\"";
  }
}

// A running Fake with log_stream set: exactly one line per CustomerService
// call, with the right method, namespace, code, reason and fault rule.
class FakeAccessLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Fake> Start(model::LogFormat format) {
    FakeOptions options;
    options.log_format = format;
    options.log_level = model::LogLevel::kInfo;
    options.log_stream = &out_;
    auto started = Fake::Start(std::move(options));
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *std::move(started) : nullptr;
  }

  // Starts a fake logging in `format`, makes the four calls, stops it and
  // returns the lines it wrote; empty when it did not start.
  std::vector<std::string> LogOfCalls(model::LogFormat format) {
    std::unique_ptr<Fake> fake = Start(format);
    if (fake == nullptr) return {};
    MakeCalls(*fake);
    fake->Shutdown(absl::ZeroDuration());
    fake->Wait();
    return Lines(out_);
  }

  static std::unique_ptr<grpc::ClientContext> In(const std::string& ns) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-fake-namespace", ns);
    context->AddMetadata("authorization", "Bearer log-token");
    return context;
  }

  // Four calls: a create (OK), a Get of an unknown id (NOT_FOUND), a faulted
  // Get (UNAVAILABLE with the rule's id), and a v1beta1 list (OK).
  void MakeCalls(Fake& fake) {
    ASSERT_TRUE(fake.control()
                    .AddFaultRuleYaml("logs",
                                      "{id: flaky, method: GetCustomer, skip: "
                                      "1, times: 1, action: {code: "
                                      "UNAVAILABLE, reason: OUTAGE}}")
                    .ok());
    auto stub = v1::CustomerService::NewStub(fake.InProcessChannel());
    v1::CreateCustomerRequest create;
    create.set_given_name("Log");
    create.set_email_address("log@example.com");
    create.set_language_code("en");
    create.set_phone_number("+4915112345678");
    v1::CreateCustomerResponse created;
    EXPECT_TRUE(stub->CreateCustomer(In("logs").get(), create, &created).ok());
    v1::GetCustomerRequest get;
    get.set_id("00000000-0000-4000-8000-000000000000");
    v1::GetCustomerResponse got;
    EXPECT_EQ(stub->GetCustomer(In("logs").get(), get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(stub->GetCustomer(In("logs").get(), get, &got).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    auto beta = v1beta1::CustomerService::NewStub(fake.InProcessChannel());
    v1beta1::ListCustomersResponse listed;
    EXPECT_TRUE(beta->ListCustomers(In("beta-logs").get(),
                                    v1beta1::ListCustomersRequest(), &listed)
                    .ok());
  }

  std::ostringstream out_;
};

TEST_F(FakeAccessLogTest, TextWritesOneLinePerCall) {
  std::vector<std::string> lines = LogOfCalls(model::LogFormat::kText);
  ASSERT_THAT(lines, SizeIs(4)) << out_.str();
  EXPECT_THAT(lines[0],
              AllOf(HasSubstr(" info "),
                    HasSubstr("/moia.trip.customer.v1.CustomerService/"
                              "CreateCustomer"),
                    HasSubstr(" ns=logs"), HasSubstr(" code=OK"),
                    HasSubstr(" duration="), Not(HasSubstr("reason=")),
                    Not(HasSubstr("fault_rule="))));
  EXPECT_THAT(
      lines[1],
      AllOf(HasSubstr(" warn "),
            HasSubstr("/moia.trip.customer.v1.CustomerService/GetCustomer"),
            HasSubstr(" ns=logs"), HasSubstr(" code=NOT_FOUND"),
            HasSubstr(" reason=CUSTOMER_NOT_FOUND"),
            Not(HasSubstr("fault_rule=")), HasSubstr(" duration=")));
  EXPECT_THAT(
      lines[2],
      AllOf(HasSubstr(" warn "),
            HasSubstr("/moia.trip.customer.v1.CustomerService/GetCustomer"),
            HasSubstr(" ns=logs"), HasSubstr(" code=UNAVAILABLE"),
            HasSubstr(" reason=OUTAGE"), HasSubstr(" fault_rule=flaky"),
            HasSubstr(" duration=")));
  EXPECT_THAT(lines[3],
              AllOf(HasSubstr(" info "),
                    HasSubstr("/moia.ridepooling.customer.v1beta1."
                              "CustomerService/ListCustomers"),
                    HasSubstr(" ns=beta-logs"), HasSubstr(" code=OK")));
}

TEST_F(FakeAccessLogTest, JsonWritesOneParsableLinePerCall) {
  std::vector<std::string> lines = LogOfCalls(model::LogFormat::kJson);
  ASSERT_THAT(lines, SizeIs(4)) << out_.str();
  struct Expected {
    const char* level;
    const char* method;
    const char* ns;
    const char* code;
    const char* reason;
    const char* fault_rule;
  };
  const Expected expected[] = {
      {"info", "/moia.trip.customer.v1.CustomerService/CreateCustomer", "logs",
       "OK", "<absent>", "<absent>"},
      {"warn", "/moia.trip.customer.v1.CustomerService/GetCustomer", "logs",
       "NOT_FOUND", "CUSTOMER_NOT_FOUND", "<absent>"},
      {"warn", "/moia.trip.customer.v1.CustomerService/GetCustomer", "logs",
       "UNAVAILABLE", "OUTAGE", "flaky"},
      {"info",
       "/moia.ridepooling.customer.v1beta1.CustomerService/ListCustomers",
       "beta-logs", "OK", "<absent>", "<absent>"},
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    google::protobuf::Struct line = ParseJson(lines[i]);
    EXPECT_EQ(StringField(line, "msg"), "call");
    EXPECT_EQ(StringField(line, "level"), expected[i].level);
    EXPECT_EQ(StringField(line, "method"), expected[i].method);
    EXPECT_EQ(StringField(line, "namespace"), expected[i].ns);
    EXPECT_EQ(StringField(line, "code"), expected[i].code);
    EXPECT_EQ(StringField(line, "reason"), expected[i].reason);
    EXPECT_EQ(StringField(line, "fault_rule"), expected[i].fault_rule);
    ASSERT_TRUE(line.fields().contains("duration_ms"));
    EXPECT_GE(line.fields().at("duration_ms").number_value(), 0.0);
  }
}

}  // namespace
}  // namespace customerfake::core
