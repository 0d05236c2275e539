// Pub/sub registries, output-limit parsing and notify-keyspace-events parsing.
#include "server/pubsub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "server/notify.h"

namespace redrock::server {
namespace {

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(ChannelRegistryTest, AddRemoveCollectCount) {
  ChannelRegistry reg;
  auto a = std::make_shared<Subscriber>();
  auto b = std::make_shared<Subscriber>();
  EXPECT_TRUE(reg.Add("news", a));
  EXPECT_FALSE(reg.Add("news", a));  // already subscribed
  EXPECT_TRUE(reg.Add("news", b));
  EXPECT_TRUE(reg.Add("sport", b));
  EXPECT_EQ(reg.Count("news"), 2);
  EXPECT_EQ(reg.Count("nothing"), 0);

  std::vector<SubscriberPtr> got;
  reg.Collect("news", &got);
  EXPECT_EQ(got.size(), 2u);

  EXPECT_TRUE(reg.Remove("news", a.get()));
  EXPECT_FALSE(reg.Remove("news", a.get()));
  EXPECT_FALSE(reg.Remove("unknown", a.get()));
  EXPECT_EQ(reg.Count("news"), 1);
  EXPECT_TRUE(reg.Remove("news", b.get()));
  // A channel without subscribers is gone from PUBSUB CHANNELS.
  EXPECT_EQ(reg.Names("*"), std::vector<std::string>{"sport"});
}

TEST(ChannelRegistryTest, NamesFilterWithGlob) {
  ChannelRegistry reg;
  auto a = std::make_shared<Subscriber>();
  for (const char* c : {"news.eu", "news.us", "sport", "n"})
    reg.Add(c, a);
  EXPECT_EQ(Sorted(reg.Names("news.*")), (std::vector<std::string>{"news.eu", "news.us"}));
  EXPECT_EQ(Sorted(reg.Names("*")), (std::vector<std::string>{"n", "news.eu", "news.us", "sport"}));
  EXPECT_EQ(reg.Names("?"), std::vector<std::string>{"n"});
  EXPECT_TRUE(reg.Names("").empty());  // an explicit empty pattern matches only ""
}

TEST(PatternRegistryTest, MatchesEveryPatternAndCountsDistinctOnes) {
  PatternRegistry reg;
  auto a = std::make_shared<Subscriber>();
  auto b = std::make_shared<Subscriber>();
  EXPECT_TRUE(reg.Add("news.*", a));
  EXPECT_TRUE(reg.Add("news.*", b));
  EXPECT_TRUE(reg.Add("*", a));
  EXPECT_TRUE(reg.Add("sport.[ab]", b));
  EXPECT_EQ(reg.Count(), 3);  // distinct patterns, as PUBSUB NUMPAT

  std::vector<std::pair<std::string, SubscriberPtr>> got;
  reg.Collect("news.eu", &got);
  EXPECT_EQ(got.size(), 3u);  // a through "news.*" and "*", b through "news.*"
  got.clear();
  reg.Collect("sport.b", &got);
  ASSERT_EQ(got.size(), 2u);

  EXPECT_TRUE(reg.Remove("news.*", a.get()));
  EXPECT_EQ(reg.Count(), 3);
  EXPECT_TRUE(reg.Remove("news.*", b.get()));
  EXPECT_EQ(reg.Count(), 2);
  EXPECT_FALSE(reg.Remove("news.*", b.get()));
}

TEST(ChannelRegistryTest, ConcurrentSubscribersAndPublishers) {
  ChannelRegistry reg;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&reg, t] {
      std::vector<SubscriberPtr> mine;
      for (int i = 0; i < 1000; i++) {
        auto s = std::make_shared<Subscriber>();
        reg.Add("ch" + std::to_string(i % 10), s);
        mine.push_back(s);
        std::vector<SubscriberPtr> got;
        reg.Collect("ch" + std::to_string((i + t) % 10), &got);
      }
      for (int i = 0; i < 1000; i++)
        EXPECT_TRUE(reg.Remove("ch" + std::to_string(i % 10), mine[i].get()));
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_TRUE(reg.Names("*").empty());
}

TEST(OutputLimitsTest, ParsesThePubSubClass) {
  OutputLimits l;
  ASSERT_TRUE(
      ParsePubSubLimits("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", &l));
  EXPECT_EQ(l.hard, 33554432u);
  EXPECT_EQ(l.soft, 8388608u);
  EXPECT_EQ(l.soft_seconds, 60);
  ASSERT_TRUE(ParsePubSubLimits("pubsub 1mb 512kb 5", &l));
  EXPECT_EQ(l.hard, 1024u * 1024);
  EXPECT_EQ(l.soft, 512u * 1024);
  EXPECT_EQ(l.soft_seconds, 5);
  EXPECT_FALSE(ParsePubSubLimits("normal 0 0 0", &l));
  EXPECT_FALSE(ParsePubSubLimits("pubsub x 1 1", &l));
  EXPECT_EQ(l.hard, 1024u * 1024);  // untouched on failure
}

TEST(NotifyFlagsTest, ParsesRedisClasses) {
  uint32_t f = 0;
  ASSERT_TRUE(ParseNotifyFlags("KEA", &f));
  EXPECT_EQ(f, kNotifyKeyspace | kNotifyKeyevent | kNotifyAll);
  EXPECT_EQ(f & kNotifyNew, 0u);      // n is not part of A
  EXPECT_EQ(f & kNotifyKeyMiss, 0u);  // nor m
  ASSERT_TRUE(ParseNotifyFlags("El$", &f));
  EXPECT_EQ(f, kNotifyKeyevent | kNotifyList | kNotifyString);
  ASSERT_TRUE(ParseNotifyFlags("Kgxn", &f));
  EXPECT_EQ(f, kNotifyKeyspace | kNotifyGeneric | kNotifyExpired | kNotifyNew);
  ASSERT_TRUE(ParseNotifyFlags("", &f));
  EXPECT_EQ(f, 0u);
  for (char c : std::string("g$lshzxeKEtmdnA")) {
    EXPECT_TRUE(ParseNotifyFlags(std::string(1, c), &f)) << c;
  }
  f = 7;
  EXPECT_FALSE(ParseNotifyFlags("KEq", &f));
  EXPECT_FALSE(ParseNotifyFlags("a", &f));  // case matters
  EXPECT_EQ(f, 7u);
}

}  // namespace
}  // namespace redrock::server
