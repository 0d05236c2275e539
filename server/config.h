// Server configuration: a registry of named parameters (redis.conf directives), each with a
// type, a default, validation and an optional apply hook. Loaded at startup from an optional
// config file and `--name value` flags (redis-server style); read and changed at run time by
// CONFIG GET / SET / REWRITE. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redrock::server {

enum class ConfigType {
  kBool,    // yes | no
  kInt,     // decimal integer within [min, max]
  kMemory,  // bytes with Redis's units: 1k = 1000, 1kb = 1024, ... 1gb
  kString,  // any text
  kEnum,    // one of enum_values, case-insensitive
  kList,    // several space-separated words (bind addresses, save points)
};

// Checks (and may normalize) a value that already passed its type's parsing. Returns "" when
// the value is acceptable, else Redis's reason text ("Invalid save parameters").
using ConfigValidateFn = std::function<std::string(std::string* value)>;

// Applies a new value at run time (CONFIG SET). Returns "" on success, else the reason the
// change is refused; the whole CONFIG SET is then rolled back.
using ConfigApplyFn = std::function<std::string(const std::string& value)>;

// One parameter's definition.
struct ConfigParam {
  std::string name;
  ConfigType type = ConfigType::kString;
  std::string default_value;
  bool mutable_at_runtime = true;
  int64_t min = INT64_MIN;  // kInt bounds (kMemory: min only, max is UINT64_MAX)
  int64_t max = INT64_MAX;
  std::vector<std::string> enum_values;  // kEnum, in the order Redis lists them in errors
  std::vector<std::string> aliases;      // "slaveof" for "replicaof"
  ConfigValidateFn validate;
  // kList only: in a config file, repeated directives accumulate instead of replacing
  // (save 900 1 / save 300 10).
  bool accumulate = false;
  // kList only: combines a new value (its words, space-separated) with the current one, for
  // parameters that set parts of themselves (client-output-buffer-limit pubsub 32mb 8mb 60
  // changes one class). Returns "" and sets *value to the result, or Redis's reason text.
  std::function<std::string(const std::string& current, std::string* value)> merge;
};

class Config {
 public:
  // Registers every built-in parameter with its default.
  Config();

  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Adds a parameter (the built-ins, or later modules'). Names are lower case.
  void Define(ConfigParam param);

  // Loads startup configuration from redis-server style arguments (argv without the program
  // name): an optional config file first, then `--name value...` flags. On failure returns
  // false and *error holds the complete message to print (Redis's FATAL CONFIG FILE ERROR).
  bool LoadFromArgs(const std::vector<std::string>& args, std::string* error);
  // Loads config-file text; `include` directives read further files. Same error reporting.
  bool LoadText(std::string_view text, std::string* error);

  // Current values (thread-safe). Unknown names yield "" / 0 / false.
  std::string GetString(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  uint64_t GetMemory(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;

  // CONFIG GET: (name, value) of every parameter matching any of the glob patterns
  // (case-insensitive, aliases included). A pattern without glob characters is an exact
  // lookup reported under the name as given. Each name appears once.
  std::vector<std::pair<std::string, std::string>> Match(
      const std::vector<std::string_view>& patterns) const;

  // CONFIG SET name value [name value ...]: all or nothing. On failure returns false and
  // *error holds Redis's full error text ("ERR CONFIG SET failed (possibly related to ...").
  bool Set(const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
           std::string* error);

  // True once `name` was given in the config file, as a flag or by CONFIG SET.
  bool IsExplicit(std::string_view name) const;
  // Replaces the default of a parameter the operator did not set (values derived at start-up
  // from others, e.g. the memory budget's parts); CONFIG REWRITE does not write it out.
  void SetDerivedDefault(std::string_view name, const std::string& value);

  // Registers the hook run when `name` changes at run time.
  void OnApply(std::string_view name, ConfigApplyFn fn);

  // CONFIG REWRITE: writes the current configuration back to the file it was loaded from,
  // keeping its comments and layout. Returns false with Redis's error text on failure.
  bool Rewrite(std::string* error);

  // Absolute path of the config file given at startup, or "".
  std::string config_file() const;

  // Parses a memory value as Redis's memtoull ("1gb", "100k", "42"); false when malformed.
  static bool ParseMemory(std::string_view text, uint64_t* bytes);
  // Formats bytes the way CONFIG REWRITE writes memory values ("1gb", "64mb", "1000").
  static std::string FormatMemory(uint64_t bytes);

 private:
  struct Entry {
    ConfigParam param;
    std::string value;  // canonical text (CONFIG GET form)
    ConfigApplyFn apply;
    bool explicitly_set = false;  // given by the operator, not a (derived) default
  };

  // The entry for a name or alias (case-insensitive); nullptr when unknown.
  Entry* Lookup(std::string_view name) const;
  // Parses `args` for `entry` into canonical text; returns "" or the reason it is invalid.
  static std::string ParseValue(const Entry& entry, const std::vector<std::string>& args,
                                std::string* canonical);
  bool LoadTextAt(std::string_view text, int depth, std::string* error);
  // The directive line CONFIG REWRITE writes for an entry.
  static std::string RewriteLine(const Entry& entry);

  mutable std::mutex mu_;  // guards values (Entry::value)
  std::mutex set_mu_;      // serializes CONFIG SET / REWRITE so hooks run in order
  std::vector<std::unique_ptr<Entry>> entries_;         // definition order
  std::map<std::string, Entry*, std::less<>> by_name_;  // lower-case names and aliases
  std::string config_file_;
  std::vector<std::string> loaded_in_file_;  // accumulate-params already reset by the file
};

}  // namespace redrock::server
