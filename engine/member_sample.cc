// Random member sampling: exact one-pass algorithms for small or mostly-taken collections,
// random trie descents for a few members of a big one.
#include "engine/member_sample.h"

#include <algorithm>
#include <random>
#include <unordered_set>

#include "engine/member_iterator.h"

namespace redrock::engine {

namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

// Uniform integer in [lo, hi].
int64_t Uniform(int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(Rng());
}

}  // namespace

void SeedMemberSampling(uint64_t seed) {
  Rng().seed(seed);
}

namespace {

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i])
    i++;
  return i;
}

// Steps before a descent gives up refining and takes where it stands (members may be long).
constexpr int kMaxLevels = 256;
// Absent bytes redrawn at one branching point before the draw settles for the next member.
constexpr int kMaxRetries = 32;
// A draw steps forward 0..kSmoothSteps-1 members after its landing point.
constexpr int kSmoothSteps = 16;

}  // namespace

void MemberSampler::Take(std::vector<SampledMember>* out) const {
  SampledMember m;
  m.member.assign(it_->member());
  if (with_values_) m.value.assign(it_->value());
  out->push_back(std::move(m));
}

Status MemberSampler::RandomSeek() {
  // Invariant: at least one member starts with `path`, and the iterator is on the first one.
  std::string path, lo;
  it_->SeekToFirst();
  for (int level = 0; level < kMaxLevels && it_->Valid(); level++) {
    lo.assign(it_->member());
    it_->SeekToLastWithPrefix(path);
    if (!it_->Valid()) break;
    std::string_view hi = it_->member();
    if (hi == lo) break;  // a single member starts with `path`: it is the draw
    // Every member between lo and hi shares their common prefix; branch on the byte after.
    size_t c = CommonPrefix(lo, hi);
    int first = lo.size() == c ? -1 : static_cast<uint8_t>(lo[c]);  // -1: lo ends there
    int last = static_cast<uint8_t>(hi[c]);
    path.assign(lo, 0, c);
    bool descended = false;
    for (int attempt = 0; attempt < kMaxRetries && !descended; attempt++) {
      int b = static_cast<int>(Uniform(first, last));
      if (b < 0) {
        it_->Seek(lo);  // the member that ends at this branching point
        return Smooth();
      }
      path.push_back(static_cast<char>(b));
      it_->Seek(path);  // hi >= path, so this lands on a member
      if (!it_->Valid()) break;
      // An absent byte is redrawn, so each present branch is equally likely; after
      // kMaxRetries misses the draw takes the member after the last absent byte.
      descended = it_->member().substr(0, path.size()) == path;
      if (!descended) path.pop_back();
    }
    if (!descended) break;
  }
  return Smooth();
}

Status MemberSampler::Smooth() {
  if (!it_->Valid()) {
    // Only reached if the collection changed under us or RocksDB failed.
    REDROCK_RETURN_IF_ERROR(it_->status());
    it_->SeekToFirst();
    if (!it_->Valid()) return it_->status().ok() ? Status::NotFound() : it_->status();
  }
  for (int64_t steps = Uniform(0, kSmoothSteps - 1); steps > 0; steps--) {
    it_->Next();
    if (!it_->Valid()) {
      REDROCK_RETURN_IF_ERROR(it_->status());
      it_->SeekToFirst();
    }
  }
  return it_->Valid() ? Status::OK() : it_->status();
}

Status MemberSampler::Distinct(uint64_t count, std::vector<SampledMember>* out) {
  out->clear();
  if (count == 0 || size_ == 0) return Status::OK();
  if (size_ <= kExactLimit || count >= (size_ + 2) / 3) {
    // Selection sampling: the t-th member (of n) is taken with probability
    // (still needed) / (still to see), which makes every count-subset equally likely.
    uint64_t need = std::min(count, size_);
    uint64_t left = size_;
    out->reserve(need);
    for (it_->SeekToFirst(); it_->Valid() && need > 0; it_->Next(), left--) {
      if (left <= need ||
          static_cast<uint64_t>(Uniform(0, static_cast<int64_t>(left) - 1)) < need) {
        Take(out);
        need--;
      }
      if (left == 1) left = 2;  // the meta size undercounted: keep taking what is left
    }
    REDROCK_RETURN_IF_ERROR(it_->status());
  } else {
    std::unordered_set<std::string> seen;
    uint64_t attempts = 4 * count + 64;
    while (out->size() < count && attempts-- > 0) {
      REDROCK_RETURN_IF_ERROR(RandomSeek());
      if (seen.emplace(it_->member()).second) Take(out);
    }
    if (out->size() < count) {
      // A skewed trie keeps landing on the same members: take the ones that follow a random
      // draw instead. count*3 < size, so there are enough.
      REDROCK_RETURN_IF_ERROR(RandomSeek());
      for (uint64_t steps = 0; out->size() < count && steps <= size_; steps++) {
        if (seen.emplace(it_->member()).second) Take(out);
        it_->Next();
        if (!it_->Valid()) {
          REDROCK_RETURN_IF_ERROR(it_->status());
          it_->SeekToFirst();
          if (!it_->Valid()) break;
        }
      }
    }
  }
  std::shuffle(out->begin(), out->end(), Rng());
  return Status::OK();
}

Status MemberSampler::WithRepeats(uint64_t count, const DrawFn& draw) {
  if (count == 0 || size_ == 0) return Status::OK();
  if (size_ <= kExactLimit || count >= size_ / 4) {
    // A multinomial draw of `count` over the members: each member in turn gets
    // Binomial(draws left, 1 / members left) copies. The copies are then shuffled by index,
    // so memory stays at the distinct members drawn plus one index per draw.
    std::vector<SampledMember> drawn;
    std::vector<uint32_t> order;
    order.reserve(count);
    uint64_t left_draws = count;
    uint64_t left_members = size_;
    for (it_->SeekToFirst(); it_->Valid() && left_draws > 0; it_->Next()) {
      uint64_t k = left_draws;
      if (left_members > 1) {
        std::binomial_distribution<uint64_t> copies(left_draws, 1.0 / left_members);
        k = copies(Rng());
        left_members--;
      }
      if (k == 0) continue;
      Take(&drawn);
      order.insert(order.end(), k, static_cast<uint32_t>(drawn.size() - 1));
      left_draws -= k;
    }
    REDROCK_RETURN_IF_ERROR(it_->status());
    if (drawn.empty()) return Status::Corruption("collection has no members");
    // Only if the meta size overcounted: spread what is left over what was drawn.
    for (; left_draws > 0; left_draws--)
      order.push_back(static_cast<uint32_t>(Uniform(0, static_cast<int64_t>(drawn.size()) - 1)));
    std::shuffle(order.begin(), order.end(), Rng());
    for (uint32_t i : order)
      draw(drawn[i].member, drawn[i].value);
    return Status::OK();
  }
  for (uint64_t i = 0; i < count; i++) {
    REDROCK_RETURN_IF_ERROR(RandomSeek());
    draw(it_->member(), with_values_ ? it_->value() : std::string_view());
  }
  return Status::OK();
}

}  // namespace redrock::engine
