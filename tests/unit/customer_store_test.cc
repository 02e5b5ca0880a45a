// Unit tests of CustomerStore: copy-on-write over a shared Base, and keyset
// listing in creation order.
#include "fake/state/customer_store.h"

#include <memory>
#include <string>
#include <vector>

#include "fake/model/customer.h"
#include "fake/state/baseline.h"
#include "fake/state/namespace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace customerfake::state {
namespace {

using model::CustomerRecord;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

CustomerRecord Record(const std::string& id, const std::string& given = "G") {
  CustomerRecord record;
  record.id = id;
  record.fields = {id + "@moia.io", "Family", given, "de", "+4912345678"};
  return record;
}

std::shared_ptr<const CustomerStore::Base> MakeBase(
    const std::vector<std::string>& ids) {
  std::vector<CustomerRecord> records;
  for (const std::string& id : ids) records.push_back(Record(id));
  return std::make_shared<const CustomerStore::Base>(std::move(records));
}

std::vector<std::string> Ids(const CustomerStore::Page& page) {
  std::vector<std::string> ids;
  for (const CustomerRecord* record : page.records) ids.push_back(record->id);
  return ids;
}

// Every id of the store, in key order.
std::vector<std::string> AllIds(const CustomerStore& store) {
  return Ids(store.List(0, 1000));
}

// ---- Base ----

TEST(CustomerStoreBaseTest, FindsByIndex) {
  auto base = MakeBase({"a", "b", "c"});
  EXPECT_EQ(base->Find("a"), 0);
  EXPECT_EQ(base->Find("c"), 2);
  EXPECT_EQ(base->Find("x"), -1);
}

// ---- Copy-on-write ----

TEST(CustomerStoreTest, StartsWithTheBase) {
  CustomerStore store(MakeBase({"a", "b"}));
  EXPECT_EQ(store.size(), 2u);
  ASSERT_NE(store.Find("b"), nullptr);
  EXPECT_EQ(*store.Find("b"), Record("b"));
  EXPECT_EQ(store.Find("x"), nullptr);
  EXPECT_THAT(AllIds(store), ElementsAre("a", "b"));
}

TEST(CustomerStoreTest, FindMutableCopiesOutOfTheBase) {
  auto base = MakeBase({"a", "b"});
  CustomerStore store(base);
  CustomerRecord* a = store.FindMutable("a");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a, &base->records()[0]);
  EXPECT_EQ(*a, Record("a"));
  a->fields.given_name = "Changed";
  EXPECT_EQ(store.Find("a"), a);
  EXPECT_EQ(store.FindMutable("a"), a) << "copied only on the first write";
  EXPECT_EQ(base->records()[0], Record("a"));
  EXPECT_EQ(store.Find("b"), &base->records()[1]) << "untouched: shared";
}

TEST(CustomerStoreTest, WritesInOneStoreAreInvisibleInAnother) {
  auto base = MakeBase({"a", "b", "c"});
  CustomerStore one(base);
  CustomerStore two(base);
  one.FindMutable("a")->fields.given_name = "Changed";
  one.FindMutable("b")->flags = {"vip"};
  ASSERT_TRUE(one.Erase("c"));
  one.Add(Record("d"));

  EXPECT_THAT(AllIds(one), ElementsAre("a", "b", "d"));
  EXPECT_EQ(one.Find("a")->fields.given_name, "Changed");
  EXPECT_THAT(one.Find("b")->flags, ElementsAre("vip"));
  EXPECT_EQ(one.size(), 3u);

  EXPECT_THAT(AllIds(two), ElementsAre("a", "b", "c"));
  EXPECT_EQ(*two.Find("a"), Record("a"));
  EXPECT_EQ(*two.Find("b"), Record("b"));
  EXPECT_EQ(two.Find("d"), nullptr);
  EXPECT_EQ(two.size(), 3u);

  ASSERT_EQ(base->records().size(), 3u);
  for (const char* id : {"a", "b", "c"}) {
    EXPECT_EQ(base->records()[base->Find(id)], Record(id));
  }
}

TEST(CustomerStoreTest, FindMutableOfUnknownOrErasedIsNull) {
  CustomerStore store(MakeBase({"a"}));
  store.Add(Record("b"));
  EXPECT_EQ(store.FindMutable("x"), nullptr);
  ASSERT_TRUE(store.Erase("a"));
  ASSERT_TRUE(store.Erase("b"));
  EXPECT_EQ(store.FindMutable("a"), nullptr);
  EXPECT_EQ(store.FindMutable("b"), nullptr);
  EXPECT_EQ(store.Find("a"), nullptr);
  EXPECT_EQ(store.Find("b"), nullptr);
  EXPECT_EQ(store.size(), 0u);
}

TEST(CustomerStoreTest, FindMutableOfAddedChangesInPlace) {
  CustomerStore store(MakeBase({}));
  store.Add(Record("a"));
  store.FindMutable("a")->flags = {"x"};
  EXPECT_THAT(store.Find("a")->flags, ElementsAre("x"));
}

TEST(CustomerStoreTest, EraseTwiceIsFalse) {
  CustomerStore store(MakeBase({"a", "b"}));
  store.Add(Record("c"));
  for (const char* id : {"a", "c"}) {
    EXPECT_TRUE(store.Erase(id)) << id;
    EXPECT_FALSE(store.Erase(id)) << id;
  }
  EXPECT_FALSE(store.Erase("unknown"));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_THAT(AllIds(store), ElementsAre("b"));
}

TEST(CustomerStoreTest, EraseAfterWriteOfBaseCustomer) {
  CustomerStore store(MakeBase({"a", "b"}));
  store.FindMutable("a")->fields.given_name = "Changed";
  EXPECT_TRUE(store.Erase("a"));
  EXPECT_FALSE(store.Erase("a"));
  EXPECT_EQ(store.Find("a"), nullptr);
  EXPECT_EQ(store.size(), 1u);
}

// ---- Listing ----

TEST(CustomerStoreListTest, KeysFollowCreationOrderAfterTheBase) {
  CustomerStore store(MakeBase({"b1", "b2", "b3"}));
  store.Add(Record("n1"));
  store.Add(Record("n2"));
  CustomerStore::Page page = store.List(0, 2);
  EXPECT_THAT(Ids(page), ElementsAre("b1", "b2"));
  EXPECT_EQ(page.last_key, 2u);
  EXPECT_TRUE(page.more);
  page = store.List(page.last_key, 2);
  EXPECT_THAT(Ids(page), ElementsAre("b3", "n1"));
  EXPECT_EQ(page.last_key, 4u);
  EXPECT_TRUE(page.more);
  page = store.List(page.last_key, 2);
  EXPECT_THAT(Ids(page), ElementsAre("n2"));
  EXPECT_EQ(page.last_key, 5u);
  EXPECT_FALSE(page.more);
  EXPECT_THAT(Ids(store.List(3, 10)), ElementsAre("n1", "n2"));
}

TEST(CustomerStoreListTest, DeletedCustomersAreSkipped) {
  CustomerStore store(MakeBase({"b1", "b2", "b3"}));
  store.Add(Record("n1"));
  store.Add(Record("n2"));
  store.Add(Record("n3"));
  ASSERT_TRUE(store.Erase("b2"));
  ASSERT_TRUE(store.Erase("n2"));
  EXPECT_THAT(AllIds(store), ElementsAre("b1", "b3", "n1", "n3"));
  CustomerStore::Page page = store.List(1, 1);
  EXPECT_THAT(Ids(page), ElementsAre("b3"));
  EXPECT_EQ(page.last_key, 3u);
  page = store.List(4, 1);  // after n1; n2 (key 5) is gone
  EXPECT_THAT(Ids(page), ElementsAre("n3"));
  EXPECT_EQ(page.last_key, 6u);
  EXPECT_FALSE(page.more);
}

TEST(CustomerStoreListTest, ListingAfterADeletedKeyContinues) {
  CustomerStore store(MakeBase({"b1", "b2", "b3"}));
  store.Add(Record("n1"));
  store.Add(Record("n2"));
  ASSERT_TRUE(store.Erase("b2"));  // key 2
  ASSERT_TRUE(store.Erase("n1"));  // key 4
  EXPECT_THAT(Ids(store.List(2, 10)), ElementsAre("b3", "n2"));
  EXPECT_THAT(Ids(store.List(4, 10)), ElementsAre("n2"));
}

TEST(CustomerStoreListTest, MoreIsExact) {
  CustomerStore store(MakeBase({"b1", "b2", "b3"}));
  // Exactly `limit` left: no more.
  CustomerStore::Page page = store.List(0, 3);
  EXPECT_THAT(Ids(page), ElementsAre("b1", "b2", "b3"));
  EXPECT_FALSE(page.more);
  // Only deleted customers follow: no more.
  ASSERT_TRUE(store.Erase("b3"));
  page = store.List(0, 2);
  EXPECT_THAT(Ids(page), ElementsAre("b1", "b2"));
  EXPECT_FALSE(page.more);
  store.Add(Record("n1"));
  store.Add(Record("n2"));
  ASSERT_TRUE(store.Erase("n2"));
  page = store.List(0, 3);
  EXPECT_THAT(Ids(page), ElementsAre("b1", "b2", "n1"));
  EXPECT_FALSE(page.more);
  // One live customer follows: more.
  page = store.List(0, 2);
  EXPECT_THAT(Ids(page), ElementsAre("b1", "b2"));
  EXPECT_TRUE(page.more);
}

TEST(CustomerStoreListTest, EmptyStoreAndEndOfList) {
  CustomerStore store(MakeBase({}));
  CustomerStore::Page page = store.List(0, 5);
  EXPECT_THAT(page.records, IsEmpty());
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.last_key, 0u);
  store.Add(Record("a"));
  page = store.List(1, 5);
  EXPECT_THAT(page.records, IsEmpty());
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.last_key, 1u) << "last_key stays at after_key";
}

TEST(CustomerStoreListTest, KeysAreNotReusedAfterErase) {
  CustomerStore store(MakeBase({"b1"}));
  store.Add(Record("n1"));  // key 2
  ASSERT_TRUE(store.Erase("n1"));
  store.Add(Record("n2"));  // key 3, not 2
  CustomerStore::Page page = store.List(2, 10);
  EXPECT_THAT(Ids(page), ElementsAre("n2"));
  EXPECT_EQ(page.last_key, 3u);
}

TEST(CustomerStoreListTest, ListSeesWritesToBaseCustomers) {
  auto base = MakeBase({"b1", "b2"});
  CustomerStore store(base);
  store.FindMutable("b2")->fields.given_name = "Changed";
  CustomerStore::Page page = store.List(0, 10);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.records[0], &base->records()[0]);
  EXPECT_EQ(page.records[1]->fields.given_name, "Changed");
}

// The state file writes a state that is its baseline once, and the snapshot
// says when it is: after a load, a reset or the restore of such a state, until
// the first change. Its customers are then not copied out.
TEST(NamespaceSnapshotTest, SaysWhileTheStateIsTheBaselines) {
  model::Scenario scenario;
  scenario.customers = {Record("a"), Record("b")};
  std::shared_ptr<const Baseline> baseline = MakeBaseline(scenario);
  Namespace ns("team", baseline, model::NamespaceLimits{});
  Namespace::Snapshot snapshot = ns.TakeSnapshot();
  EXPECT_TRUE(snapshot.state_is_baseline);
  EXPECT_THAT(snapshot.state.customers, IsEmpty());
  EXPECT_EQ(snapshot.baseline, baseline);

  ASSERT_TRUE(ns.Delete("a").ok());
  snapshot = ns.TakeSnapshot();
  EXPECT_FALSE(snapshot.state_is_baseline);
  ASSERT_EQ(snapshot.state.customers.size(), 1u);
  EXPECT_EQ(snapshot.state.customers[0].id, "b");

  ns.Reset(/*empty=*/false);
  EXPECT_TRUE(ns.TakeSnapshot().state_is_baseline);
  ns.Reset(/*empty=*/true);
  snapshot = ns.TakeSnapshot();
  EXPECT_FALSE(snapshot.state_is_baseline);
  EXPECT_THAT(snapshot.state.customers, IsEmpty());
  ASSERT_TRUE(ns.Load(baseline).ok());
  EXPECT_TRUE(ns.TakeSnapshot().state_is_baseline);

  // Restored: the baseline's own customers, or others.
  ns.Restore(baseline, std::make_shared<const Baseline>(
                           Baseline{baseline->settings, baseline->customers,
                                    baseline->faults, baseline->ids}));
  EXPECT_TRUE(ns.TakeSnapshot().state_is_baseline);
  ns.Restore(baseline, MakeBaseline(scenario));
  snapshot = ns.TakeSnapshot();
  EXPECT_FALSE(snapshot.state_is_baseline);
  EXPECT_EQ(snapshot.state.customers.size(), 2u);
}

}  // namespace
}  // namespace customerfake::state
