// redrock-server: parses redis-server style arguments, sets up logging, opens the engine,
// registers the command families and serves until SHUTDOWN or SIGTERM/SIGINT.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "server/command.h"
#include "server/config.h"
#include "server/memory_budget.h"
#include "server/server.h"
#include "version.h"

// jemalloc reads this at start-up: return freed memory to the OS in the background within a
// couple of seconds, so RSS follows the budget rather than the peak.
extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's.
const char* malloc_conf = "background_thread:true,dirty_decay_ms:2000,muzzy_decay_ms:2000";
}

namespace {

using redrock::server::Config;

void PrintUsage(const char* prog) {
  std::fprintf(stderr,
               "Usage: %s [/path/to/redis.conf] [options]\n"
               "       %s -v or --version\n"
               "       %s -h or --help\n\n"
               "Examples:\n"
               "       %s (run the server with default conf)\n"
               "       %s /etc/redrock/redis.conf\n"
               "       %s --port 7777\n"
               "       %s --port 7777 --dir /var/lib/redrock --appendfsync always\n"
               "       %s /etc/myredis.conf --loglevel verbose\n",
               prog, prog, prog, prog, prog, prog, prog, prog);
}

void PrintVersion() {
  std::printf("Redis server v=%s sha=00000000:0 malloc=libc bits=%d build=0 redrock=%s\n",
              redrock::kRedisCompatVersion, static_cast<int>(sizeof(void*) * 8),
              redrock::kRedrockVersion);
}

// Redis's level marks: '.' debug, '*' notice, '#' warning and worse.
class RedisLevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char mark = '*';
    if (msg.level <= spdlog::level::debug) mark = '.';
    if (msg.level >= spdlog::level::warn) mark = '#';
    dest.push_back(mark);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RedisLevelFlag>();
  }
};

spdlog::level::level_enum ParseLevel(const std::string& name) {
  if (name == "debug" || name == "verbose") return spdlog::level::debug;
  if (name == "warning") return spdlog::level::warn;
  return spdlog::level::info;
}

// Logs to `logfile` (appending) or to stdout when it is empty. Returns false when the file
// cannot be opened.
bool SetUpLogging(const Config& config) {
  const std::string logfile = config.GetString("logfile");
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (logfile.empty()) {
      logger = std::make_shared<spdlog::logger>("redrock",
                                                std::make_shared<spdlog::sinks::stdout_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "redrock", std::make_shared<spdlog::sinks::basic_file_sink_mt>(logfile, false));
    }
  } catch (const spdlog::spdlog_ex& e) {
    std::fprintf(stderr, "Can't open the log file: %s\n", e.what());
    return false;
  }
  // Redis's "pid:M 01 Jan 2024 12:00:00.000 * message" lines.
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RedisLevelFlag>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(ParseLevel(config.GetString("loglevel")));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

redrock::engine::EngineOptions EngineOptionsFrom(const Config& config) {
  redrock::engine::EngineOptions options;
  options.dir = config.GetString("dir");
  options.databases = static_cast<int>(config.GetInt("databases"));
  redrock::engine::ParseFsyncMode(config.GetString("appendfsync"), &options.fsync);
  options.active_expire_hz = static_cast<int>(config.GetInt("hz"));
  return options;
}

void LogBanner(const Config& config, int port) {
  const uint64_t maxmemory = config.GetMemory("maxmemory");
  std::string bind;
  for (const std::string& a : config.GetList("bind"))
    bind += (bind.empty() ? "" : " ") + a;
  spdlog::info("redrock {} starting (Redis {} compatible), pid={}", redrock::kRedrockVersion,
               redrock::kRedisCompatVersion, getpid());
  spdlog::info("Configuration: {}",
               config.config_file().empty() ? "none (defaults and flags)" : config.config_file());
  spdlog::info("Listening: port={} bind={}", port, bind);
  spdlog::info("Data dir: {} (appendfsync={}, databases={})", config.GetString("dir"),
               config.GetString("appendfsync"), config.GetInt("databases"));
  spdlog::info("Threads: {} io threads", config.GetInt("io-threads"));
  spdlog::info(
      "Memory budget: maxmemory={} (hot-tier-size={} block-cache-size={} "
      "write-buffer-size={})",
      Config::FormatMemory(maxmemory), Config::FormatMemory(config.GetMemory("hot-tier-size")),
      Config::FormatMemory(config.GetMemory("block-cache-size")),
      Config::FormatMemory(config.GetMemory("write-buffer-size")));
}

// File descriptors kept for other uses than client connections: listeners, RocksDB's WAL,
// SST and manifest files, logs and pipes (Redis keeps 32; RocksDB needs more).
constexpr int64_t kReservedFds = 128;

// As Redis does at start-up: raise the soft RLIMIT_NOFILE to what maxclients needs, as far as
// the hard limit allows, and lower maxclients to what the limit leaves when it is too low.
void AdjustOpenFilesLimit(Config* config) {
  const int64_t maxclients = config->GetInt("maxclients");
  const auto wanted = static_cast<rlim_t>(maxclients + kReservedFds);
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn(
        "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting "
        "the max clients configuration accordingly.",
        std::strerror(errno));
    limit.rlim_cur = 1024;
  } else if (limit.rlim_cur < wanted) {
    const rlim_t original = limit.rlim_cur;
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (raised.rlim_cur <= original) {
      // The hard limit allows no more.
    } else if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit.rlim_cur = raised.rlim_cur;
      spdlog::info("Increased maximum number of open files to {} (it was originally set to {}).",
                   static_cast<uint64_t>(raised.rlim_cur), static_cast<uint64_t>(original));
    } else {
      spdlog::warn("Server can't set maximum open files to {} because of OS error: {}.",
                   static_cast<uint64_t>(raised.rlim_cur), std::strerror(errno));
    }
  }
  if (limit.rlim_cur >= wanted) return;
  const int64_t fit = std::max<int64_t>(1, static_cast<int64_t>(limit.rlim_cur) - kReservedFds);
  const std::string value = std::to_string(fit);
  if (config->IsExplicit("maxclients")) {
    std::string error;
    config->Set({{"maxclients", value}}, &error);
  } else {
    config->SetDerivedDefault("maxclients", value);  // CONFIG REWRITE does not keep it
  }
  spdlog::warn(
      "You requested maxclients of {} requiring at least {} max file descriptors. "
      "Current maximum open files is {}. maxclients has been reduced to {} to "
      "compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
      maxclients, static_cast<uint64_t>(wanted), static_cast<uint64_t>(limit.rlim_cur), fit);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    if (args[0] == "-v" || args[0] == "--version") {
      PrintVersion();
      return 0;
    }
    if (args[0] == "-h" || args[0] == "--help") {
      PrintUsage(argv[0]);
      return 0;
    }
  }

  Config config;
  std::string error;
  if (!config.LoadFromArgs(args, &error)) {
    std::fprintf(stderr, "%s", error.c_str());
    if (!error.empty() && error.back() != '\n') std::fputc('\n', stderr);
    return 1;
  }
  if (!SetUpLogging(config)) return 1;
  signal(SIGPIPE, SIG_IGN);
  // As Redis: a closed terminal does not stop the server.
  signal(SIGHUP, SIG_IGN);
  AdjustOpenFilesLimit(&config);

  // Open the data directory first: nothing should listen for a server that cannot start.
  redrock::engine::EngineOptions options = EngineOptionsFrom(config);
  redrock::server::ResolveMemoryBudget(&config, &options);
  options.hot_tier_bytes = config.GetMemory("hot-tier-size");
  options.background_jobs = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  std::unique_ptr<redrock::engine::Engine> engine;
  redrock::Status st = redrock::engine::Engine::Open(options, &engine);
  if (!st.ok()) {
    spdlog::critical("Can't open the data directory '{}': {}", options.dir, st.ToString());
    return 1;
  }

  redrock::server::CommandTable table;
  redrock::server::RegisterAllCommands(&table);

  redrock::server::Server server(&config, engine.get(), std::move(table));
  redrock::server::RegisterMemoryBudgetHooks(&config, engine.get());
  if (!server.Listen(&error)) {
    spdlog::critical("{}", error);
    engine->Close();
    return 1;
  }
  LogBanner(config, server.port());

  const std::string pidfile = config.GetString("pidfile");
  if (!pidfile.empty()) {
    std::ofstream(pidfile) << getpid() << "\n";
  }
  spdlog::info("Ready to accept connections tcp");

  server.Run();

  spdlog::info("Closing the database (flushing the WAL)...");
  st = engine->Close();
  if (!pidfile.empty()) std::filesystem::remove(pidfile, ec);
  if (!st.ok()) {
    spdlog::error("Error closing the database: {}", st.ToString());
    return 1;
  }
  spdlog::info("redrock is now ready to exit, bye bye...");
  return 0;
}
