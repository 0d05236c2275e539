// Pub/sub: channel, pattern and shard-channel subscriptions, delivery of messages across io
// threads, and the output-buffer limit that disconnects slow subscribers.
//
// Registry. Channels (and shard channels, a registry of their own) live in 16 shards, each a
// mutex over a map from channel to its subscribers, so publishers on different threads rarely
// meet. Patterns live in one map under a shared mutex: they are few, and every publish must
// try each of them anyway, as in Redis. A Subscriber is the pub/sub side of one client: its
// own thread changes its subscriptions, any thread publishes to it.
//
// Delivery. Publish() (any thread) collects the subscribers, encodes the message once per
// protocol (RESP2 array, RESP3 push) and posts one closure per destination io thread. There,
// each subscriber still subscribed to that channel or pattern gets the bytes appended to its
// output buffer; a message racing an UNSUBSCRIBE is dropped rather than arriving after the
// unsubscribe confirmation.
//
// Limits. The pubsub class of client-output-buffer-limit (default "32mb 8mb 60") bounds both
// the bytes posted to a subscriber's thread but not yet appended (checked by the publisher)
// and its output buffer (checked on delivery). Over the hard limit, or over the soft limit
// for longer than the soft seconds, the client is closed, as Redis does: a subscriber that
// stops reading never holds more than about twice the hard limit.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/reply_writer.h"

namespace redrock::server {

class Client;
class IoThread;
class Server;
struct CommandSpec;

// Output limits of one client class: bytes, and seconds over the soft limit.
struct OutputLimits {
  uint64_t hard = 32ULL << 20;
  uint64_t soft = 8ULL << 20;
  int64_t soft_seconds = 60;
};

// Dispatch check: a RESP2 client in subscribed mode may only run (P|S)SUBSCRIBE,
// (P|S)UNSUBSCRIBE, PING, QUIT and RESET. Writes Redis's error and returns false otherwise.
bool AllowedInSubscribedContext(const Client& client, const CommandSpec& spec,
                                protocol::ReplyWriter& w);

// Reads the "pubsub" class out of a client-output-buffer-limit value ("normal 0 0 0 ...
// pubsub 32mb 8mb 60"); false when it is absent or malformed.
bool ParsePubSubLimits(std::string_view config_value, OutputLimits* limits);

// The state of a client that receives pushed data: pub/sub messages, MONITOR lines.
struct Subscriber {
  std::weak_ptr<Client> client;
  IoThread* thread = nullptr;

  // --- the client's thread only ---
  std::unordered_set<std::string> channels;
  std::unordered_set<std::string> patterns;
  std::unordered_set<std::string> shard_channels;
  int64_t soft_since_ms = 0;  // when the output buffer went over the soft limit; 0 = not over

  // --- any thread ---
  std::atomic<int64_t> in_flight{0};  // bytes posted to the client's thread, not yet appended
  std::atomic<bool> doomed{false};    // over the limit: being closed, gets nothing more
};

using SubscriberPtr = std::shared_ptr<Subscriber>;

// Channel name -> subscribers, sharded. Thread-safe.
class ChannelRegistry {
 public:
  // Adds; false when `s` was already subscribed to `channel`.
  bool Add(const std::string& channel, const SubscriberPtr& s);
  // Removes; false when `s` was not subscribed.
  bool Remove(const std::string& channel, const Subscriber* s);
  // Appends the subscribers of `channel` to *out.
  void Collect(std::string_view channel, std::vector<SubscriberPtr>* out) const;
  // Number of subscribers of `channel`.
  int64_t Count(std::string_view channel) const;
  // Channels with at least one subscriber matching the glob `pattern`.
  std::vector<std::string> Names(std::string_view pattern) const;
  // Number of channels with at least one subscriber.
  int64_t Size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Members = std::unordered_map<const Subscriber*, SubscriberPtr>;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Members, Hash, std::equal_to<>> map;
  };
  static constexpr size_t kShards = 16;
  const Shard& ShardOf(std::string_view channel) const;
  Shard& ShardOf(std::string_view channel);

  Shard shards_[kShards];
};

// Glob pattern -> subscribers. Thread-safe.
class PatternRegistry {
 public:
  bool Add(const std::string& pattern, const SubscriberPtr& s);
  bool Remove(const std::string& pattern, const Subscriber* s);
  // Appends (pattern, subscriber) for every pattern matching `channel`.
  void Collect(std::string_view channel,
               std::vector<std::pair<std::string, SubscriberPtr>>* out) const;
  // Number of distinct patterns with subscribers (PUBSUB NUMPAT).
  int64_t Count() const { return count_.load(std::memory_order_relaxed); }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unordered_map<const Subscriber*, SubscriberPtr>> map_;
  std::atomic<int64_t> count_{0};
};

class PubSub {
 public:
  enum class Kind { kChannel, kPattern, kShard };

  explicit PubSub(Server* server);
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // --- the subscribing client's own thread ---
  // Subscribes; false when it already was. Sets the client's pub/sub flag and counts.
  bool Subscribe(Client& client, Kind kind, const std::string& name);
  // Unsubscribes; false when it was not subscribed. Clears the flag with the last one.
  bool Unsubscribe(Client& client, Kind kind, const std::string& name);
  // The client's subscriptions of one kind (UNSUBSCRIBE without arguments).
  std::vector<std::string> Subscriptions(Client& client, Kind kind) const;
  // Channels + patterns (Kind::kShard: shard channels), the count subscribe replies carry.
  int64_t SubscriptionCount(Client& client, Kind kind) const;
  // Drops every subscription (RESET, connection closed).
  void UnsubscribeAll(Client& client);

  // --- any thread ---
  // PUBLISH / SPUBLISH: the number of deliveries (a client matching through a channel and a
  // pattern counts twice, as in Redis).
  int64_t Publish(std::string_view channel, std::string_view message, bool shard = false);
  // PUBSUB CHANNELS / SHARDCHANNELS.
  std::vector<std::string> Channels(std::string_view pattern, bool shard) const;
  // PUBSUB NUMSUB / SHARDNUMSUB for one channel.
  int64_t NumSub(std::string_view channel, bool shard) const;
  // PUBSUB NUMPAT.
  int64_t NumPat() const { return patterns_.Count(); }
  // INFO pubsub_channels / pubsubshard_channels.
  int64_t ChannelCount(bool shard) const { return (shard ? shard_channels_ : channels_).Size(); }

  // The client's push state, created on first use (own thread).
  SubscriberPtr EnsureState(Client& client);

  // One message for one client, sent from any thread.
  struct Delivery {
    SubscriberPtr subscriber;
    std::shared_ptr<Client> client;
    std::shared_ptr<const std::string> bytes;
    // What it was sent for, checked again on the client's thread (a message that races an
    // UNSUBSCRIBE is dropped). name == nullptr: unconditional (MONITOR).
    Kind kind = Kind::kChannel;
    std::shared_ptr<const std::string> name;
  };
  // Accounts for the bytes against the limits (closing clients over them) and posts what is
  // left, one closure per io thread. Returns the number of deliveries posted.
  int64_t Send(std::vector<Delivery>* deliveries);

  OutputLimits limits() const;
  void set_limits(const OutputLimits& limits);

 private:
  void UpdateCounts(Client& client, const Subscriber& s) const;
  // On the client's thread: appends the bytes unless the subscription is gone, then applies
  // the output limits.
  void Deliver(const Delivery& d);
  // Marks a client over its limits and closes it (any thread).
  void Doom(Subscriber& s, Client& client);

  Server* server_;
  ChannelRegistry channels_;
  ChannelRegistry shard_channels_;
  PatternRegistry patterns_;

  std::atomic<uint64_t> hard_limit_{0};
  std::atomic<uint64_t> soft_limit_{0};
  std::atomic<int64_t> soft_seconds_{0};
};

}  // namespace redrock::server
