// Config registry: parsing of typed values, file/flag loading, CONFIG GET/SET/REWRITE.
#include "server/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "engine/glob.h"
#include "engine/numbers.h"
#include "protocol/request_parser.h"
#include "version.h"

namespace redrock::server {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ')
      ++j;
    if (j > i) words.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// Quotes a value the way Redis's sdscatrepr does.
std::string Repr(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        }
    }
  }
  out.push_back('"');
  return out;
}

// A value as a config-file word: bare when that parses back identically, else quoted.
std::string Word(std::string_view s) {
  if (s.empty()) return "\"\"";
  for (unsigned char c : s) {
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\') return Repr(s);
  }
  return std::string(s);
}

bool HasGlobChars(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

std::string FatalError(int line, std::string_view text, std::string_view reason) {
  std::ostringstream out;
  out << "\n*** FATAL CONFIG FILE ERROR (Redis " << kRedisCompatVersion << ") ***\n"
      << "Reading the configuration file, at line " << line << "\n"
      << ">>> '" << text << "'\n"
      << reason << "\n";
  return out.str();
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// --- validators for parameters with their own syntax ---

// save: pairs of <seconds> <changes>.
std::string ValidateSave(std::string* value) {
  std::vector<std::string> words = SplitWords(*value);
  if (words.size() % 2 != 0) return "Invalid save parameters";
  for (const std::string& w : words) {
    int64_t n;
    if (!ParseInt64(w, &n) || n < 0) return "Invalid save parameters";
  }
  return "";
}

// notify-keyspace-events: class characters, normalized to Redis's canonical order.
std::string ValidateNotify(std::string* value) {
  static constexpr std::string_view kClasses = "g$lshzxetdn";
  bool seen[128] = {};
  for (char c : *value) {
    if (c == 'A') {
      for (char k : std::string_view("g$lshzxetd"))
        seen[static_cast<int>(k)] = true;
    } else if (std::string_view("g$lshzxetdnKEm").find(c) != std::string_view::npos) {
      seen[static_cast<int>(c)] = true;
    } else {
      return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
  }
  std::string out;
  bool all = true;
  for (char k : std::string_view("g$lshzxetd"))
    all = all && seen[static_cast<int>(k)];
  if (all) {
    out += 'A';
    if (seen[static_cast<int>('n')]) out += 'n';
  } else {
    for (char k : kClasses) {
      if (seen[static_cast<int>(k)]) out += k;
    }
  }
  for (char k : std::string_view("KEm")) {
    if (seen[static_cast<int>(k)]) out += k;
  }
  *value = out;
  return "";
}

std::string ValidateHz(std::string* value) {
  int64_t hz = 0;
  ParseInt64(*value, &hz);
  if (hz < 1) hz = 1;
  if (hz > 500) hz = 500;
  *value = FormatInt64(hz);
  return "";
}

std::string ValidatePercentiles(std::string* value) {
  for (const std::string& w : SplitWords(*value)) {
    double d;
    if (!ParseDouble(w, &d) || d < 0 || d > 100) {
      return "Invalid latency-tracking-info-percentiles parameters";
    }
  }
  return "";
}

std::string ValidateDaemonize(std::string* value) {
  if (*value == "yes") return "daemonize yes is not supported; run redrock under a supervisor";
  return "";
}

std::string ValidateBind(std::string* value) {
  if (SplitWords(*value).empty()) return "Too many bind addresses specified.";
  return "";
}

ConfigParam Bool(std::string name, bool def, bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kBool;
  p.default_value = def ? "yes" : "no";
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam Int(std::string name, int64_t def, int64_t min, int64_t max, bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kInt;
  p.default_value = FormatInt64(def);
  p.min = min;
  p.max = max;
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam Memory(std::string name, uint64_t def, int64_t min, bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kMemory;
  p.default_value = std::to_string(def);
  p.min = min;
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam Str(std::string name, std::string def, bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kString;
  p.default_value = std::move(def);
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam Enum(std::string name, std::string def, std::vector<std::string> values,
                 bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kEnum;
  p.default_value = std::move(def);
  p.enum_values = std::move(values);
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam List(std::string name, std::string def, bool mut = true) {
  ConfigParam p;
  p.name = std::move(name);
  p.type = ConfigType::kList;
  p.default_value = std::move(def);
  p.mutable_at_runtime = mut;
  return p;
}

ConfigParam WithAlias(ConfigParam p, std::string alias) {
  p.aliases.push_back(std::move(alias));
  return p;
}

ConfigParam WithValidate(ConfigParam p, ConfigValidateFn fn) {
  p.validate = std::move(fn);
  return p;
}

// client-output-buffer-limit <class> <hard> <soft> <soft seconds> [<class> ...]: the classes
// given replace theirs in `current`; "replica" is shown as "slave", sizes in bytes, as Redis
// does. Nothing changes unless every group is valid.
std::string MergeOutputBufferLimits(const std::string& current, std::string* value) {
  const std::vector<std::string> words = SplitWords(*value);
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  static const char* const kClasses[] = {"normal", "slave", "pubsub"};
  std::vector<std::string> limits(3 * 3);  // class-major: hard, soft, seconds
  const std::vector<std::string> old = SplitWords(current);
  for (size_t i = 0; i + 3 < old.size() && i / 4 < 3; i += 4) {
    for (size_t k = 0; k < 3; k++)
      limits[i / 4 * 3 + k] = old[i + 1 + k];
  }
  for (size_t i = 0; i < words.size(); i += 4) {
    std::string cls = Lower(words[i]);
    if (cls == "replica") cls = "slave";
    size_t c = 0;
    while (c < 3 && cls != kClasses[c])
      c++;
    if (c == 3) return "Invalid client class specified in buffer limit configuration.";
    uint64_t hard, soft;
    int64_t seconds;
    if (!Config::ParseMemory(words[i + 1], &hard) || !Config::ParseMemory(words[i + 2], &soft) ||
        !ParseInt64(words[i + 3], &seconds) || seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[c * 3] = std::to_string(hard);
    limits[c * 3 + 1] = std::to_string(soft);
    limits[c * 3 + 2] = std::to_string(seconds);
  }
  std::vector<std::string> out;
  for (size_t c = 0; c < 3; c++) {
    out.emplace_back(kClasses[c]);
    for (size_t k = 0; k < 3; k++)
      out.push_back(limits[c * 3 + k].empty() ? "0" : limits[c * 3 + k]);
  }
  *value = Join(out);
  return "";
}

// oom-score-adj-values: three integers in [-2000, 2000].
std::string ValidateOomScoreAdjValues(std::string* value) {
  const std::vector<std::string> words = SplitWords(*value);
  if (words.size() != 3) return "wrong number of arguments";
  for (const std::string& w : words) {
    int64_t n;
    if (!ParseInt64(w, &n) || n < -2000 || n > 2000) {
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    }
  }
  return "";
}

constexpr int64_t kIntMax = 2147483647;
constexpr int64_t kLongMax = INT64_MAX;

// One io thread per core but one: the kernel's network processing, RocksDB's flushes and
// compactions and, often, clients on the same machine need CPU too. On 2 cores, with
// redis-benchmark on the same machine, 1 thread against 2 measured GET -P1 +20%, SET -P1
// +25%, SET -P16 even and GET -P16 -14% (docs/configuration.md).
int DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n <= 2 ? 1 : static_cast<int>(n) - 1;
}

}  // namespace

Config::Config() {
  // Parameters redrock acts on.
  Define(Int("port", 6379, 0, 65535, false));
  Define(WithValidate(List("bind", "127.0.0.1", false), ValidateBind));
  Define(Str("dir", "./data", false));
  Define(Enum("appendfsync", "everysec", {"everysec", "always", "no"}));
  Define(Int("databases", 16, 1, kIntMax, false));
  Define(Str("requirepass", ""));
  Define(Memory("maxmemory", 0, 0));
  Define(Enum("maxmemory-policy", "noeviction",
              {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
               "allkeys-lfu", "allkeys-random", "noeviction"}));
  Define(Enum("loglevel", "notice", {"debug", "verbose", "notice", "warning"}));
  Define(Str("logfile", "", false));
  Define(WithAlias(Int("io-threads", DefaultThreads(), 1, 128, false), "threads"));
  Define(Memory("proto-max-bulk-len", 512ULL << 20, 1 << 20));
  Define(Memory("client-query-buffer-limit", 1ULL << 30, 1 << 20));
  Define(Int("maxclients", 10000, 1, 4294967295LL));
  Define(Int("timeout", 0, 0, kIntMax));
  Define(Int("tcp-keepalive", 300, 0, kIntMax));
  Define(Int("tcp-backlog", 511, 0, kIntMax, false));
  Define(WithValidate(Int("hz", 10, 0, kIntMax), ValidateHz));
  Define(WithValidate(Str("notify-keyspace-events", ""), ValidateNotify));
  {
    ConfigParam save = WithValidate(List("save", ""), ValidateSave);
    save.accumulate = true;
    Define(std::move(save));
  }
  Define(Bool("appendonly", true));
  Define(WithValidate(Bool("daemonize", false, false), ValidateDaemonize));
  Define(Str("pidfile", "", false));
  Define(Memory("hot-tier-size", 256ULL << 20, 0));
  // Memory budget parts; unless given, derived from maxmemory at start (memory_budget.cc).
  Define(Memory("block-cache-size", 128ULL << 20, 0));
  Define(Memory("write-buffer-size", 64ULL << 20, 1 << 20));
  Define(WithAlias(Int("busy-reply-threshold", 5000, 0, kLongMax), "lua-time-limit"));
  Define(Enum("enable-debug-command", "local", {"no", "yes", "local"}, false));
  Define(Str("unixsocket", "", false));

  // Accepted for compatibility: clients and tools CONFIG GET them; they change nothing.
  Define(Bool("protected-mode", true));
  Define(Enum("supervised", "no", {"upstart", "systemd", "auto", "no"}, false));
  Define(Bool("cluster-enabled", false, false));
  Define(Int("cluster-node-timeout", 15000, 0, kLongMax));
  Define(Str("cluster-config-file", "nodes.conf", false));
  Define(WithAlias(Str("replicaof", "", false), "slaveof"));
  Define(WithAlias(Bool("replica-read-only", true), "slave-read-only"));
  Define(WithAlias(Bool("replica-serve-stale-data", true), "slave-serve-stale-data"));
  Define(WithAlias(Int("replica-priority", 100, 0, kIntMax), "slave-priority"));
  Define(WithAlias(Bool("replica-lazy-flush", false), "slave-lazy-flush"));
  Define(WithAlias(Int("min-replicas-to-write", 0, 0, kIntMax), "min-slaves-to-write"));
  Define(WithAlias(Int("min-replicas-max-lag", 10, 0, kIntMax), "min-slaves-max-lag"));
  Define(Str("masterauth", ""));
  Define(Str("masteruser", ""));
  Define(Memory("repl-backlog-size", 1 << 20, 1));
  Define(Int("repl-backlog-ttl", 3600, 0, kIntMax));
  Define(Int("repl-timeout", 60, 1, kIntMax));
  Define(Bool("repl-diskless-sync", true));
  Define(Int("repl-diskless-sync-delay", 5, 0, kIntMax));
  {
    ConfigParam limits =
        List("client-output-buffer-limit",
             "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    limits.merge = MergeOutputBufferLimits;
    Define(std::move(limits));
  }
  Define(Bool("repl-disable-tcp-nodelay", false));
  Define(Int("repl-diskless-sync-max-replicas", 0, 0, kIntMax));
  Define(Enum("repl-diskless-load", "disabled", {"disabled", "on-empty-db", "swapdb"}));
  Define(Bool("rdb-del-sync-files", false));
  Define(Bool("rdb-save-incremental-fsync", true));
  Define(Bool("aof-rewrite-incremental-fsync", true));
  Define(Bool("aof-timestamp-enabled", false));
  Define(Bool("disable-thp", true, false));
  Define(Str("proc-title-template", "{title} {listen-addr} {server-mode}", false));
  Define(Str("dbfilename", "dump.rdb"));
  Define(Str("appendfilename", "appendonly.aof", false));
  Define(Str("appenddirname", "appendonlydir", false));
  Define(Bool("rdbcompression", true));
  Define(Bool("rdbchecksum", true));
  Define(Bool("stop-writes-on-bgsave-error", true));
  Define(Bool("no-appendfsync-on-rewrite", false));
  Define(Int("auto-aof-rewrite-percentage", 100, 0, kIntMax));
  Define(Memory("auto-aof-rewrite-min-size", 64ULL << 20, 0));
  Define(Bool("aof-load-truncated", true));
  Define(Bool("aof-use-rdb-preamble", true));
  Define(Bool("lazyfree-lazy-eviction", false));
  Define(Bool("lazyfree-lazy-expire", false));
  Define(Bool("lazyfree-lazy-server-del", false));
  Define(Bool("lazyfree-lazy-user-del", false));
  Define(Bool("lazyfree-lazy-user-flush", false));
  Define(Int("maxmemory-samples", 5, 1, 64));
  Define(Int("maxmemory-eviction-tenacity", 10, 0, 100));
  Define(Memory("maxmemory-clients", 0, 0));
  Define(Int("lfu-log-factor", 10, 0, kIntMax));
  Define(Int("lfu-decay-time", 1, 0, kIntMax));
  Define(Int("active-expire-effort", 1, 1, 10));
  Define(Bool("activerehashing", true));
  Define(Bool("activedefrag", false));
  Define(Bool("dynamic-hz", true));
  Define(Int("slowlog-log-slower-than", 10000, -1, kLongMax));
  Define(Int("slowlog-max-len", 128, 0, kLongMax));
  Define(Int("latency-monitor-threshold", 0, 0, kLongMax));
  Define(Bool("latency-tracking", true));
  Define(
      WithValidate(List("latency-tracking-info-percentiles", "50 99 99.9"), ValidatePercentiles));
  Define(Int("tracking-table-max-keys", 1000000, 0, kLongMax));
  Define(Int("acllog-max-len", 128, 0, kLongMax));
  Define(Str("aclfile", "", false));
  Define(Enum("acl-pubsub-default", "resetchannels", {"allchannels", "resetchannels"}));
  Define(WithAlias(Int("hash-max-listpack-entries", 512, 0, kLongMax), "hash-max-ziplist-entries"));
  Define(WithAlias(Int("hash-max-listpack-value", 64, 0, kLongMax), "hash-max-ziplist-value"));
  Define(WithAlias(Int("zset-max-listpack-entries", 128, 0, kLongMax), "zset-max-ziplist-entries"));
  Define(WithAlias(Int("zset-max-listpack-value", 64, 0, kLongMax), "zset-max-ziplist-value"));
  Define(WithAlias(Int("list-max-listpack-size", -2, INT32_MIN, kIntMax), "list-max-ziplist-size"));
  Define(Int("list-compress-depth", 0, 0, kIntMax));
  Define(Int("set-max-intset-entries", 512, 0, kLongMax));
  Define(Int("hll-sparse-max-bytes", 3000, 0, kLongMax));
  Define(Int("stream-node-max-bytes", 4096, 0, kLongMax));
  Define(Int("stream-node-max-entries", 100, 0, kLongMax));
  Define(Int("shutdown-timeout", 10, 0, kIntMax));
  Define(Str("shutdown-on-sigint", "default"));
  Define(Str("shutdown-on-sigterm", "default"));
  Define(Bool("always-show-logo", false, false));
  Define(Bool("set-proc-title", true, false));
  Define(Bool("crash-log-enabled", true));
  Define(Bool("syslog-enabled", false, false));
  Define(Str("syslog-ident", "redis", false));
  Define(Int("tls-port", 0, 0, 65535, false));
  Define(Enum("enable-protected-configs", "no", {"no", "yes", "local"}, false));
  Define(Enum("enable-module-command", "no", {"no", "yes", "local"}, false));
  Define(Enum("sanitize-dump-payload", "no", {"no", "yes", "clients"}));
  Define(Bool("jemalloc-bg-thread", true));
  Define(Enum("oom-score-adj", "no", {"no", "yes", "relative", "absolute"}));
  Define(WithValidate(List("oom-score-adj-values", "0 200 800"), ValidateOomScoreAdjValues));
  Define(Bool("io-threads-do-reads", false, false));
}

void Config::Define(ConfigParam param) {
  param.name = Lower(param.name);
  auto entry = std::make_unique<Entry>();
  entry->value = param.default_value;
  entry->param = std::move(param);
  Entry* e = entry.get();
  std::lock_guard<std::mutex> lock(mu_);
  by_name_[e->param.name] = e;
  for (const std::string& alias : e->param.aliases)
    by_name_[Lower(alias)] = e;
  entries_.push_back(std::move(entry));
}

Config::Entry* Config::Lookup(std::string_view name) const {
  auto it = by_name_.find(Lower(name));
  return it == by_name_.end() ? nullptr : it->second;
}

bool Config::ParseMemory(std::string_view text, uint64_t* bytes) {
  // As Redis's memtoull: digits then an optional unit; "" and "b" alone mean 0.
  if (!text.empty() && text[0] == '-') return false;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits >= 128) return false;
  std::string unit = Lower(text.substr(digits));
  uint64_t mul;
  if (unit.empty() || unit == "b") {
    mul = 1;
  } else if (unit == "k") {
    mul = 1000;
  } else if (unit == "kb") {
    mul = 1024;
  } else if (unit == "m") {
    mul = 1000ULL * 1000;
  } else if (unit == "mb") {
    mul = 1024ULL * 1024;
  } else if (unit == "g") {
    mul = 1000ULL * 1000 * 1000;
  } else if (unit == "gb") {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - d) / 10) {
      value = UINT64_MAX;  // strtoull saturates
      break;
    }
    value = value * 10 + d;
  }
  *bytes = (value != 0 && mul > UINT64_MAX / value) ? UINT64_MAX : value * mul;
  return true;
}

std::string Config::FormatMemory(uint64_t bytes) {
  constexpr uint64_t kGb = 1ULL << 30, kMb = 1ULL << 20, kKb = 1ULL << 10;
  if (bytes == 0) return "0";
  if (bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

std::string Config::ParseValue(const Entry& entry, const std::vector<std::string>& args,
                               std::string* canonical) {
  const ConfigParam& p = entry.param;
  if (p.type == ConfigType::kList) {
    std::vector<std::string> words;
    for (const std::string& a : args) {
      for (std::string& w : SplitWords(a))
        words.push_back(std::move(w));
    }
    *canonical = Join(words);
    if (p.merge) {
      std::string reason = p.merge(entry.value, canonical);
      if (!reason.empty()) return reason;
    }
  } else {
    if (args.size() != 1) return "wrong number of arguments";
    const std::string& v = args[0];
    switch (p.type) {
      case ConfigType::kBool: {
        std::string l = Lower(v);
        if (l != "yes" && l != "no") return "argument must be 'yes' or 'no'";
        *canonical = l;
        break;
      }
      case ConfigType::kInt: {
        int64_t n;
        if (!ParseInt64(v, &n)) return "argument couldn't be parsed into an integer";
        if (n < p.min || n > p.max) {
          return "argument must be between " + std::to_string(p.min) + " and " +
                 std::to_string(p.max) + " inclusive";
        }
        *canonical = FormatInt64(n);
        break;
      }
      case ConfigType::kMemory: {
        uint64_t n;
        if (!ParseMemory(v, &n)) return "argument must be a memory value";
        if (p.min > 0 && n < static_cast<uint64_t>(p.min)) {
          return "argument must be between " + std::to_string(p.min) + " and " +
                 std::to_string(INT64_MAX) + " inclusive";
        }
        *canonical = std::to_string(n);
        break;
      }
      case ConfigType::kEnum: {
        std::string l = Lower(v);
        bool found = false;
        for (const std::string& e : p.enum_values)
          found = found || e == l;
        if (!found) {
          std::string list;
          for (const std::string& e : p.enum_values)
            list += (list.empty() ? "" : ", ") + e;
          return "argument(s) must be one of the following: " + list;
        }
        *canonical = l;
        break;
      }
      default:
        *canonical = v;
    }
  }
  if (p.validate) return p.validate(canonical);
  return "";
}

bool Config::LoadFromArgs(const std::vector<std::string>& args, std::string* error) {
  size_t j = 0;
  std::string text;
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    const std::string& path = args[0];
    if (!ReadFile(path, &text)) {
      *error = "Fatal error, can't open config file '" + path + "': " + std::strerror(errno);
      return false;
    }
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(path, ec);
    std::lock_guard<std::mutex> lock(mu_);
    config_file_ = ec ? path : abs.string();
    j = 1;
  }
  // As redis-server: each "--name" starts a directive line, the following arguments are its
  // (quoted) values. A "--" word right after a name without value is taken as that value.
  std::string options;
  bool handled_last = true;
  for (; j < args.size(); ++j) {
    const std::string& a = args[j];
    if (handled_last && a.size() >= 2 && a[0] == '-' && a[1] == '-') {
      if (!options.empty()) options += "\n";
      options += a.substr(2);
      options += " ";
      protocol::Request words;
      bool one_word = protocol::SplitInlineArgs(a, &words) && words.size() == 1;
      if (one_word) {
        handled_last = false;
        if (Lower(a) == "--save" &&
            (j + 1 == args.size() ||
             (args[j + 1].size() >= 2 && args[j + 1][0] == '-' && args[j + 1][1] == '-'))) {
          options += "\"\"";  // "--save" with no value means save ""
          handled_last = true;
        }
      } else {
        handled_last = true;
      }
    } else {
      options += Repr(a);
      options += " ";
      handled_last = true;
    }
  }
  text += "\n";
  text += options;
  return LoadText(text, error);
}

bool Config::LoadText(std::string_view text, std::string* error) {
  loaded_in_file_.clear();
  return LoadTextAt(text, 0, error);
}

bool Config::LoadTextAt(std::string_view text, int depth, std::string* error) {
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    protocol::Request args;
    if (!protocol::SplitInlineArgs(line, &args)) {
      *error = FatalError(line_no, line, "Unbalanced quotes in configuration line");
      return false;
    }
    if (args.empty()) continue;
    std::string name = Lower(args[0]);
    if (name == "include" && args.size() == 2) {
      std::string included;
      if (depth > 16 || !ReadFile(args[1], &included)) {
        *error = "Fatal error, can't open config file '" + args[1] + "': " +
                 (depth > 16 ? std::string("too many nested includes") : std::strerror(errno));
        return false;
      }
      if (!LoadTextAt(included, depth + 1, error)) return false;
      continue;
    }
    Entry* entry = Lookup(name);
    if (entry == nullptr) {
      *error = FatalError(line_no, line, "Bad directive or wrong number of arguments");
      return false;
    }
    std::vector<std::string> values(args.begin() + 1, args.end());
    if (values.empty()) {
      *error = FatalError(line_no, line, "wrong number of arguments");
      return false;
    }
    std::string canonical;
    std::string reason = ParseValue(*entry, values, &canonical);
    if (!reason.empty()) {
      *error = FatalError(line_no, line, reason);
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    bool seen = false;
    for (const std::string& n : loaded_in_file_)
      seen = seen || n == entry->param.name;
    if (entry->param.accumulate && seen && !canonical.empty()) {
      // save 900 1 / save 300 10 build one list; the first occurrence replaced the default.
      entry->value = entry->value.empty() ? canonical : entry->value + " " + canonical;
    } else {
      entry->value = canonical;
    }
    entry->explicitly_set = true;
    if (!seen) loaded_in_file_.push_back(entry->param.name);
  }
  return true;
}

std::string Config::GetString(std::string_view name) const {
  Entry* e = Lookup(name);
  if (e == nullptr) return "";
  std::lock_guard<std::mutex> lock(mu_);
  return e->value;
}

int64_t Config::GetInt(std::string_view name) const {
  int64_t n = 0;
  ParseInt64(GetString(name), &n);
  return n;
}

uint64_t Config::GetMemory(std::string_view name) const {
  uint64_t n = 0;
  ParseMemory(GetString(name), &n);
  return n;
}

bool Config::GetBool(std::string_view name) const {
  return GetString(name) == "yes";
}

std::vector<std::string> Config::GetList(std::string_view name) const {
  return SplitWords(GetString(name));
}

std::vector<std::pair<std::string, std::string>> Config::Match(
    const std::vector<std::string_view>& patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unordered_set<std::string> reported;
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string_view pattern : patterns) {
    if (!HasGlobChars(pattern)) {
      auto it = by_name_.find(Lower(pattern));
      if (it != by_name_.end() && reported.insert(Lower(pattern)).second) {
        out.emplace_back(std::string(pattern), it->second->value);
      }
      continue;
    }
    for (const auto& entry : entries_) {
      auto report = [&](const std::string& name) {
        if (GlobMatch(pattern, name, true) && reported.insert(name).second) {
          out.emplace_back(name, entry->value);
        }
      };
      report(entry->param.name);
      for (const std::string& alias : entry->param.aliases)
        report(alias);
    }
  }
  return out;
}

bool Config::Set(const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                 std::string* error) {
  std::lock_guard<std::mutex> set_lock(set_mu_);
  auto failed = [&](std::string_view name, std::string_view reason) {
    *error = "ERR CONFIG SET failed (possibly related to argument '";
    *error += name;
    *error += "') - ";
    *error += reason;
    return false;
  };
  std::vector<Entry*> targets;
  for (const auto& [name, value] : pairs) {
    Entry* e = Lookup(name);
    if (e == nullptr) {
      *error = "ERR Unknown option or number of arguments for CONFIG SET - '";
      *error += name;
      *error += "'";
      return false;
    }
    if (!e->param.mutable_at_runtime) return failed(name, "can't set immutable config");
    for (Entry* t : targets) {
      if (t == e) return failed(name, "duplicate parameter");
    }
    targets.push_back(e);
  }
  std::vector<std::string> values(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string reason = ParseValue(*targets[i], {std::string(pairs[i].second)}, &values[i]);
    if (!reason.empty()) return failed(pairs[i].first, reason);
  }
  std::vector<std::string> old(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      old[i] = targets[i]->value;
      targets[i]->value = values[i];
      targets[i]->explicitly_set = true;
    }
    std::string reason = targets[i]->apply ? targets[i]->apply(values[i]) : "";
    if (!reason.empty()) {
      // Roll back what was already applied, newest first.
      for (size_t k = i + 1; k-- > 0;) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          targets[k]->value = old[k];
        }
        if (k < i && targets[k]->apply) targets[k]->apply(old[k]);
      }
      return failed(pairs[i].first, reason);
    }
  }
  return true;
}

bool Config::IsExplicit(std::string_view name) const {
  Entry* e = Lookup(name);
  if (e == nullptr) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return e->explicitly_set;
}

void Config::SetDerivedDefault(std::string_view name, const std::string& value) {
  Entry* e = Lookup(name);
  if (e == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (e->explicitly_set) return;
  e->param.default_value = value;
  e->value = value;
}

void Config::OnApply(std::string_view name, ConfigApplyFn fn) {
  Entry* e = Lookup(name);
  if (e != nullptr) e->apply = std::move(fn);
}

std::string Config::config_file() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_file_;
}

std::string Config::RewriteLine(const Entry& entry) {
  const ConfigParam& p = entry.param;
  const std::string& v = entry.value;
  switch (p.type) {
    case ConfigType::kMemory: {
      uint64_t n = 0;
      ParseMemory(v, &n);
      return p.name + " " + FormatMemory(n);
    }
    case ConfigType::kList: {
      std::vector<std::string> words = SplitWords(v);
      if (words.empty()) return p.name + " \"\"";
      if (p.accumulate) {
        // One directive per pair: "save 900 1\nsave 300 10".
        std::string out;
        for (size_t i = 0; i + 1 < words.size(); i += 2) {
          if (!out.empty()) out += "\n";
          out += p.name + " " + words[i] + " " + words[i + 1];
        }
        return out;
      }
      std::string out = p.name;
      for (const std::string& w : words)
        out += " " + Word(w);
      return out;
    }
    default:
      return p.name + " " + Word(v);
  }
}

bool Config::Rewrite(std::string* error) {
  std::lock_guard<std::mutex> set_lock(set_mu_);
  const std::string path = config_file();
  if (path.empty()) {
    *error = "ERR The server is running without a config file";
    return false;
  }
  std::string text;
  if (!ReadFile(path, &text) && std::filesystem::exists(path)) {
    *error = std::string("ERR Rewriting config file: ") + std::strerror(errno);
    return false;
  }
  static constexpr std::string_view kMarker = "# Generated by CONFIG REWRITE";
  std::string out;
  std::unordered_set<const Entry*> written;
  bool marker_seen = false;
  std::lock_guard<std::mutex> lock(mu_);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string raw = text.substr(pos, end - pos);
    pos = end + 1;
    std::string line = Trim(raw);
    if (line == kMarker) {
      marker_seen = true;
      out += raw + "\n";
      continue;
    }
    protocol::Request args;
    Entry* entry = nullptr;
    if (!line.empty() && line[0] != '#' && protocol::SplitInlineArgs(line, &args) &&
        !args.empty()) {
      entry = Lookup(args[0]);
    }
    if (entry == nullptr) {
      out += raw + "\n";
    } else if (written.insert(entry).second) {
      out += RewriteLine(*entry) + "\n";
    }
    // Further lines of an already written directive are dropped: its line holds the value.
  }
  std::string added;
  for (const auto& entry : entries_) {
    if (written.count(entry.get()) || entry->value == entry->param.default_value) continue;
    added += RewriteLine(*entry) + "\n";
  }
  if (!added.empty()) {
    if (!marker_seen) {
      if (!out.empty() && out.back() != '\n') out += "\n";
      out += std::string(kMarker) + "\n";
    }
    out += added;
  }
  const std::string tmp = path + ".tmp-rewrite";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << out;
    f.flush();
    if (!f) {
      *error = std::string("ERR Rewriting config file: ") + std::strerror(errno);
      std::filesystem::remove(tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *error = "ERR Rewriting config file: " + ec.message();
    return false;
  }
  return true;
}

}  // namespace redrock::server
