// Specification of the config registry: redis.conf and flag parsing, Redis's memory units,
// CONFIG GET globbing, CONFIG SET atomicity and error texts, CONFIG REWRITE.
#include "server/config.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace redrock::server {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(ConfigTest, DefaultsMatchTheBrief) {
  Config c;
  EXPECT_EQ(c.GetInt("port"), 6379);
  EXPECT_EQ(c.GetList("bind"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(c.GetString("dir"), "./data");
  EXPECT_EQ(c.GetString("appendfsync"), "everysec");
  EXPECT_EQ(c.GetInt("databases"), 16);
  EXPECT_EQ(c.GetMemory("proto-max-bulk-len"), 512ULL << 20);
  EXPECT_EQ(c.GetMemory("client-query-buffer-limit"), 1ULL << 30);
  EXPECT_EQ(c.GetInt("maxclients"), 10000);
  EXPECT_EQ(c.GetInt("tcp-keepalive"), 300);
  EXPECT_EQ(c.GetString("loglevel"), "notice");
  EXPECT_TRUE(c.GetBool("appendonly"));
  EXPECT_FALSE(c.GetBool("daemonize"));
  EXPECT_GE(c.GetInt("io-threads"), 1);
  EXPECT_EQ(c.config_file(), "");
}

TEST(ConfigTest, MemoryUnitsFollowRedis) {
  uint64_t v = 0;
  EXPECT_TRUE(Config::ParseMemory("1gb", &v));
  EXPECT_EQ(v, 1ULL << 30);
  EXPECT_TRUE(Config::ParseMemory("1GB", &v));
  EXPECT_EQ(v, 1ULL << 30);
  EXPECT_TRUE(Config::ParseMemory("1g", &v));
  EXPECT_EQ(v, 1000000000ULL);
  EXPECT_TRUE(Config::ParseMemory("256mb", &v));
  EXPECT_EQ(v, 256ULL << 20);
  EXPECT_TRUE(Config::ParseMemory("1m", &v));
  EXPECT_EQ(v, 1000000ULL);
  EXPECT_TRUE(Config::ParseMemory("1kb", &v));
  EXPECT_EQ(v, 1024ULL);
  EXPECT_TRUE(Config::ParseMemory("1k", &v));
  EXPECT_EQ(v, 1000ULL);
  EXPECT_TRUE(Config::ParseMemory("42", &v));
  EXPECT_EQ(v, 42ULL);
  EXPECT_TRUE(Config::ParseMemory("7b", &v));
  EXPECT_EQ(v, 7ULL);
  // memtoull quirks: no digits means 0, leading zeros are fine, overflow saturates.
  EXPECT_TRUE(Config::ParseMemory("", &v));
  EXPECT_EQ(v, 0ULL);
  EXPECT_TRUE(Config::ParseMemory("01", &v));
  EXPECT_EQ(v, 1ULL);
  EXPECT_TRUE(Config::ParseMemory("99999999999999999999", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_FALSE(Config::ParseMemory("-1", &v));
  EXPECT_FALSE(Config::ParseMemory("1x", &v));
  EXPECT_FALSE(Config::ParseMemory("1.5gb", &v));
  EXPECT_FALSE(Config::ParseMemory(" 5", &v));
  EXPECT_FALSE(Config::ParseMemory("+5", &v));

  EXPECT_EQ(Config::FormatMemory(1ULL << 30), "1gb");
  EXPECT_EQ(Config::FormatMemory(64ULL << 20), "64mb");
  EXPECT_EQ(Config::FormatMemory(2048), "2kb");
  EXPECT_EQ(Config::FormatMemory(1000), "1000");
  EXPECT_EQ(Config::FormatMemory(0), "0");
}

TEST(ConfigTest, LoadsFileThenFlags) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/redis.conf";
  WriteAll(path,
           "# a comment\n"
           "   \n"
           "port 7000\n"
           "BIND 127.0.0.1 ::1\n"
           "maxmemory 2gb\n"
           "requirepass \"pa ss\"\n"
           "save 900 1\n"
           "save 300 10\n"
           "appendfsync always\n");
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({path, "--port", "7001", "--loglevel", "warning"}, &error)) << error;
  EXPECT_EQ(c.GetInt("port"), 7001);  // flags come after the file
  EXPECT_EQ(c.GetList("bind"), (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c.GetMemory("maxmemory"), 2ULL << 30);
  EXPECT_EQ(c.GetString("requirepass"), "pa ss");
  EXPECT_EQ(c.GetString("save"), "900 1 300 10");  // repeated save lines accumulate
  EXPECT_EQ(c.GetString("appendfsync"), "always");
  EXPECT_EQ(c.GetString("loglevel"), "warning");
  EXPECT_NE(c.config_file().find("redis.conf"), std::string::npos);
}

TEST(ConfigTest, LoadsDebianRedisConfMultiValueDirectives) {
  // The directives of Debian's /etc/redis/redis.conf that redrock once refused.
  testing::TempDir dir;
  const std::string path = dir.path() + "/redis.conf";
  WriteAll(path,
           "proc-title-template \"{title} {listen-addr} {server-mode}\"\n"
           "rdb-del-sync-files no\n"
           "repl-diskless-sync-max-replicas 0\n"
           "repl-diskless-load disabled\n"
           "repl-disable-tcp-nodelay no\n"
           "oom-score-adj-values 0 200 800\n"
           "disable-thp yes\n"
           "aof-timestamp-enabled no\n"
           "client-output-buffer-limit normal 0 0 0\n"
           "client-output-buffer-limit replica 256mb 64mb 60\n"
           "client-output-buffer-limit pubsub 32mb 8mb 61\n"
           "aof-rewrite-incremental-fsync yes\n"
           "rdb-save-incremental-fsync yes\n");
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({path}, &error)) << error;
  EXPECT_EQ(c.GetString("client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 61");
  EXPECT_EQ(c.GetString("oom-score-adj-values"), "0 200 800");
  EXPECT_EQ(c.GetString("proc-title-template"), "{title} {listen-addr} {server-mode}");

  // CONFIG SET changes only the classes it names, and all or nothing.
  ASSERT_TRUE(c.Set({{"client-output-buffer-limit", "normal 1 2 3 replica 1mb 2kb 4"}}, &error));
  EXPECT_EQ(c.GetString("client-output-buffer-limit"),
            "normal 1 2 3 slave 1048576 2048 4 pubsub 33554432 8388608 61");
  EXPECT_FALSE(c.Set({{"client-output-buffer-limit", "normal 5 5 5 master 1 2 3"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_FALSE(c.Set({{"client-output-buffer-limit", "pubsub 1 2"}}, &error));
  EXPECT_FALSE(c.Set({{"client-output-buffer-limit", "pubsub 1 -2 3"}}, &error));
  EXPECT_EQ(c.GetString("client-output-buffer-limit"),
            "normal 1 2 3 slave 1048576 2048 4 pubsub 33554432 8388608 61");
  EXPECT_FALSE(c.Set({{"oom-score-adj-values", "0 200 2001"}}, &error));
  EXPECT_TRUE(c.Set({{"oom-score-adj-values", "-2000 0 2000"}}, &error));
  EXPECT_EQ(c.GetString("oom-score-adj-values"), "-2000 0 2000");
}

TEST(ConfigTest, FlagsTakeSeveralValuesAndEmptySave) {
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({"--bind", "127.0.0.1", "::1", "--save", "--threads", "3"}, &error))
      << error;
  EXPECT_EQ(c.GetString("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(c.GetString("save"), "");
  EXPECT_EQ(c.GetInt("io-threads"), 3);  // "threads" is an alias
}

TEST(ConfigTest, IncludeReadsAnotherFile) {
  testing::TempDir dir;
  WriteAll(dir.path() + "/extra.conf", "hz 42\n");
  WriteAll(dir.path() + "/main.conf", "include " + dir.path() + "/extra.conf\nport 7002\n");
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({dir.path() + "/main.conf"}, &error)) << error;
  EXPECT_EQ(c.GetInt("hz"), 42);
  EXPECT_EQ(c.GetInt("port"), 7002);
}

TEST(ConfigTest, StartupErrorsLookLikeRedis) {
  std::string error;
  {
    Config c;
    EXPECT_FALSE(c.LoadFromArgs({"--foo", "1"}, &error));
    EXPECT_NE(error.find("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"), std::string::npos);
    EXPECT_NE(error.find("at line 2\n>>> 'foo \"1\"'\nBad directive or wrong number of arguments"),
              std::string::npos)
        << error;
  }
  {
    Config c;
    EXPECT_FALSE(c.LoadFromArgs({"--port", "abc"}, &error));
    EXPECT_NE(error.find("argument couldn't be parsed into an integer"), std::string::npos);
  }
  {
    Config c;
    EXPECT_FALSE(c.LoadFromArgs({"--port"}, &error));
    EXPECT_NE(error.find(">>> 'port'\nwrong number of arguments"), std::string::npos) << error;
  }
  {
    Config c;
    EXPECT_FALSE(c.LoadText("port \"7000\n", &error));
    EXPECT_NE(error.find("Unbalanced quotes in configuration line"), std::string::npos);
  }
  {
    Config c;
    EXPECT_FALSE(c.LoadFromArgs({"/nonexistent/redis.conf"}, &error));
    EXPECT_NE(error.find("can't open config file '/nonexistent/redis.conf'"), std::string::npos);
  }
  {
    Config c;
    EXPECT_FALSE(c.LoadFromArgs({"--appendfsync", "sometimes"}, &error));
    EXPECT_NE(error.find("argument(s) must be one of the following: everysec, always, no"),
              std::string::npos);
  }
}

TEST(ConfigTest, GetMatchesGlobsAndAliases) {
  Config c;
  auto names = [](const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> out;
    for (const auto& p : pairs)
      out.push_back(p.first);
    return out;
  };
  EXPECT_EQ(c.Match({"port"}),
            (std::vector<std::pair<std::string, std::string>>{{"port", "6379"}}));
  // An exact name is reported as given, once.
  EXPECT_EQ(names(c.Match({"PORT", "port"})), std::vector<std::string>{"PORT"});
  EXPECT_TRUE(c.Match({"nosuch"}).empty());
  auto max = names(c.Match({"maxm*"}));
  EXPECT_NE(std::find(max.begin(), max.end(), "maxmemory"), max.end());
  EXPECT_NE(std::find(max.begin(), max.end(), "maxmemory-policy"), max.end());
  // Patterns are case-insensitive and include aliases.
  auto slave = names(c.Match({"SLAVE-READ*"}));
  EXPECT_EQ(slave, std::vector<std::string>{"slave-read-only"});
  EXPECT_EQ(names(c.Match({"slaveof"})), std::vector<std::string>{"slaveof"});
  EXPECT_GT(c.Match({"*"}).size(), 50u);
}

TEST(ConfigTest, SetValidatesWithRedisErrors) {
  Config c;
  std::string error;
  EXPECT_FALSE(c.Set({{"nosuch", "1"}}, &error));
  EXPECT_EQ(error, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_FALSE(c.Set({{"port", "1"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
            "config");
  EXPECT_FALSE(c.Set({{"hz", "5"}, {"hz", "6"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  EXPECT_FALSE(c.Set({{"maxmemory", "1x"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_FALSE(c.Set({{"timeout", "-1"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive");
  EXPECT_FALSE(c.Set({{"appendonly", "maybe"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be "
            "'yes' or 'no'");
  EXPECT_FALSE(c.Set({{"loglevel", "loud"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be "
            "one of the following: debug, verbose, notice, warning");
  EXPECT_FALSE(c.Set({{"save", "100 1 200"}}, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
            "parameters");
}

TEST(ConfigTest, SetNormalizesValues) {
  Config c;
  std::string error;
  ASSERT_TRUE(c.Set({{"maxmemory", "1GB"}, {"LOGLEVEL", "WARNING"}, {"appendonly", "NO"}}, &error))
      << error;
  EXPECT_EQ(c.GetString("maxmemory"), "1073741824");
  EXPECT_EQ(c.GetString("loglevel"), "warning");
  EXPECT_EQ(c.GetString("appendonly"), "no");
  ASSERT_TRUE(c.Set({{"notify-keyspace-events", "KEA"}}, &error));
  EXPECT_EQ(c.GetString("notify-keyspace-events"), "AKE");
  ASSERT_TRUE(c.Set({{"notify-keyspace-events", "Elg"}}, &error));
  EXPECT_EQ(c.GetString("notify-keyspace-events"), "glE");
  ASSERT_TRUE(c.Set({{"hz", "1000"}}, &error));
  EXPECT_EQ(c.GetInt("hz"), 500);                           // clamped like Redis
  ASSERT_TRUE(c.Set({{"slave-read-only", "no"}}, &error));  // alias
  EXPECT_FALSE(c.GetBool("replica-read-only"));
}

TEST(ConfigTest, SetIsAllOrNothing) {
  Config c;
  std::string error;
  int applied = 0;
  c.OnApply("timeout", [&](const std::string&) {
    ++applied;
    return std::string();
  });
  c.OnApply("maxclients", [](const std::string& v) {
    return v == "13" ? std::string("unlucky") : std::string();
  });
  // A parse failure of a later pair leaves the earlier one untouched.
  EXPECT_FALSE(c.Set({{"timeout", "5"}, {"maxmemory", "bad"}}, &error));
  EXPECT_EQ(c.GetInt("timeout"), 0);
  EXPECT_EQ(applied, 0);
  // A refused apply rolls back what was applied before it.
  EXPECT_FALSE(c.Set({{"timeout", "5"}, {"maxclients", "13"}}, &error));
  EXPECT_EQ(error, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - unlucky");
  EXPECT_EQ(c.GetInt("timeout"), 0);
  EXPECT_EQ(c.GetInt("maxclients"), 10000);
  EXPECT_EQ(applied, 2);  // once with 5, once restoring 0
}

TEST(ConfigTest, RewriteKeepsTheFileAndAppendsChanges) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/redis.conf";
  WriteAll(path, "# keep me\nport 7000\nmaxmemory 1gb\nsave 900 1\n");
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({path}, &error)) << error;
  ASSERT_TRUE(c.Set({{"maxmemory", "512mb"}, {"timeout", "30"}, {"requirepass", "a b"}}, &error));
  ASSERT_TRUE(c.Rewrite(&error)) << error;
  const std::string text = ReadAll(path);
  EXPECT_NE(text.find("# keep me\nport 7000\nmaxmemory 512mb\nsave 900 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# Generated by CONFIG REWRITE\n"), std::string::npos) << text;
  EXPECT_NE(text.find("timeout 30\n"), std::string::npos) << text;
  EXPECT_NE(text.find("requirepass \"a b\"\n"), std::string::npos) << text;
  // The rewritten file loads back to the same values.
  Config again;
  ASSERT_TRUE(again.LoadFromArgs({path}, &error)) << error;
  EXPECT_EQ(again.GetMemory("maxmemory"), 512ULL << 20);
  EXPECT_EQ(again.GetInt("timeout"), 30);
  EXPECT_EQ(again.GetString("requirepass"), "a b");
  EXPECT_EQ(again.GetString("save"), "900 1");
}

TEST(ConfigTest, RewriteWithoutFileFails) {
  Config c;
  std::string error;
  EXPECT_FALSE(c.Rewrite(&error));
  EXPECT_EQ(error, "ERR The server is running without a config file");
}

}  // namespace
}  // namespace redrock::server
