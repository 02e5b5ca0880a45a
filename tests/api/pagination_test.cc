// Pagination of ListCustomers and ListCustomerFlags through a real stub: page
// sizes (default, explicit, clamped, negative), tokens (complete iteration,
// no trailing empty page, every kind of foreign or damaged token, a token
// from before a namespace reset) and iteration while other clients create
// and delete.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "fake/core/core.h"
#include "fake/testing/fake_test.h"

namespace customerfake {
namespace {

namespace v1 = ::moia::trip::customer::v1;
using ::customerfake::testing::ContextFor;
using ::customerfake::testing::ErrorInfoOf;
using ::customerfake::testing::FakeTest;
using ::customerfake::testing::IsOk;
using ::customerfake::testing::NamespaceFor;
using ::customerfake::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Result of walking a list with tokens to its end.
struct Walk {
  std::vector<std::string> items;
  std::vector<int> page_sizes;
};

class PaginationTest : public FakeTest {
 protected:
  // A context for this test's namespace, or for `other_namespace_` if set.
  std::unique_ptr<grpc::ClientContext> Ctx() const {
    return other_namespace_.empty() ? Context() : ContextFor(other_namespace_);
  }

  std::string Create() {
    v1::CreateCustomerRequest request;
    request.set_email_address("test-customer@moia.io");
    request.set_given_name(absl::StrFormat("Test%d", ++created_));
    request.set_language_code("en");
    request.set_phone_number("+4997259173740");
    v1::CreateCustomerResponse response;
    EXPECT_THAT(stub().CreateCustomer(Ctx().get(), request, &response), IsOk());
    return response.customer().id();
  }
  std::vector<std::string> CreateN(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(Create());
    return ids;
  }
  void Delete(const std::string& id) {
    v1::DeleteCustomerRequest request;
    request.set_id(id);
    v1::DeleteCustomerResponse response;
    EXPECT_THAT(stub().DeleteCustomer(Ctx().get(), request, &response), IsOk());
  }
  void AddFlag(const std::string& id, const std::string& flag) {
    v1::AddCustomerFlagRequest request;
    request.set_customer_id(id);
    request.set_flag(flag);
    v1::AddCustomerFlagResponse response;
    EXPECT_THAT(stub().AddCustomerFlag(Ctx().get(), request, &response),
                IsOk());
  }
  void RemoveFlag(const std::string& id, const std::string& flag) {
    v1::RemoveCustomerFlagRequest request;
    request.set_customer_id(id);
    request.set_flag(flag);
    v1::RemoveCustomerFlagResponse response;
    EXPECT_THAT(stub().RemoveCustomerFlag(Ctx().get(), request, &response),
                IsOk());
  }
  // Adds flags "f000", "f001", ... in reverse and returns them sorted.
  std::vector<std::string> AddFlags(const std::string& id, int n) {
    std::vector<std::string> flags;
    for (int i = n - 1; i >= 0; --i) {
      flags.push_back(absl::StrFormat("f%03d", i));
      AddFlag(id, flags.back());
    }
    std::reverse(flags.begin(), flags.end());
    return flags;
  }

  // One page from `token`; `items` gets the ids (or flags), `next` the next
  // token.
  grpc::Status Page(std::optional<int32_t> size, const std::string& token,
                    std::vector<std::string>* items = nullptr,
                    std::string* next = nullptr) {
    v1::ListCustomersRequest request;
    if (size) request.set_page_size(*size);
    request.set_page_token(token);
    v1::ListCustomersResponse response;
    grpc::Status status = stub().ListCustomers(Ctx().get(), request, &response);
    if (items != nullptr) {
      items->clear();
      for (const v1::Customer& c : response.customers())
        items->push_back(c.id());
    }
    if (next != nullptr) *next = response.next_page_token();
    return status;
  }
  grpc::Status FlagPage(const std::string& id, std::optional<int32_t> size,
                        const std::string& token,
                        std::vector<std::string>* items = nullptr,
                        std::string* next = nullptr) {
    v1::ListCustomerFlagsRequest request;
    request.set_customer_id(id);
    if (size) request.set_page_size(*size);
    request.set_page_token(token);
    v1::ListCustomerFlagsResponse response;
    grpc::Status status =
        stub().ListCustomerFlags(Ctx().get(), request, &response);
    if (items != nullptr)
      items->assign(response.flags().begin(), response.flags().end());
    if (next != nullptr) *next = response.next_page_token();
    return status;
  }
  // The first page's token of a list that has more than `size` items.
  std::string FirstToken(int32_t size) {
    std::string next;
    EXPECT_THAT(Page(size, "", nullptr, &next), IsOk());
    EXPECT_THAT(next, Not(IsEmpty()));
    return next;
  }
  std::string FirstFlagToken(const std::string& id, int32_t size) {
    std::string next;
    EXPECT_THAT(FlagPage(id, size, "", nullptr, &next), IsOk());
    EXPECT_THAT(next, Not(IsEmpty()));
    return next;
  }

  // Walks a list to its end; `between` runs between pages.
  Walk WalkAll(int32_t size, const std::string& flags_of = "",
               const std::function<void()>& between = nullptr) {
    Walk walk;
    std::string token;
    do {
      std::vector<std::string> items;
      grpc::Status status =
          flags_of.empty() ? Page(size, token, &items, &token)
                           : FlagPage(flags_of, size, token, &items, &token);
      EXPECT_THAT(status, IsOk());
      if (!status.ok() || walk.page_sizes.size() > 10000) break;
      walk.items.insert(walk.items.end(), items.begin(), items.end());
      walk.page_sizes.push_back(static_cast<int>(items.size()));
      if (between && !token.empty()) between();
    } while (!token.empty());
    return walk;
  }

  std::string other_namespace_;

 private:
  int created_ = 0;
};

// INVALID_ARGUMENT INVALID_PAGE_TOKEN naming page_token.
void ExpectBadToken(const grpc::Status& status) {
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               "INVALID_PAGE_TOKEN"));
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), "page_token");
  EXPECT_EQ(ErrorInfoOf(status).domain(), "trip-api.moia-group.io");
}

std::vector<std::string> Prefix(const std::vector<std::string>& v, size_t n) {
  return {v.begin(), v.begin() + n};
}

// ---- Page sizes ----

TEST_F(PaginationTest, UnsetOrZeroPageSizeIsTheDefault50) {
  const std::vector<std::string> ids = CreateN(120);
  std::vector<std::string> items;
  std::string next;
  ASSERT_THAT(Page(std::nullopt, "", &items, &next), IsOk());
  EXPECT_EQ(items, Prefix(ids, 50));
  EXPECT_THAT(next, Not(IsEmpty()));
  ASSERT_THAT(Page(0, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(ids, 50));
  EXPECT_EQ(WalkAll(0).page_sizes, std::vector<int>({50, 50, 20}));
}

TEST_F(PaginationTest, ExplicitPageSizeIsHonoured) {
  const std::vector<std::string> ids = CreateN(20);
  std::vector<std::string> items;
  ASSERT_THAT(Page(7, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(ids, 7));
  ASSERT_THAT(Page(1, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(ids, 1));
}

TEST_F(PaginationTest, PageSizeAboveMaximumIsClampedTo1000) {
  const std::vector<std::string> ids = CreateN(1001);
  for (int32_t size : {1001, 5000, std::numeric_limits<int32_t>::max()}) {
    SCOPED_TRACE(size);
    Walk walk = WalkAll(size);
    EXPECT_EQ(walk.page_sizes, std::vector<int>({1000, 1}));
    EXPECT_EQ(walk.items, ids);
  }
}

TEST_F(PaginationTest, ScenarioSetsDefaultAndMaximumPageSize) {
  FakeOptions options;
  options.scenario.settings.default_page_size = 4;
  options.scenario.settings.max_page_size = 10;
  UseOwnFake(std::move(options));
  const std::vector<std::string> ids = CreateN(25);
  std::vector<std::string> items;
  ASSERT_THAT(Page(std::nullopt, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(ids, 4));
  ASSERT_THAT(Page(50, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(ids, 10));
  EXPECT_EQ(WalkAll(11).page_sizes, std::vector<int>({10, 10, 5}));
  const std::vector<std::string> flags = AddFlags(ids[0], 12);
  ASSERT_THAT(FlagPage(ids[0], 50, "", &items), IsOk());
  EXPECT_EQ(items, Prefix(flags, 10));
}

TEST_F(PaginationTest, NegativePageSizeIsInvalidPageSize) {
  const std::string id = Create();
  AddFlag(id, "vip");
  for (int32_t size : {-1, std::numeric_limits<int32_t>::min()}) {
    SCOPED_TRACE(size);
    for (const grpc::Status& status :
         {Page(size, ""), FlagPage(id, size, "")}) {
      EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                   "INVALID_PAGE_SIZE"));
      EXPECT_EQ(ErrorInfoOf(status).metadata().at("field"), "page_size");
    }
  }
}

// ---- Iteration ----

TEST_F(PaginationTest, IterationReturnsEveryCustomerInCreationOrder) {
  const std::vector<std::string> ids = CreateN(23);
  for (int32_t size : {1, 3, 22, 23, 24, 50}) {
    SCOPED_TRACE(size);
    EXPECT_EQ(WalkAll(size).items, ids);
  }
}

TEST_F(PaginationTest, EmptyListHasNoToken) {
  std::vector<std::string> items{"x"};
  std::string next = "x";
  ASSERT_THAT(Page(std::nullopt, "", &items, &next), IsOk());
  EXPECT_THAT(items, IsEmpty());
  EXPECT_THAT(next, IsEmpty());
}

TEST_F(PaginationTest, NoTrailingEmptyPage) {
  std::vector<std::string> ids = CreateN(7);
  EXPECT_EQ(WalkAll(7).page_sizes, std::vector<int>({7}));
  ids.push_back(Create());
  std::vector<std::string> items;
  std::string next;
  ASSERT_THAT(Page(7, "", &items, &next), IsOk());
  EXPECT_EQ(items, Prefix(ids, 7));
  ASSERT_THAT(next, Not(IsEmpty()));
  ASSERT_THAT(Page(7, next, &items, &next), IsOk());
  EXPECT_THAT(items, ElementsAre(ids[7]));
  EXPECT_THAT(next, IsEmpty());
}

TEST_F(PaginationTest, BaselineAndCreatedCustomersPageTogether) {
  FakeOptions options;
  for (int i = 0; i < 12; ++i) {
    model::CustomerRecord record;  // ids generated at load
    record.fields = {"a@moia.io", absl::StrFormat("Base%d", i), "", "de",
                     "+4912345678"};
    options.scenario.customers.push_back(record);
  }
  UseOwnFake(std::move(options));
  std::vector<std::string> ids = WalkAll(5).items;
  ASSERT_THAT(ids, SizeIs(12));
  for (size_t gone : {11, 4, 1}) {  // the last one too
    Delete(ids[gone]);
    ids.erase(ids.begin() + gone);
  }
  for (const std::string& id : CreateN(4)) ids.push_back(id);
  for (int32_t size : {1, 5, 9, 13}) {
    SCOPED_TRACE(size);
    EXPECT_EQ(WalkAll(size).items, ids);
  }
}

TEST_F(PaginationTest, ChurnNeverRepeatsOrSkipsStableCustomers) {
  const std::vector<std::string> stable = CreateN(30);
  std::vector<std::string> churn = CreateN(10);
  std::vector<std::string> seen_pages;
  Walk walk = WalkAll(7, "", [&] {
    // Two new customers, and one of the churn set deleted, per page.
    for (const std::string& id : CreateN(2)) churn.push_back(id);
    Delete(churn.front());
    churn.erase(churn.begin());
  });
  std::set<std::string> unique(walk.items.begin(), walk.items.end());
  EXPECT_EQ(unique.size(), walk.items.size()) << "a customer came twice";
  std::vector<std::string> stable_seen;
  for (const std::string& id : walk.items) {
    if (std::find(stable.begin(), stable.end(), id) != stable.end()) {
      stable_seen.push_back(id);
    }
  }
  EXPECT_EQ(stable_seen, stable);
}

TEST_F(PaginationTest, DeletingThePagesLastCustomerSkipsNothing) {
  const std::vector<std::string> ids = CreateN(10);
  std::vector<std::string> items;
  std::string next;
  ASSERT_THAT(Page(4, "", &items, &next), IsOk());
  Delete(ids[3]);  // the customer the token points after
  Delete(ids[4]);  // and the one that would have come next
  ASSERT_THAT(Page(4, next, &items, &next), IsOk());
  EXPECT_THAT(items, ElementsAre(ids[5], ids[6], ids[7], ids[8]));
  ASSERT_THAT(Page(4, next, &items, &next), IsOk());
  EXPECT_THAT(items, ElementsAre(ids[9]));
  EXPECT_THAT(next, IsEmpty());
}

// ---- Tokens ----

TEST_F(PaginationTest, TamperedTokenIsInvalidPageToken) {
  CreateN(5);
  const std::string token = FirstToken(2);
  std::string flipped = token;
  char& c = flipped[flipped.size() / 2];
  c = c == 'A' ? 'B' : 'A';
  ExpectBadToken(Page(2, flipped));
  ExpectBadToken(Page(2, token.substr(0, token.size() - 4)));
  ExpectBadToken(Page(2, token + "AAAA"));
  EXPECT_THAT(Page(2, token), IsOk()) << "the original still works";
}

TEST_F(PaginationTest, GarbageTokenIsInvalidPageToken) {
  const std::string id = Create();
  for (const char* garbage : {"garbage", "!!!", "AAAA", "e30", "%00"}) {
    SCOPED_TRACE(garbage);
    ExpectBadToken(Page(2, garbage));
    ExpectBadToken(FlagPage(id, 2, garbage));
  }
}

TEST_F(PaginationTest, TokenOfTheOtherListIsInvalidPageToken) {
  const std::vector<std::string> ids = CreateN(3);
  AddFlags(ids[0], 3);
  ExpectBadToken(Page(1, FirstFlagToken(ids[0], 1)));
  ExpectBadToken(FlagPage(ids[0], 1, FirstToken(1)));
}

TEST_F(PaginationTest, FlagTokenOfAnotherCustomerIsInvalidPageToken) {
  const std::vector<std::string> ids = CreateN(2);
  AddFlags(ids[0], 3);
  AddFlags(ids[1], 3);
  ExpectBadToken(FlagPage(ids[1], 1, FirstFlagToken(ids[0], 1)));
}

TEST_F(PaginationTest, TokenOfAnotherNamespaceIsInvalidPageToken) {
  // With a seed both namespaces create the same ids, so only the namespace
  // differs between where a token was issued and where it is used.
  FakeOptions options;
  options.seed = 7;
  UseOwnFake(std::move(options));
  const std::vector<std::string> ids = CreateN(3);
  AddFlags(ids[0], 3);
  const std::string customers_token = FirstToken(1);
  const std::string flags_token = FirstFlagToken(ids[0], 1);
  other_namespace_ = NamespaceFor(test_namespace() + ".other");
  ASSERT_EQ(CreateN(3), ids);
  AddFlags(ids[0], 3);
  ExpectBadToken(Page(1, customers_token));
  ExpectBadToken(FlagPage(ids[0], 1, flags_token));
  EXPECT_EQ(WalkAll(1).items, ids) << "the namespace's own tokens work";
}

TEST_F(PaginationTest, ResetMakesEarlierTokensInvalidPageToken) {
  // A baseline of three customers, the first with flags, so that after the
  // reset both lists have pages again and only the tokens are from before.
  FakeOptions options;
  std::vector<std::string> baseline;
  for (int i = 1; i <= 3; ++i) {
    model::CustomerRecord record;
    record.id = absl::StrFormat("c0ffee00-0000-4000-8000-%012d", i);
    record.fields = {"a@moia.io", absl::StrFormat("Base%d", i), "", "de",
                     "+4912345678"};
    options.scenario.customers.push_back(record);
    baseline.push_back(record.id);
  }
  options.scenario.customers[0].flags = {"f000", "f001", "f002"};
  ASSERT_NE(UseOwnFake(std::move(options)), nullptr);
  Create();  // both gone after the reset
  AddFlag(baseline[0], "g");
  const std::string customers_token = FirstToken(1);
  const std::string flags_token = FirstFlagToken(baseline[0], 1);

  ASSERT_TRUE(control().Reset(test_namespace()).ok());
  for (const grpc::Status& status :
       {Page(1, customers_token), FlagPage(baseline[0], 1, flags_token)}) {
    ExpectBadToken(status);
    EXPECT_THAT(status.error_message(),
                HasSubstr("the namespace was reset or reloaded since it was "
                          "issued"));
  }
  // Without a token the lists start again, on the baseline alone.
  std::vector<std::string> items;
  std::string next;
  ASSERT_THAT(Page(std::nullopt, "", &items, &next), IsOk());
  EXPECT_EQ(items, baseline);
  EXPECT_THAT(next, IsEmpty());
  ASSERT_THAT(FlagPage(baseline[0], std::nullopt, "", &items, &next), IsOk());
  EXPECT_THAT(items, ElementsAre("f000", "f001", "f002"));
  EXPECT_THAT(next, IsEmpty());
  EXPECT_EQ(WalkAll(1).items, baseline) << "tokens issued after the reset work";
}

// ---- Flags ----

TEST_F(PaginationTest, FlagsPageInByteOrderWithDefault50) {
  const std::string id = Create();
  const std::vector<std::string> flags = AddFlags(id, 60);
  std::vector<std::string> items;
  std::string next;
  ASSERT_THAT(FlagPage(id, std::nullopt, "", &items, &next), IsOk());
  EXPECT_EQ(items, Prefix(flags, 50));
  EXPECT_THAT(next, Not(IsEmpty()));
  Walk walk = WalkAll(7, id);
  EXPECT_EQ(walk.items, flags);
  EXPECT_EQ(walk.page_sizes, std::vector<int>({7, 7, 7, 7, 7, 7, 7, 7, 4}));
}

TEST_F(PaginationTest, FlagsHaveNoTrailingEmptyPage) {
  const std::string id = Create();
  std::vector<std::string> flags = AddFlags(id, 7);
  EXPECT_EQ(WalkAll(7, id).page_sizes, std::vector<int>({7}));
  AddFlag(id, "g");
  flags.push_back("g");
  Walk walk = WalkAll(7, id);
  EXPECT_EQ(walk.page_sizes, std::vector<int>({7, 1}));
  EXPECT_EQ(walk.items, flags);
}

TEST_F(PaginationTest, FlagChurnNeverRepeatsOrSkipsStableFlags) {
  const std::string id = Create();
  const std::vector<std::string> stable = AddFlags(id, 20);  // f000..f019
  int round = 0;
  Walk walk = WalkAll(3, id, [&] {
    // Per page: a flag among the stable ones and one after them are added,
    // the previous page's in-between flag is removed.
    if (round > 0) RemoveFlag(id, absl::StrFormat("f%03dx", round - 1));
    AddFlag(id, absl::StrFormat("f%03dx", round));
    AddFlag(id, absl::StrFormat("z%03d", round++));
  });
  std::set<std::string> unique(walk.items.begin(), walk.items.end());
  EXPECT_EQ(unique.size(), walk.items.size()) << "a flag came twice";
  EXPECT_TRUE(std::is_sorted(walk.items.begin(), walk.items.end()));
  std::vector<std::string> stable_seen;
  for (const std::string& flag : walk.items) {
    if (flag.size() == 4 && flag[0] == 'f') stable_seen.push_back(flag);
  }
  EXPECT_EQ(stable_seen, stable);
}

}  // namespace
}  // namespace customerfake
