// INFO: the Redis 7 sections (server, clients, memory, persistence, stats, replication, cpu,
// modules, commandstats, errorstats, cluster, keyspace) plus redrock's rocksdb section.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <iterator>
#include <random>

#include <fmt/format.h>
#include <jemalloc/jemalloc.h>

#include "engine/engine.h"
#include "server/config.h"
#include "server/families.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "server/snapshot_sessions.h"
#include "version.h"

namespace redrock::server {

namespace {

// Human-readable bytes as Redis's bytesToHuman: "1.13M", "200B".
std::string Human(uint64_t n) {
  const double d = static_cast<double>(n);
  if (n < 1024) return fmt::format("{}B", n);
  if (n < (1ULL << 20)) return fmt::format("{:.2f}K", d / 1024);
  if (n < (1ULL << 30)) return fmt::format("{:.2f}M", d / (1ULL << 20));
  if (n < (1ULL << 40)) return fmt::format("{:.2f}G", d / (1ULL << 30));
  if (n < (1ULL << 50)) return fmt::format("{:.2f}T", d / (1ULL << 40));
  return fmt::format("{:.2f}P", d / (1ULL << 50));
}

uint64_t ProcessRss() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Peak resident set size (VmHWM), bytes.
uint64_t ProcessPeakRss() {
  uint64_t kb = 0;
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), f) != nullptr) {
      if (std::sscanf(line, "VmHWM: %lu kB", &kb) == 1) break;
    }
    std::fclose(f);
  }
  return kb * 1024;
}

// Bytes the allocator has handed out and not taken back (jemalloc's stats.allocated).
uint64_t AllocatedBytes() {
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
  size_t allocated = 0;
  len = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) != 0) return 0;
  return allocated;
}

std::string Executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// A random 40-hex-digit id, fixed for the life of the process (run_id, master_replid).
const std::string& RandomId(int which) {
  static const std::array<std::string, 2> kIds = [] {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
    std::array<std::string, 2> out;
    for (auto& s : out) {
      for (int i = 0; i < 40; ++i)
        s += "0123456789abcdef"[gen() % 16];
    }
    return out;
  }();
  return kIds[which];
}

double Seconds(const struct timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

class InfoBuilder {
 public:
  void Section(std::string_view title) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += title;
    out_ += "\r\n";
  }
  template <typename T>
  void Field(std::string_view name, const T& value) {
    fmt::format_to(std::back_inserter(out_), "{}:{}\r\n", name, value);
  }
  void Raw(std::string_view line) {
    out_ += line;
    out_ += "\r\n";
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

void ServerSection(Server& server, InfoBuilder& b) {
  struct utsname name;
  uname(&name);
  const int64_t now_ms = NowMs();
  const int64_t uptime = (now_ms - server.start_time_ms()) / 1000;
  b.Section("Server");
  b.Field("redis_version", kRedisCompatVersion);
  b.Field("redrock_version", kRedrockVersion);
  b.Field("redis_git_sha1", "00000000");
  b.Field("redis_git_dirty", 0);
  b.Field("redis_build_id", "0");
  b.Field("redis_mode", "standalone");
  b.Field("os", fmt::format("{} {} {}", name.sysname, name.release, name.machine));
  b.Field("arch_bits", sizeof(void*) * 8);
  b.Field("monotonic_clock", "POSIX clock_gettime");
  b.Field("multiplexing_api", "epoll");
  b.Field("atomicvar_api", "c11-builtin");
  b.Field("gcc_version", fmt::format("{}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__));
  b.Field("process_id", getpid());
  b.Field("process_supervised", "no");
  b.Field("run_id", RandomId(0));
  b.Field("tcp_port", server.port());
  b.Field("server_time_usec", now_ms * 1000);
  b.Field("uptime_in_seconds", uptime);
  b.Field("uptime_in_days", uptime / 86400);
  b.Field("hz", server.config().GetInt("hz"));
  b.Field("configured_hz", server.config().GetInt("hz"));
  b.Field("lru_clock", (now_ms / 1000) & ((1 << 24) - 1));
  b.Field("executable", Executable());
  b.Field("config_file", server.config().config_file());
  b.Field("io_threads_active", server.io_threads() > 1 ? 1 : 0);
  b.Field("io_threads", server.io_threads());
}

void ClientsSection(Server& server, InfoBuilder& b) {
  b.Section("Clients");
  b.Field("connected_clients", server.connected_clients());
  b.Field("cluster_connections", 0);
  b.Field("maxclients", server.config().GetInt("maxclients"));
  b.Field("client_recent_max_input_buffer", 0);
  b.Field("client_recent_max_output_buffer", 0);
  b.Field("blocked_clients", server.blocked_clients());
  b.Field("tracking_clients", 0);
  b.Field("clients_in_timeout_table", 0);
}

void MemorySection(Server& server, InfoBuilder& b) {
  static std::atomic<uint64_t> peak{0};
  // glibc reports per-arena figures only, and RocksDB allocates from many threads: the
  // resident set is the honest total.
  const uint64_t rss = ProcessRss();
  const uint64_t allocated = AllocatedBytes();
  const uint64_t used = allocated != 0 ? allocated : rss;
  uint64_t p = peak.load();
  while (used > p && !peak.compare_exchange_weak(p, used)) {
  }
  p = std::max(p, used);
  const uint64_t maxmemory = server.config().GetMemory("maxmemory");
  const uint64_t total =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  b.Section("Memory");
  b.Field("used_memory", used);
  b.Field("used_memory_human", Human(used));
  b.Field("used_memory_rss", rss);
  b.Field("used_memory_rss_human", Human(rss));
  b.Field("used_memory_peak", p);
  b.Field("used_memory_peak_human", Human(p));
  b.Field("used_memory_peak_perc", fmt::format("{:.2f}%", p ? 100.0 * used / p : 100.0));
  b.Field("used_memory_dataset", used);
  b.Field("total_system_memory", total);
  b.Field("total_system_memory_human", Human(total));
  b.Field("used_memory_lua", 0);
  b.Field("used_memory_scripts", 0);
  b.Field("number_of_cached_scripts", 0);
  b.Field("maxmemory", maxmemory);
  b.Field("maxmemory_human", Human(maxmemory));
  b.Field("maxmemory_policy", server.config().GetString("maxmemory-policy"));
  b.Field("mem_fragmentation_ratio",
          fmt::format("{:.2f}", used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0));
  b.Field("mem_allocator", fmt::format("jemalloc-{}.{}.{}", JEMALLOC_VERSION_MAJOR,
                                       JEMALLOC_VERSION_MINOR, JEMALLOC_VERSION_BUGFIX));
  b.Field("lazyfree_pending_objects", 0);
  b.Field("lazyfreed_objects", 0);
  // redrock: how the budget (maxmemory) is used. RocksDB's cache holds the memtables too.
  const engine::Engine::MemoryUsage m = server.engine().memory_usage();
  b.Field("used_memory_rss_peak", ProcessPeakRss());
  b.Field("used_memory_rss_peak_human", Human(ProcessPeakRss()));
  b.Field("hot_tier_budget", server.config().GetMemory("hot-tier-size"));
  b.Field("block_cache_budget", server.config().GetMemory("block-cache-size"));
  b.Field("memtable_budget", m.memtable_budget);
  b.Field("rocksdb_cache_capacity", m.block_cache_capacity);
  b.Field("rocksdb_cache_usage", m.block_cache_usage);
  b.Field("rocksdb_cache_pinned", m.block_cache_pinned);
  b.Field("rocksdb_memtables", m.memtables);
  b.Field("rocksdb_table_readers", m.table_readers);
}

void PersistenceSection(Server& server, InfoBuilder& b) {
  engine::EngineStats es = server.engine().stats();
  b.Section("Persistence");
  b.Field("loading", 0);
  b.Field("async_loading", 0);
  b.Field("rdb_changes_since_last_save", server.changes_since_save());
  b.Field("rdb_bgsave_in_progress", server.bgsave_in_progress() ? 1 : 0);
  b.Field("rdb_last_save_time", es.last_save_unix);
  b.Field("rdb_last_bgsave_status", server.last_bgsave_ok() ? "ok" : "err");
  b.Field("rdb_last_bgsave_time_sec", server.last_bgsave_seconds());
  b.Field("rdb_current_bgsave_time_sec", -1);
  b.Field("rdb_saves", server.saves());
  b.Field("open_snapshots", server.snapshots().open());  // SNAPSHOT BEGIN (network dumps)
  b.Field("aof_enabled", 1);
  b.Field("aof_rewrite_in_progress", 0);
  b.Field("aof_rewrite_scheduled", 0);
  b.Field("aof_last_rewrite_time_sec", -1);
  b.Field("aof_current_rewrite_time_sec", -1);
  b.Field("aof_last_bgrewrite_status", "ok");
  b.Field("aof_last_write_status", "ok");
  b.Field("appendfsync", engine::FsyncModeName(server.engine().fsync_mode()));
  b.Field("wal_syncs", es.wal_syncs);
}

void StatsSection(Server& server, InfoBuilder& b) {
  ServerStats s = server.Stats();
  engine::EngineStats es = server.engine().stats();
  b.Section("Stats");
  b.Field("total_connections_received", s.connections_received);
  b.Field("total_commands_processed", s.commands_processed);
  b.Field("instantaneous_ops_per_sec", static_cast<int64_t>(s.instantaneous_ops_per_sec));
  b.Field("total_net_input_bytes", s.net_input_bytes);
  b.Field("total_net_output_bytes", s.net_output_bytes);
  b.Field("total_net_repl_input_bytes", 0);
  b.Field("total_net_repl_output_bytes", 0);
  b.Field("instantaneous_input_kbps", fmt::format("{:.2f}", s.instantaneous_input_kbps));
  b.Field("instantaneous_output_kbps", fmt::format("{:.2f}", s.instantaneous_output_kbps));
  b.Field("instantaneous_input_repl_kbps", "0.00");
  b.Field("instantaneous_output_repl_kbps", "0.00");
  b.Field("rejected_connections", s.rejected_connections);
  b.Field("sync_full", 0);
  b.Field("sync_partial_ok", 0);
  b.Field("sync_partial_err", 0);
  b.Field("expired_keys", es.expired_keys);
  b.Field("expired_stale_perc", "0.00");
  b.Field("expired_time_cap_reached_count", 0);
  b.Field("expire_cycles", es.active_expire_cycles);
  b.Field("evicted_keys", 0);
  b.Field("evicted_clients", 0);
  b.Field("keyspace_hits", s.keyspace_hits);
  b.Field("keyspace_misses", s.keyspace_misses);
  b.Field("pubsub_channels", server.pubsub().ChannelCount(false));
  b.Field("pubsub_patterns", server.pubsub().NumPat());
  b.Field("pubsubshard_channels", server.pubsub().ChannelCount(true));
  b.Field("latest_fork_usec", 0);
  b.Field("total_forks", 0);
  b.Field("migrate_cached_sockets", 0);
  b.Field("total_error_replies", s.error_replies);
  b.Field("unexpected_error_replies", 0);
}

void ReplicationSection(Server&, InfoBuilder& b) {
  b.Section("Replication");
  b.Field("role", "master");
  b.Field("connected_slaves", 0);
  b.Field("master_failover_state", "no-failover");
  b.Field("master_replid", RandomId(1));
  b.Field("master_replid2", std::string(40, '0'));
  b.Field("master_repl_offset", 0);
  b.Field("second_repl_offset", -1);
  b.Field("repl_backlog_active", 0);
  b.Field("repl_backlog_size", 1048576);
  b.Field("repl_backlog_first_byte_offset", 0);
  b.Field("repl_backlog_histlen", 0);
}

void CpuSection(Server&, InfoBuilder& b) {
  struct rusage self, children, thread;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  b.Section("CPU");
  b.Field("used_cpu_sys", fmt::format("{:.6f}", Seconds(self.ru_stime)));
  b.Field("used_cpu_user", fmt::format("{:.6f}", Seconds(self.ru_utime)));
  b.Field("used_cpu_sys_children", fmt::format("{:.6f}", Seconds(children.ru_stime)));
  b.Field("used_cpu_user_children", fmt::format("{:.6f}", Seconds(children.ru_utime)));
  b.Field("used_cpu_sys_main_thread", fmt::format("{:.6f}", Seconds(thread.ru_stime)));
  b.Field("used_cpu_user_main_thread", fmt::format("{:.6f}", Seconds(thread.ru_utime)));
}

void CommandStatsSection(Server& server, InfoBuilder& b) {
  b.Section("Commandstats");
  for (const CommandStatLine& c : server.CommandStats()) {
    b.Raw(
        fmt::format("cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},"
                    "failed_calls={}",
                    c.name, c.calls, c.usec,
                    c.calls ? static_cast<double>(c.usec) / static_cast<double>(c.calls) : 0.0,
                    c.rejected, c.failed));
  }
}

void ErrorStatsSection(Server& server, InfoBuilder& b) {
  b.Section("Errorstats");
  for (const auto& [code, count] : server.ErrorStats()) {
    b.Raw(fmt::format("errorstat_{}:count={}", code, count));
  }
}

void KeyspaceSection(Server& server, InfoBuilder& b) {
  b.Section("Keyspace");
  engine::Engine& engine = server.engine();
  for (int db = 0; db < engine.databases(); ++db) {
    const int64_t keys = engine.KeyCount(db);
    if (keys <= 0) continue;
    b.Raw(fmt::format("db{}:keys={},expires={},avg_ttl=0", db, keys, engine.ExpireCount(db)));
  }
}

void RocksdbSection(Server& server, InfoBuilder& b) {
  engine::Engine& engine = server.engine();
  engine::EngineStats es = engine.stats();
  const uint64_t disk = engine.DiskUsage();
  b.Section("Rocksdb");
  b.Field("rocksdb_disk_usage", disk);
  b.Field("rocksdb_disk_usage_human", Human(disk));
  b.Field("rocksdb_estimate_num_keys", engine.IntProperty("rocksdb.estimate-num-keys"));
  b.Field("rocksdb_live_data_size", engine.IntProperty("rocksdb.estimate-live-data-size"));
  b.Field("rocksdb_memtable_size", engine.IntProperty("rocksdb.cur-size-all-mem-tables"));
  b.Field("rocksdb_block_cache_usage", engine.IntProperty("rocksdb.block-cache-usage"));
  b.Field("rocksdb_pending_compaction_bytes",
          engine.IntProperty("rocksdb.estimate-pending-compaction-bytes"));
  b.Field("rocksdb_running_compactions", engine.IntProperty("rocksdb.num-running-compactions"));
  b.Field("rocksdb_running_flushes", engine.IntProperty("rocksdb.num-running-flushes"));
  b.Field("rocksdb_wal_syncs", es.wal_syncs);
  b.Field("rocksdb_wal_writes", es.wal_writes);
  b.Field("rocksdb_active_expire_cycles", es.active_expire_cycles);
  b.Field("rocksdb_expired_stale_entries", es.expired_stale_entries);
}

// The hot tier: the in-memory copy of hot records in front of RocksDB.
void HottierSection(Server& server, InfoBuilder& b) {
  const engine::HotTierStats s = server.engine().hot_tier_stats();
  const uint64_t lookups = s.hits + s.misses;
  b.Section("Hottier");
  b.Field("hot_tier_enabled", s.budget_bytes != 0 ? 1 : 0);
  b.Field("hot_tier_used_bytes", s.used_bytes);
  b.Field("hot_tier_used_human", Human(s.used_bytes));
  b.Field("hot_tier_budget_bytes", s.budget_bytes);
  b.Field("hot_tier_budget_human", Human(s.budget_bytes));
  b.Field("hot_tier_entries", s.entries);
  b.Field("hot_tier_negative_entries", s.negative_entries);
  b.Field("hot_tier_collections", s.collections);
  b.Field("hot_tier_hits", s.hits);
  b.Field("hot_tier_misses", s.misses);
  b.Field("hot_tier_hit_ratio",
          fmt::format("{:.4f}", lookups ? static_cast<double>(s.hits) / lookups : 0.0));
  b.Field("hot_tier_evictions", s.evictions);
  b.Field("hot_tier_admissions_rejected", s.admissions_rejected);
  b.Field("hot_tier_stale_fills_refused", s.stale_fills_refused);
}

struct SectionDef {
  std::string_view name;
  void (*fn)(Server&, InfoBuilder&);
  bool in_default;
};

constexpr SectionDef kSections[] = {
    {"server", ServerSection, true},
    {"clients", ClientsSection, true},
    {"memory", MemorySection, true},
    {"persistence", PersistenceSection, true},
    {"stats", StatsSection, true},
    {"replication", ReplicationSection, true},
    {"cpu", CpuSection, true},
    {"modules", [](Server&, InfoBuilder& b) { b.Section("Modules"); }, true},
    {"commandstats", CommandStatsSection, false},
    {"errorstats", ErrorStatsSection, true},
    {"cluster",
     [](Server&, InfoBuilder& b) {
       b.Section("Cluster");
       b.Field("cluster_enabled", 0);
     },
     true},
    {"keyspace", KeyspaceSection, true},
    {"rocksdb", RocksdbSection, true},
    {"hottier", HottierSection, true},
};

void Info(CommandContext& ctx) {
  std::vector<std::string> requested(ctx.args.begin() + 1, ctx.args.end());
  ctx.reply.Verbatim("txt", GenerateInfo(ctx.server, requested));
}

}  // namespace

std::string GenerateInfo(Server& server, const std::vector<std::string>& sections) {
  bool all = false, everything = false, defaults = sections.empty();
  std::vector<bool> wanted(std::size(kSections), false);
  for (const std::string& s : sections) {
    if (EqualsNoCase(s, "all")) {
      all = true;
    } else if (EqualsNoCase(s, "everything")) {
      everything = true;
    } else if (EqualsNoCase(s, "default")) {
      defaults = true;
    } else {
      for (size_t i = 0; i < std::size(kSections); ++i) {
        if (EqualsNoCase(s, kSections[i].name)) wanted[i] = true;
      }
    }
  }
  InfoBuilder b;
  for (size_t i = 0; i < std::size(kSections); ++i) {
    if (all || everything || wanted[i] || (defaults && kSections[i].in_default)) {
      kSections[i].fn(server, b);
    }
  }
  return std::move(b.text());
}

void RegisterInfoCommand(CommandTable* table) {
  CommandSpec info;
  info.name = "info";
  info.arity = -1;
  info.flags = kCmdLoading | kCmdStale;
  info.first_key = info.last_key = info.key_step = 0;
  info.handler = Info;
  info.group = "server";
  info.summary = "Get information and statistics about the server";
  info.since = "1.0.0";
  info.acl_categories = {"@slow", "@dangerous"};
  info.tips = {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"};
  info.complexity = "O(1)";
  table->Register(std::move(info));
}

}  // namespace redrock::server
