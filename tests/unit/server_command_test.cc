// Specification of the command table: case-insensitive lookup, subcommands, ids and key
// positions (first/last/step, negative last counting from the end; numkeys key specs and
// Redis 7.0's fallback for a malformed count, checked on the registered commands).
#include "server/command.h"

#include <gtest/gtest.h>

namespace redrock::server {
namespace {

void Noop(CommandContext&) {}

CommandSpec Make(std::string name, int arity, int first, int last, int step) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = 0;
  s.first_key = first;
  s.last_key = last;
  s.key_step = step;
  s.handler = Noop;
  return s;
}

TEST(CommandTableTest, FindIsCaseInsensitive) {
  CommandTable t;
  t.Register(Make("GET", 2, 1, 1, 1));
  ASSERT_NE(t.Find("get"), nullptr);
  EXPECT_EQ(t.Find("GeT"), t.Find("get"));
  EXPECT_EQ(t.Find("get")->name, "get");  // stored lower-case
  EXPECT_EQ(t.Find("gets"), nullptr);
  EXPECT_EQ(t.Find(""), nullptr);
  EXPECT_EQ(t.size(), 1u);
}

TEST(CommandTableTest, FindsEveryNameAcrossIndexGrowthCopiesAndReRegistration) {
  CommandTable t;
  for (int i = 0; i < 500; i++)  // past several index resizes
    t.Register(Make("cmd" + std::to_string(i), -1, 0, 0, 0));
  t.Register(Make("CMD7", 3, 0, 0, 0));  // same name again: replaced, not duplicated
  CommandTable copy = t;
  for (const CommandTable* table : {&t, &copy}) {
    EXPECT_EQ(table->size(), 500u);
    for (int i = 0; i < 500; i++) {
      const std::string name = "CmD" + std::to_string(i);
      const CommandSpec* spec = table->Find(name);
      ASSERT_NE(spec, nullptr) << name;
      EXPECT_EQ(spec->name, "cmd" + std::to_string(i));
    }
    EXPECT_EQ(table->Find("cmd7")->arity, 3);
    EXPECT_EQ(table->Find("cmd500"), nullptr);
    EXPECT_EQ(table->Find(std::string(33, 'c')), nullptr);
  }
}

TEST(CommandTableTest, SubcommandsGetFullNamesAndIds) {
  CommandTable t;
  CommandSpec config = Make("config", -2, 0, 0, 0);
  config.group = "server";
  config.subcommands = {Make("get", -3, 0, 0, 0), Make("SET", -4, 0, 0, 0)};
  t.Register(std::move(config));
  t.Register(Make("ping", -1, 0, 0, 0));
  const CommandSpec* parent = t.Find("CONFIG");
  ASSERT_NE(parent, nullptr);
  const CommandSpec* get = t.FindSub(*parent, "GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->name, "config|get");
  EXPECT_EQ(get->group, "server");  // inherited
  EXPECT_EQ(t.FindSub(*parent, "set")->name, "config|set");
  EXPECT_EQ(t.FindSub(*parent, "nosuch"), nullptr);
  EXPECT_EQ(t.FindSub(*parent, "config|get"), nullptr);
  // Every command and subcommand has its own dense id.
  EXPECT_EQ(t.id_count(), 4u);
  EXPECT_NE(get->id, t.FindSub(*parent, "set")->id);
  EXPECT_LT(t.Find("ping")->id, t.id_count());
}

TEST(CommandTableTest, KeyPositionsSingleKey) {
  CommandSpec get = Make("get", 2, 1, 1, 1);
  EXPECT_EQ(CommandTable::KeyPositions(get, {"GET", "k"}), (std::vector<size_t>{1}));
}

TEST(CommandTableTest, KeyPositionsNoKeys) {
  CommandSpec ping = Make("ping", -1, 0, 0, 0);
  EXPECT_TRUE(CommandTable::KeyPositions(ping, {"PING", "x"}).empty());
}

TEST(CommandTableTest, KeyPositionsLastArgument) {
  CommandSpec del = Make("del", -2, 1, -1, 1);
  EXPECT_EQ(CommandTable::KeyPositions(del, {"DEL", "a", "b", "c"}),
            (std::vector<size_t>{1, 2, 3}));
}

TEST(CommandTableTest, KeyPositionsWithStep) {
  CommandSpec mset = Make("mset", -3, 1, -1, 2);
  EXPECT_EQ(CommandTable::KeyPositions(mset, {"MSET", "a", "1", "b", "2"}),
            (std::vector<size_t>{1, 3}));
}

TEST(CommandTableTest, KeyPositionsNegativeFromEnd) {
  // BLPOP key [key ...] timeout: the keys end one before the last argument.
  CommandSpec blpop = Make("blpop", -3, 1, -2, 1);
  EXPECT_EQ(CommandTable::KeyPositions(blpop, {"BLPOP", "a", "b", "0"}),
            (std::vector<size_t>{1, 2}));
}

TEST(CommandTableTest, KeyPositionsFixedRange) {
  // SMOVE source destination member.
  CommandSpec smove = Make("smove", 4, 1, 2, 1);
  EXPECT_EQ(CommandTable::KeyPositions(smove, {"SMOVE", "s", "d", "m"}),
            (std::vector<size_t>{1, 2}));
}

TEST(CommandTableTest, KeyPositionsStayInsideArguments) {
  CommandSpec rename = Make("rename", 3, 1, 2, 1);
  EXPECT_EQ(CommandTable::KeyPositions(rename, {"RENAME", "a"}), (std::vector<size_t>{1}));
}

// The keys of `args` under the registered command args[0], as COMMAND GETKEYS and EXEC's key
// locks find them.
std::vector<std::string> Keys(const protocol::Request& args) {
  static const CommandTable table = [] {
    CommandTable t;
    RegisterAllCommands(&t);
    return t;
  }();
  const CommandSpec* spec = table.Find(args[0]);
  EXPECT_NE(spec, nullptr) << args[0];
  std::vector<std::string> keys;
  if (spec == nullptr) return keys;
  for (size_t pos : CommandTable::KeyPositions(*spec, args))
    keys.push_back(args[pos]);
  return keys;
}

using Names = std::vector<std::string>;

TEST(CommandTableTest, NumKeysCommandsFindTheirCountedKeys) {
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"}),
            (Names{"dst", "a", "b"}));
  EXPECT_EQ(Keys({"ZINTERSTORE", "dst", "1", "a", "b"}), (Names{"dst", "a"}));
  EXPECT_EQ(Keys({"ZDIFFSTORE", "dst", "2", "a", "b"}), (Names{"dst", "a", "b"}));
  EXPECT_EQ(Keys({"ZINTER", "2", "a", "b", "WITHSCORES"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"ZUNION", "1", "a"}), (Names{"a"}));
  EXPECT_EQ(Keys({"ZDIFF", "2", "a", "b"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"ZINTERCARD", "2", "a", "b", "LIMIT", "1"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"SINTERCARD", "2", "a", "b", "LIMIT", "5"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"BLMPOP", "0", "2", "a", "b", "LEFT"}), (Names{"a", "b"}));
  EXPECT_EQ(Keys({"ZMPOP", "1", "a", "MIN"}), (Names{"a"}));
  EXPECT_EQ(Keys({"BZMPOP", "1.5", "2", "a", "b", "MAX"}), (Names{"a", "b"}));
  // A count reaching the option words takes them as keys, as Redis does.
  EXPECT_EQ(Keys({"LMPOP", "3", "a", "b", "LEFT"}), (Names{"a", "b", "LEFT"}));
}

TEST(CommandTableTest, MalformedNumKeysFallsBackAsRedisDoes) {
  // A count past the arguments, zero or negative: no keys (the command fails on its own).
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "3", "a", "b"}), Names{});
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "0", "a"}), Names{});
  EXPECT_EQ(Keys({"ZINTER", "-1", "a"}), Names{});
  EXPECT_EQ(Keys({"ZINTER", "abc", "a"}), Names{});
  // Not a plain number: atoi's reading of it, counted keys first, the destination last.
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "2abc", "a", "b"}), (Names{"a", "b", "dst"}));
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", " 2", "a", "b"}), (Names{"a", "b", "dst"}));
  EXPECT_EQ(Keys({"SINTERCARD", "1x", "a", "b"}), (Names{"a"}));
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "18446744073709551617", "a"}), Names{});
  // Redis adds the count to the first key's index as an int: 2^32 + 2 counts 2.
  EXPECT_EQ(Keys({"ZUNIONSTORE", "dst", "4294967298", "a", "b"}), (Names{"dst", "a", "b"}));
}

TEST(CommandTableTest, MigrateKeysAsRedis70) {
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "k", "0", "10"}), (Names{"k"}));
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "", "0", "10"}), (Names{""}));
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "", "0", "10", "COPY", "keys", "a", "b"}),
            (Names{"a", "b"}));
  // KEYS with a key argument: a syntax error, so no keys.
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "k", "0", "10", "KEYS", "a"}), Names{});
  // A password that reads "KEYS" is skipped; the key argument is the key then.
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "", "0", "10", "AUTH", "KEYS", "x"}), (Names{""}));
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "", "0", "10", "AUTH2", "keys", "keys", "KEYS", "z"}),
            (Names{"z"}));
  // KEYS as the last argument is not found by the key spec (searched from argc - 2).
  EXPECT_EQ(Keys({"MIGRATE", "h", "1", "", "0", "10", "KEYS"}), (Names{""}));
}

}  // namespace
}  // namespace redrock::server
