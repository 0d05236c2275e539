// DUMP and RESTORE: keys serialized in Redis's own DUMP payload format (an RDB value, the RDB
// version and a CRC64), so a payload made by redis-server restores here and the other way
// round. MIGRATE builds on the same payloads (server/migrate_family.cc).
#include <rocksdb/db.h>

#include "engine/access_clock.h"
#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/member_iterator.h"
#include "engine/rdb_value.h"
#include "engine/value_io.h"
#include "engine/write_batch.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/dump_payload.h"
#include "server/notify.h"
#include "server/server.h"

namespace redrock::server {

using engine::MetaRecord;

Status DumpKey(engine::Engine* engine, int db, std::string_view key, std::string* payload,
               uint64_t* expire_ms) {
  engine::ReadSnapshot snap(engine);
  rocksdb::PinnableSlice raw;
  rocksdb::Status rs = engine->Get(snap.ro(), engine->meta_cf(), engine::MetaKey(db, key), &raw);
  if (rs.IsNotFound()) return Status::NotFound();
  if (!rs.ok()) return Status::IOError(rs.ToString());
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(engine::DecodeMeta(std::string_view(raw.data(), raw.size()), &meta));
  if (meta.ExpiredAt(engine::NowMs())) return Status::NotFound();
  if (expire_ms != nullptr) *expire_ms = meta.expire_ms;
  payload->clear();
  engine::RdbValueWriter writer(payload);
  std::unique_ptr<rocksdb::Iterator> it = engine->NewIterator(snap.ro(), engine->data_cf());
  REDROCK_RETURN_IF_ERROR(engine::StreamStoredValue(it.get(), db, key, meta, &writer));
  engine::FinishDumpPayload(payload);
  return Status::OK();
}

Status RestoreKey(engine::Engine* engine, int db, std::string_view key, std::string_view payload,
                  const RestoreOptions& options, RestoreOutcome* outcome) {
  engine::KeyLockGuard guard(engine->locks(), db, key);
  MetaRecord old;
  bool present = false;
  engine::Keyspace keyspace(engine);
  REDROCK_RETURN_IF_ERROR(keyspace.ReadMeta(db, key, &old, &present));
  const uint64_t now = engine::NowMs();
  const bool live = present && !old.ExpiredAt(now);
  if (live && !options.replace) return Status::Busy("BUSYKEY Target key name already exists.");
  if (!engine::VerifyDumpPayload(payload)) {
    return Status::InvalidArgument("ERR DUMP payload version or checksum are wrong");
  }
  engine::StringRdbInput in(payload.substr(0, payload.size() - 10));
  uint64_t expire_ms = options.ttl_ms;
  if (expire_ms != 0 && !options.absttl) expire_ms += now;
  engine::Batch batch(engine);
  engine::StoredValueWriter writer(engine, &batch, db, std::string(key), expire_ms,
                                   present ? &old : nullptr);
  uint8_t type;
  Status s = in.ReadByte(&type);
  if (s.ok()) s = engine::DecodeRdbValue(type, &in, &writer);
  if (!s.ok()) return Status::InvalidArgument("ERR Bad data format");
  outcome->type = writer.type();
  outcome->replaced = live;
  if (expire_ms != 0 && expire_ms <= now) {
    // Already expired: Redis answers OK and only removes what the key held. The batch's
    // pending member writes are dropped with it.
    outcome->expired = true;
    if (!present) return Status::OK();
    engine::Batch del(engine);
    del.DeleteMeta(db, key, old);
    return del.Commit();
  }
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  if (options.idle_seconds >= 0) {
    const uint64_t idle_ms = static_cast<uint64_t>(options.idle_seconds) * 1000;
    engine->access_clock().Touch(db, key, idle_ms < now ? now - idle_ms : 0);
  } else {
    engine->access_clock().Touch(db, key, now);
  }
  return Status::OK();
}

namespace {

void DumpCommand(CommandContext& ctx) {
  std::string payload;
  Status s = DumpKey(&ctx.engine, ctx.db, ctx.args[1], &payload);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Bulk(payload);
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void RestoreCommand(CommandContext& ctx) {
  RestoreOptions options;
  int64_t freq = -1;
  for (size_t j = 4; j < ctx.args.size(); j++) {
    const bool more = j + 1 < ctx.args.size();
    if (ArgIs(ctx.args[j], "REPLACE")) {
      options.replace = true;
    } else if (ArgIs(ctx.args[j], "ABSTTL")) {
      options.absttl = true;
    } else if (ArgIs(ctx.args[j], "IDLETIME") && more && freq == -1) {
      if (!ParseIntArg(ctx, ++j, &options.idle_seconds)) return;
      if (options.idle_seconds < 0)
        return ctx.reply.Error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (ArgIs(ctx.args[j], "FREQ") && more && options.idle_seconds == -1) {
      // Access frequencies are not tracked (no LFU policy): validated, then ignored.
      if (!ParseIntArg(ctx, ++j, &freq)) return;
      if (freq < 0 || freq > 255) {
        return ctx.reply.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  // Redis checks the key before the TTL: a busy key wins over a bad TTL.
  if (!options.replace) {
    engine::MetaRecord meta;
    if (engine::Keyspace(&ctx.engine).GetLive(ctx.db, ctx.args[1], &meta).ok()) {
      return ctx.reply.Error("BUSYKEY Target key name already exists.");
    }
  }
  int64_t ttl;
  if (!ParseIntArg(ctx, 2, &ttl)) return;
  if (ttl < 0) return ctx.reply.Error("ERR Invalid TTL value, must be >= 0");
  options.ttl_ms = static_cast<uint64_t>(ttl);
  RestoreOutcome outcome;
  Status s = RestoreKey(&ctx.engine, ctx.db, ctx.args[1], ctx.args[3], options, &outcome);
  if (!s.ok()) {
    if (s.code() == Status::Code::kBusy || s.IsInvalidArgument()) {
      return ctx.reply.Error(s.message());
    }
    return ReplyError(ctx, s);
  }
  if (outcome.expired) {
    if (outcome.replaced) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  } else {
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "restore", ctx.args[1]);
    if (outcome.type == engine::ValueType::kList || outcome.type == engine::ValueType::kZSet) {
      ctx.server.blocking().Signal(ctx.db, ctx.args[1]);
    }
  }
  ctx.reply.Ok();
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int last_key, CommandHandler handler,
                 std::string summary, std::string since, std::vector<std::string> acl,
                 std::string complexity) {
  CommandSpec spec;
  spec.name = std::move(name);
  spec.arity = arity;
  spec.flags = flags;
  spec.first_key = 1;
  spec.last_key = last_key;
  spec.key_step = 1;
  spec.handler = handler;
  spec.group = "generic";
  spec.summary = std::move(summary);
  spec.since = std::move(since);
  spec.acl_categories = std::move(acl);
  spec.acl_categories.insert(spec.acl_categories.begin(), "@keyspace");
  spec.complexity = std::move(complexity);
  return spec;
}

}  // namespace

void RegisterDumpCommands(CommandTable* table) {
  table->Register(Spec("dump", 2, kCmdReadOnly, 1, DumpCommand,
                       "Return a serialized version of the value stored at the specified key.",
                       "2.6.0", {"@read", "@slow"},
                       "O(1) to access the key and additional O(N*M) to serialize it"));
  // kCmdNoTouch: RESTORE sets the access time itself (IDLETIME).
  table->Register(Spec("restore", -4, kCmdWrite | kCmdDenyOom | kCmdNoTouch, 1, RestoreCommand,
                       "Create a key using the provided serialized value, previously obtained "
                       "using DUMP.",
                       "2.6.0", {"@write", "@slow", "@dangerous"},
                       "O(1) to create the new key and additional O(N*M) to reconstruct the "
                       "serialized value"));
}

}  // namespace redrock::server
