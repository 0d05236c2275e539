// Pub/sub registry and cross-thread delivery.
#include "server/pubsub.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <asio.hpp>

#include "engine/glob.h"
#include "protocol/reply_writer.h"
#include "server/client.h"
#include "server/config.h"
#include "server/server.h"

namespace redrock::server {

namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      i++;
    size_t j = i;
    while (j < text.size() && text[j] != ' ')
      j++;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// "message" / "smessage" to a channel, or "pmessage" through a pattern, in one protocol.
std::string EncodeMessage(int resp, std::string_view kind, const std::string* pattern,
                          std::string_view channel, std::string_view message) {
  std::string out;
  out.reserve(channel.size() + message.size() + (pattern ? pattern->size() : 0) + 48);
  protocol::ReplyWriter w(&out, resp);
  w.PushHeader(pattern ? 4 : 3);
  w.Bulk(kind);
  if (pattern) w.Bulk(*pattern);
  w.Bulk(channel);
  w.Bulk(message);
  return out;
}

}  // namespace

bool ParsePubSubLimits(std::string_view config_value, OutputLimits* limits) {
  std::vector<std::string> words = Words(config_value);
  for (size_t i = 0; i + 3 < words.size(); i += 4) {
    if (words[i] != "pubsub") continue;
    uint64_t hard, soft, secs;
    if (!Config::ParseMemory(words[i + 1], &hard) || !Config::ParseMemory(words[i + 2], &soft) ||
        !Config::ParseMemory(words[i + 3], &secs)) {
      return false;
    }
    limits->hard = hard;
    limits->soft = soft;
    limits->soft_seconds = static_cast<int64_t>(secs);
    return true;
  }
  return false;
}

// --- ChannelRegistry ---

const ChannelRegistry::Shard& ChannelRegistry::ShardOf(std::string_view channel) const {
  return shards_[std::hash<std::string_view>()(channel) % kShards];
}

ChannelRegistry::Shard& ChannelRegistry::ShardOf(std::string_view channel) {
  return shards_[std::hash<std::string_view>()(channel) % kShards];
}

bool ChannelRegistry::Add(const std::string& channel, const SubscriberPtr& s) {
  Shard& shard = ShardOf(channel);
  std::lock_guard<std::mutex> lock(shard.mu);
  return shard.map[channel].emplace(s.get(), s).second;
}

bool ChannelRegistry::Remove(const std::string& channel, const Subscriber* s) {
  Shard& shard = ShardOf(channel);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(channel);
  if (it == shard.map.end() || it->second.erase(s) == 0) return false;
  if (it->second.empty()) shard.map.erase(it);
  return true;
}

void ChannelRegistry::Collect(std::string_view channel, std::vector<SubscriberPtr>* out) const {
  const Shard& shard = ShardOf(channel);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(channel);
  if (it == shard.map.end()) return;
  for (const auto& [ptr, sub] : it->second)
    out->push_back(sub);
}

int64_t ChannelRegistry::Count(std::string_view channel) const {
  const Shard& shard = ShardOf(channel);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(channel);
  return it == shard.map.end() ? 0 : static_cast<int64_t>(it->second.size());
}

std::vector<std::string> ChannelRegistry::Names(std::string_view pattern) const {
  std::vector<std::string> out;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const auto& [name, members] : shard.map) {
      if (GlobMatch(pattern, name)) out.push_back(name);
    }
  }
  return out;
}

int64_t ChannelRegistry::Size() const {
  int64_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += static_cast<int64_t>(shard.map.size());
  }
  return n;
}

// --- PatternRegistry ---

bool PatternRegistry::Add(const std::string& pattern, const SubscriberPtr& s) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto [it, created] = map_.try_emplace(pattern);
  if (created) count_.fetch_add(1, std::memory_order_relaxed);
  return it->second.emplace(s.get(), s).second;
}

bool PatternRegistry::Remove(const std::string& pattern, const Subscriber* s) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = map_.find(pattern);
  if (it == map_.end() || it->second.erase(s) == 0) return false;
  if (it->second.empty()) {
    map_.erase(it);
    count_.fetch_sub(1, std::memory_order_relaxed);
  }
  return true;
}

void PatternRegistry::Collect(std::string_view channel,
                              std::vector<std::pair<std::string, SubscriberPtr>>* out) const {
  if (Count() == 0) return;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [pattern, members] : map_) {
    if (!GlobMatch(pattern, channel)) continue;
    for (const auto& [ptr, sub] : members)
      out->emplace_back(pattern, sub);
  }
}

// --- PubSub ---

PubSub::PubSub(Server* server) : server_(server) {
  OutputLimits limits;
  ParsePubSubLimits(server_->config().GetString("client-output-buffer-limit"), &limits);
  set_limits(limits);
  server_->config().OnApply("client-output-buffer-limit", [this](const std::string& v) {
    OutputLimits l = this->limits();
    ParsePubSubLimits(v, &l);  // a value without a pubsub class keeps the current limits
    set_limits(l);
    return std::string();
  });
}

OutputLimits PubSub::limits() const {
  OutputLimits l;
  l.hard = hard_limit_.load(std::memory_order_relaxed);
  l.soft = soft_limit_.load(std::memory_order_relaxed);
  l.soft_seconds = soft_seconds_.load(std::memory_order_relaxed);
  return l;
}

void PubSub::set_limits(const OutputLimits& limits) {
  hard_limit_.store(limits.hard, std::memory_order_relaxed);
  soft_limit_.store(limits.soft, std::memory_order_relaxed);
  soft_seconds_.store(limits.soft_seconds, std::memory_order_relaxed);
}

SubscriberPtr PubSub::EnsureState(Client& client) {
  SubscriberPtr& state = client.subscriber();
  if (!state) {
    state = std::make_shared<Subscriber>();
    state->client = client.weak_from_this();
    state->thread = client.thread();
    // Both hooks run on the client's thread; `client` is alive while they run.
    client.AddCloseHook([this, &client]() { UnsubscribeAll(client); });
    client.AddResetHook([this, &client]() { UnsubscribeAll(client); });
  }
  return state;
}

void PubSub::UpdateCounts(Client& client, const Subscriber& s) const {
  const int ch = static_cast<int>(s.channels.size());
  const int pat = static_cast<int>(s.patterns.size());
  const int shard = static_cast<int>(s.shard_channels.size());
  client.set_sub_counts(ch, pat, shard);
  if (ch + pat + shard > 0) {
    client.set_flag(kClientPubSub);
  } else {
    client.clear_flag(kClientPubSub);
  }
}

bool PubSub::Subscribe(Client& client, Kind kind, const std::string& name) {
  SubscriberPtr s = EnsureState(client);
  bool added = false;
  switch (kind) {
    case Kind::kChannel:
      added = s->channels.insert(name).second;
      if (added) channels_.Add(name, s);
      break;
    case Kind::kPattern:
      added = s->patterns.insert(name).second;
      if (added) patterns_.Add(name, s);
      break;
    case Kind::kShard:
      added = s->shard_channels.insert(name).second;
      if (added) shard_channels_.Add(name, s);
      break;
  }
  UpdateCounts(client, *s);
  return added;
}

bool PubSub::Unsubscribe(Client& client, Kind kind, const std::string& name) {
  SubscriberPtr s = client.subscriber();
  if (!s) return false;
  bool removed = false;
  switch (kind) {
    case Kind::kChannel:
      removed = s->channels.erase(name) > 0;
      if (removed) channels_.Remove(name, s.get());
      break;
    case Kind::kPattern:
      removed = s->patterns.erase(name) > 0;
      if (removed) patterns_.Remove(name, s.get());
      break;
    case Kind::kShard:
      removed = s->shard_channels.erase(name) > 0;
      if (removed) shard_channels_.Remove(name, s.get());
      break;
  }
  UpdateCounts(client, *s);
  return removed;
}

std::vector<std::string> PubSub::Subscriptions(Client& client, Kind kind) const {
  const SubscriberPtr& s = client.subscriber();
  if (!s) return {};
  const auto& set = kind == Kind::kChannel   ? s->channels
                    : kind == Kind::kPattern ? s->patterns
                                             : s->shard_channels;
  std::vector<std::string> out(set.begin(), set.end());
  return out;
}

int64_t PubSub::SubscriptionCount(Client& client, Kind kind) const {
  const SubscriberPtr& s = client.subscriber();
  if (!s) return 0;
  if (kind == Kind::kShard) return static_cast<int64_t>(s->shard_channels.size());
  return static_cast<int64_t>(s->channels.size() + s->patterns.size());
}

void PubSub::UnsubscribeAll(Client& client) {
  SubscriberPtr s = client.subscriber();
  if (!s) return;
  for (const std::string& c : s->channels)
    channels_.Remove(c, s.get());
  for (const std::string& p : s->patterns)
    patterns_.Remove(p, s.get());
  for (const std::string& c : s->shard_channels)
    shard_channels_.Remove(c, s.get());
  s->channels.clear();
  s->patterns.clear();
  s->shard_channels.clear();
  UpdateCounts(client, *s);
}

int64_t PubSub::Publish(std::string_view channel, std::string_view message, bool shard) {
  std::vector<SubscriberPtr> direct;
  std::vector<std::pair<std::string, SubscriberPtr>> matched;
  (shard ? shard_channels_ : channels_).Collect(channel, &direct);
  if (!shard) patterns_.Collect(channel, &matched);
  if (direct.empty() && matched.empty()) return 0;

  std::vector<Delivery> deliveries;
  deliveries.reserve(direct.size() + matched.size());
  const std::string_view kind = shard ? "smessage" : "message";
  std::shared_ptr<const std::string> encoded[2];  // RESP2, RESP3: encoded once each
  auto channel_name = std::make_shared<const std::string>(channel);
  for (SubscriberPtr& s : direct) {
    std::shared_ptr<Client> c = s->client.lock();
    if (!c) continue;
    const int resp = c->resp() == 3 ? 3 : 2;
    auto& bytes = encoded[resp - 2];
    if (!bytes) {
      bytes =
          std::make_shared<const std::string>(EncodeMessage(resp, kind, nullptr, channel, message));
    }
    deliveries.push_back(Delivery{std::move(s), std::move(c), bytes,
                                  shard ? Kind::kShard : Kind::kChannel, channel_name});
  }
  for (auto& [pattern, s] : matched) {
    std::shared_ptr<Client> c = s->client.lock();
    if (!c) continue;
    const int resp = c->resp() == 3 ? 3 : 2;
    auto bytes = std::make_shared<const std::string>(
        EncodeMessage(resp, "pmessage", &pattern, channel, message));
    deliveries.push_back(Delivery{std::move(s), std::move(c), std::move(bytes), Kind::kPattern,
                                  std::make_shared<const std::string>(std::move(pattern))});
  }
  return Send(&deliveries);
}

std::vector<std::string> PubSub::Channels(std::string_view pattern, bool shard) const {
  return (shard ? shard_channels_ : channels_).Names(pattern);
}

int64_t PubSub::NumSub(std::string_view channel, bool shard) const {
  return (shard ? shard_channels_ : channels_).Count(channel);
}

void PubSub::Doom(Subscriber& s, Client& client) {
  if (s.doomed.exchange(true)) return;
  spdlog::warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
               client.Describe());
  client.Kill();
}

int64_t PubSub::Send(std::vector<Delivery>* deliveries) {
  const OutputLimits lim = limits();
  // Group by io thread so each thread gets one closure whatever the number of subscribers.
  std::vector<std::pair<IoThread*, std::vector<Delivery>>> by_thread;
  int64_t sent = 0;
  for (Delivery& d : *deliveries) {
    Subscriber& s = *d.subscriber;
    if (s.doomed.load(std::memory_order_relaxed)) continue;
    // Only the bytes still queued to the client's thread are checked here (its output
    // buffer is checked there, on delivery): together they stay under twice the limit.
    const int64_t size = static_cast<int64_t>(d.bytes->size());
    const int64_t pending = s.in_flight.fetch_add(size, std::memory_order_relaxed) + size;
    if (lim.hard > 0 && static_cast<uint64_t>(pending) > lim.hard) {
      s.in_flight.fetch_sub(size, std::memory_order_relaxed);
      Doom(s, *d.client);
      continue;
    }
    sent++;
    auto it = std::find_if(by_thread.begin(), by_thread.end(),
                           [&](const auto& e) { return e.first == s.thread; });
    if (it == by_thread.end()) {
      by_thread.emplace_back(s.thread, std::vector<Delivery>());
      it = by_thread.end() - 1;
    }
    it->second.push_back(std::move(d));
  }
  for (auto& [thread, list] : by_thread) {
    asio::post(thread->context(), [this, list = std::move(list)]() {
      for (const Delivery& d : list)
        Deliver(d);
    });
  }
  return sent;
}

void PubSub::Deliver(const Delivery& d) {
  Subscriber& s = *d.subscriber;
  Client& client = *d.client;
  const int64_t size = static_cast<int64_t>(d.bytes->size());
  s.in_flight.fetch_sub(size, std::memory_order_relaxed);
  if (client.closed() || s.doomed.load(std::memory_order_relaxed)) return;
  if (d.name) {
    const auto& set = d.kind == Kind::kChannel   ? s.channels
                      : d.kind == Kind::kPattern ? s.patterns
                                                 : s.shard_channels;
    if (set.count(*d.name) == 0) return;  // unsubscribed meanwhile
  }
  client.Send(*d.bytes);
  const uint64_t pending = client.pending_output();
  const OutputLimits lim = limits();
  bool over = lim.hard > 0 && pending > lim.hard;
  if (!over && lim.soft > 0 && pending > lim.soft) {
    const int64_t now = NowMs();
    if (s.soft_since_ms == 0) {
      s.soft_since_ms = now;
    } else if (now - s.soft_since_ms > lim.soft_seconds * 1000) {
      over = true;
    }
  } else if (!over) {
    s.soft_since_ms = 0;
  }
  if (over) Doom(s, client);
}

}  // namespace redrock::server
