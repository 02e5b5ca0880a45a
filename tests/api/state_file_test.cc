// The sandbox's state file: a fake started again on the file it wrote carries
// on where the first one stopped (customers, flags, rules, loaded baselines
// and the id sequence); the file is rewritten while the state changes; a file
// that cannot be used stops the start instead of being replaced.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "customerfake/control/v1/control.grpc.pb.h"
#include "fake/control/control.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/server/state_keeper.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
namespace cv1 = ::customerfake::control::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Stub = v1::CustomerService::Stub;

constexpr char kScenario[] = R"(version: 1
settings: {id_seed: 42}
customers:
  - given_name: Ada
    family_name: Tester
    email_address: ada@example.com
    language_code: de
    phone_number: "+4997259173740"
)";

constexpr char kTeamScenario[] = R"(version: 1
settings: {id_seed: 7}
customers:
  - given_name: Bea
    family_name: Tester
    email_address: bea@example.com
    language_code: en
    phone_number: "+4997259173741"
)";

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "state-",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "state.yaml").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  absl::StatusOr<std::unique_ptr<Fake>> Start(
      absl::Duration interval = absl::Hours(1)) {
    FakeOptions options;
    absl::StatusOr<model::Scenario> scenario =
        scenario::ParseScenario(kScenario, "test");
    if (!scenario.ok()) return scenario.status();
    options.scenario = *scenario;
    options.state_file = path_;
    options.state_interval = interval;
    return Fake::Start(std::move(options));
  }

  static std::string Create(Fake& fake, const std::string& ns,
                            const std::string& given) {
    auto stub = v1::CustomerService::NewStub(fake.InProcessChannel());
    v1::CreateCustomerRequest request;
    request.set_given_name(given);
    request.set_family_name("Tester");
    request.set_email_address("x@example.com");
    request.set_language_code("en");
    request.set_phone_number("+4997259173740");
    v1::CreateCustomerResponse response;
    grpc::Status status =
        stub->CreateCustomer(ContextFor(ns, "t").get(), request, &response);
    EXPECT_THAT(status, IsOk());
    return response.customer().id();
  }

  static std::string Export(Fake& fake, const std::string& ns) {
    absl::StatusOr<std::string> yaml = fake.control().ExportState(ns);
    EXPECT_TRUE(yaml.ok()) << yaml.status();
    return yaml.ok() ? *yaml : "";
  }

  std::string FileText() const {
    std::ifstream file(path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(StateFileTest, ARestartCarriesOnWhereTheLastRunStopped) {
  std::string default_state, team_state, created;
  {
    absl::StatusOr<std::unique_ptr<Fake>> fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    EXPECT_FALSE((*fake)->state_restored());  // no file yet
    Fake& f = **fake;
    created = Create(f, "default", "Cy");
    ASSERT_TRUE(
        f.control()
            .AddFaultRuleYaml(
                "default", "method: GetCustomer\naction: {code: UNAVAILABLE}")
            .ok());
    ASSERT_TRUE(f.control().LoadScenario("team", kTeamScenario).ok());
    Create(f, "team", "Dee");
    default_state = Export(f, "default");
    team_state = Export(f, "team");
    f.Shutdown();
    f.Wait();
    EXPECT_TRUE(f.SaveState().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(path_));

  absl::StatusOr<std::unique_ptr<Fake>> again = Start();
  ASSERT_TRUE(again.ok()) << again.status();
  Fake& f = **again;
  EXPECT_TRUE(f.state_restored());
  EXPECT_EQ(f.control().ListNamespaces(),
            (std::vector<std::string>{"default", "team"}));
  EXPECT_EQ(Export(f, "default"), default_state);
  EXPECT_EQ(Export(f, "team"), team_state);
  EXPECT_THAT(default_state, HasSubstr(created));
  EXPECT_THAT(default_state, HasSubstr("UNAVAILABLE"));

  // A reset goes back to the namespace's own loaded scenario, not the
  // server's, and its ids continue the loaded scenario's sequence.
  ASSERT_TRUE(f.control().Reset("team").ok());
  std::string team_reset = Export(f, "team");
  EXPECT_THAT(team_reset, HasSubstr("Bea"));
  EXPECT_THAT(team_reset, ::testing::Not(HasSubstr("Dee")));
  EXPECT_THAT(team_reset, ::testing::Not(HasSubstr("Ada")));
}

// Right after a LoadScenario a namespace's state is its baseline: the file
// holds its text once, which the restore reads once and shares.
TEST_F(StateFileTest, AStateThatIsItsLoadedBaselineComesBackAsBoth) {
  std::string team_state;
  {
    absl::StatusOr<std::unique_ptr<Fake>> fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    Fake& f = **fake;
    ASSERT_TRUE(f.control().LoadScenario("team", kTeamScenario).ok());
    team_state = Export(f, "team");
    f.Shutdown();
    f.Wait();
    ASSERT_TRUE(f.SaveState().ok());
  }
  absl::StatusOr<std::unique_ptr<Fake>> again = Start();
  ASSERT_TRUE(again.ok()) << again.status();
  Fake& f = **again;
  EXPECT_EQ(Export(f, "team"), team_state);
  // A change is the namespace's own; a reset undoes it, back to the same.
  const std::string created = Create(f, "team", "Dee");
  EXPECT_THAT(Export(f, "team"), HasSubstr(created));
  ASSERT_TRUE(f.control().Reset("team").ok());
  EXPECT_EQ(Export(f, "team"), team_state);
}

TEST_F(StateFileTest, IdsContinueTheSequenceInsteadOfRepeatingIt) {
  // Two runs with a restart between them give the ids one run without a
  // restart gives: the seeded sequence resumes, it does not start over (which
  // would hand out the id of a customer that exists).
  std::string first, second;
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    first = Create(**fake, "default", "One");
    (*fake)->Shutdown();
  }
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    second = Create(**fake, "default", "Two");
    (*fake)->Shutdown();
  }
  std::filesystem::remove(path_);
  auto reference = Start();
  ASSERT_TRUE(reference.ok()) << reference.status();
  EXPECT_EQ(Create(**reference, "default", "One"), first);
  EXPECT_EQ(Create(**reference, "default", "Two"), second);
  EXPECT_NE(first, second);
}

TEST_F(StateFileTest, IdsAnsweredAfterTheLastWriteAreNotReusedAfterACrash) {
  // A crash (SIGKILL) leaves the file of the last periodic write; the ids
  // answered after it must not name other customers after the restart.
  std::vector<std::string> answered;
  std::string at_crash;
  {
    auto fake = Start(absl::Milliseconds(50));
    ASSERT_TRUE(fake.ok()) << fake.status();
    answered.push_back(Create(**fake, "default", "Saved"));
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (FileText().find(answered[0]) == std::string::npos &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    at_crash = FileText();
    ASSERT_THAT(at_crash, HasSubstr(answered[0]));
    for (int i = 0; i < 5; ++i) {
      answered.push_back(Create(**fake, "default", "Unsaved"));
    }
    (*fake)->Shutdown();
  }
  std::ofstream(path_, std::ios::trunc) << at_crash;
  auto restarted = Start();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_THAT(Export(**restarted, "default"),
              ::testing::Not(HasSubstr("Unsaved")));
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(answered, ::testing::Not(::testing::Contains(
                              Create(**restarted, "default", "After"))));
  }
}

// A restart reserves ids ahead before the first call by marking the file it
// restored `resumed` (five bytes overwritten in place), not by writing the
// whole state again; the shutdown writes it whole, the sequences exact.
TEST_F(StateFileTest, ARestartMarksTheFileItRestoredInPlace) {
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    Create(**fake, "default", "One");
    (*fake)->Shutdown();
  }
  const std::string written = FileText();
  ASSERT_THAT(written, HasSubstr("\nresumed: false\n"));
  struct stat before;
  ASSERT_EQ(stat(path_.c_str(), &before), 0);
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    struct stat after;
    ASSERT_EQ(stat(path_.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);  // not replaced by a rename
    EXPECT_EQ(FileText(),
              absl::StrReplaceAll(
                  written, {{"\nresumed: false\n", "\nresumed: true \n"}}));
    (*fake)->Shutdown();
  }
  EXPECT_EQ(FileText(), written);  // nothing changed in between
}

// A crash after a restart and before any write leaves the file marked: the
// next restart cannot know which ids the crashed run answered, so every
// sequence skips StateKeeper::kIdReserve, and the whole file is written
// before the first call, reserved ahead of that.
TEST_F(StateFileTest, ACrashBeforeTheFirstWriteAfterARestartReusesNoId) {
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    Create(**fake, "default", "One");
    (*fake)->Shutdown();
  }
  std::vector<std::string> answered;
  std::string marked;
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    marked = FileText();
    for (int i = 0; i < 5; ++i) {
      answered.push_back(Create(**fake, "default", "Unsaved"));
    }
    (*fake)->Shutdown();
  }
  // Two ids drawn: Ada's, generated at load, and One's.
  ASSERT_THAT(marked, HasSubstr("\nresumed: true \n"));
  ASSERT_THAT(marked, HasSubstr("ids: {seed: 42, drawn: 2}"));
  std::ofstream(path_, std::ios::trunc) << marked;  // what the crash left
  auto restarted = Start();
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  const std::string rewritten = FileText();
  EXPECT_THAT(rewritten, HasSubstr("\nresumed: false\n"));
  EXPECT_THAT(rewritten,
              HasSubstr(absl::StrCat("ids: {seed: 42, drawn: ",
                                     2 + 2 * StateKeeper::kIdReserve, "}")));
  EXPECT_THAT(Export(**restarted, "default"),
              ::testing::Not(HasSubstr("Unsaved")));
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(answered, ::testing::Not(::testing::Contains(
                              Create(**restarted, "default", "After"))));
  }
}

TEST_F(StateFileTest, TheFileIsRewrittenWhileTheStateChanges) {
  // What a crash would leave: the file as it is while the fake still runs.
  auto fake = Start(absl::Milliseconds(50));
  ASSERT_TRUE(fake.ok()) << fake.status();
  std::string id = Create(**fake, "default", "Eve");
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (FileText().find(id) == std::string::npos && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(FileText(), HasSubstr(id));
  // No temporary files are left beside it.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(StateFileTest, UnchangedStateIsNotRewritten) {
  auto fake = Start(absl::Milliseconds(20));
  ASSERT_TRUE(fake.ok()) << fake.status();
  Create(**fake, "default", "Fay");
  ASSERT_TRUE((*fake)->SaveState().ok());
  std::filesystem::remove(path_);
  absl::SleepFor(absl::Milliseconds(200));  // ten intervals, no change
  EXPECT_FALSE(std::filesystem::exists(path_));
}

// GetServerStatus: how the writes go, for `customer-fake health`. A folder
// that has gone away stands for a disk that takes no writes (the tests as
// root use a full and a read-only tmpfs: tests/python/test_state_disk.py).
TEST_F(StateFileTest, ServerStatusShowsAFailingWriteUntilOneSucceeds) {
  FakeOptions options;
  options.state_file = path_;
  options.state_interval = absl::Hours(1);
  options.control_token = "s3cret";  // not needed for the status
  auto fake = Fake::Start(std::move(options));
  ASSERT_TRUE(fake.ok()) << fake.status();
  auto control = cv1::ControlService::NewStub((*fake)->InProcessChannel());
  auto status = [&] {
    grpc::ClientContext context;
    cv1::GetServerStatusResponse response;
    EXPECT_THAT(control->GetServerStatus(&context, {}, &response), IsOk());
    return response;
  };
  cv1::GetServerStatusResponse first = status();
  ASSERT_TRUE(first.has_state_file());
  EXPECT_EQ(first.state_file().path(), path_);
  EXPECT_TRUE(first.state_file().has_last_written());  // the start's write
  EXPECT_FALSE(first.state_file().has_failure());

  std::filesystem::remove_all(dir_);
  Create(**fake, "default", "Gil");
  const absl::Time before = absl::Now();
  absl::Status saved = (*fake)->SaveState();
  EXPECT_EQ(saved.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(saved.message(), HasSubstr("No such file or directory"));
  Create(**fake, "default", "Hal");
  EXPECT_FALSE((*fake)->SaveState().ok());
  cv1::GetServerStatusResponse failing = status();
  const std::string temp = absl::StrCat(path_, ".tmp.", getpid());
  EXPECT_EQ(failing.state_file().last_written().seconds(),
            first.state_file().last_written().seconds());
  const cv1::StateFileFailure& failure = failing.state_file().failure();
  EXPECT_EQ(failure.operation(), "create");
  EXPECT_EQ(failure.file(), temp);
  EXPECT_EQ(failure.error(), "No such file or directory");
  EXPECT_EQ(failure.message(),
            absl::StrCat("cannot write ", temp, ": No such file or directory"));
  EXPECT_EQ(failure.failed_writes(), 2);
  EXPECT_GE(failure.since().seconds(), absl::ToUnixSeconds(before) - 1);

  std::filesystem::create_directories(dir_);
  EXPECT_TRUE((*fake)->SaveState().ok());
  cv1::GetServerStatusResponse written = status();
  EXPECT_FALSE(written.state_file().has_failure());
  EXPECT_GE(written.state_file().last_written().seconds(),
            failure.since().seconds());
  EXPECT_THAT(FileText(), HasSubstr("Hal"));
}

TEST_F(StateFileTest, ServerStatusWithoutAStateFileHasNone) {
  auto fake = Fake::Start(FakeOptions());
  ASSERT_TRUE(fake.ok()) << fake.status();
  grpc::ClientContext context;
  cv1::GetServerStatusResponse response;
  EXPECT_THAT(cv1::ControlService::NewStub((*fake)->InProcessChannel())
                  ->GetServerStatus(&context, {}, &response),
              IsOk());
  EXPECT_FALSE(response.has_state_file());
}

TEST_F(StateFileTest, ACorruptFileStopsTheStartAndIsKept) {
  const std::string corrupt =
      "format: customer-fake-state\nversion: 1\nnamespaces: [\n";
  std::ofstream(path_) << corrupt;
  auto fake = Start();
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(fake.status().message()),
      StartsWith(absl::StrCat(path_,
                              ": not a usable state file; fix it, "
                              "or move it away to start from the "
                              "scenario:\n",
                              path_, ":4:1: (document): not valid YAML")));
  EXPECT_EQ(FileText(), corrupt);
}

TEST_F(StateFileTest, AnUnreadableFileStopsTheStart) {
  std::filesystem::create_directories(path_);  // a folder where the file goes
  auto fake = Start();
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(fake.status().message()),
            absl::StrCat(path_,
                         ": cannot read the state file: not a regular file "
                         "(refusing to start without it)"));
}

TEST_F(StateFileTest, AFirstStartWritesTheFileOrFailsAtOnce) {
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    EXPECT_THAT(FileText(), HasSubstr("format: customer-fake-state"));
  }
  path_ = (dir_ / "no-such-folder" / "state.yaml").string();
  auto fake = Start();
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(fake.status().message()),
              StartsWith(absl::StrCat("cannot write ", path_, ".tmp.")));
  EXPECT_THAT(std::string(fake.status().message()),
              HasSubstr(": No such file or directory"));
}

TEST_F(StateFileTest, MoreNamespacesThanTheLimitStopTheStart) {
  {
    auto fake = Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    for (const char* ns : {"a", "b", "c"}) Create(**fake, ns, "Gus");
    (*fake)->Shutdown();
  }
  FakeOptions options;
  options.state_file = path_;
  options.max_namespaces = 2;
  auto fake = Fake::Start(std::move(options));
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(fake.status().message()),
              HasSubstr("it holds 3 namespaces; the server allows 2 "
                        "(--max-namespaces)"));
}

TEST_F(StateFileTest, AnOAuthNamespaceNeedsTheTokenEndpointAfterARestart) {
  const std::string oauth = "settings: {auth: {mode: oauth}}\n";
  {
    FakeOptions options;
    options.state_file = path_;
    options.oauth_listen_address = "127.0.0.1:0";
    auto fake = Fake::Start(std::move(options));
    ASSERT_TRUE(fake.ok()) << fake.status();
    ASSERT_TRUE((*fake)->control().LoadScenario("team", oauth).ok());
    (*fake)->Shutdown();
  }
  const std::string saved = FileText();
  // Without the endpoint no client could reach `team` any more.
  FakeOptions options;
  options.state_file = path_;
  auto fake = Fake::Start(std::move(options));
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(fake.status().message()),
              HasSubstr("namespace \"team\" has a scenario with auth mode "
                        "oauth, which needs the token endpoint (--oauth-listen "
                        "HOST:PORT)"));
  EXPECT_EQ(FileText(), saved);
}

}  // namespace
}  // namespace customerfake
