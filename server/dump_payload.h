// DUMP and RESTORE as operations on the engine, shared by the commands and MIGRATE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {
class Engine;
}

namespace redrock::server {

// The DUMP payload of the live key (db, key); NotFound when missing. *expire_ms (when given)
// gets the key's absolute expire time read from the same snapshot, 0 = no TTL.
Status DumpKey(engine::Engine* engine, int db, std::string_view key, std::string* payload,
               uint64_t* expire_ms = nullptr);

struct RestoreOptions {
  uint64_t ttl_ms = 0;  // 0 = no TTL; relative unless absttl
  bool absttl = false;
  bool replace = false;
  int64_t idle_seconds = -1;  // IDLETIME; -1 = none
};

struct RestoreOutcome {
  engine::ValueType type = engine::ValueType::kString;
  bool replaced = false;  // a live key was there
  bool expired = false;   // the TTL had already passed: nothing was created
};

// RESTORE of a payload as (db, key), atomically under the key's lock. Busy ("BUSYKEY ...")
// when the key exists and !replace; InvalidArgument with Redis's text for a bad payload.
Status RestoreKey(engine::Engine* engine, int db, std::string_view key, std::string_view payload,
                  const RestoreOptions& options, RestoreOutcome* outcome);

}  // namespace redrock::server
