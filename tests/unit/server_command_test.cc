// Specification of the command table: case-insensitive lookup, subcommands, ids and key
// positions (first/last/step, negative last counting from the end).
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

}  // namespace
}  // namespace redrock::server
