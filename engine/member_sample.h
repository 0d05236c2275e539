// Random members of one collection version, for SPOP, SRANDMEMBER, HRANDFIELD (and
// ZRANDMEMBER), without loading a big collection into memory.
//
// Distribution given:
//   - Exact (uniform) whenever the collection has at most kExactLimit members, or the request
//     is a large fraction of it (distinct: count*3 >= size; with repeats: count*4 >= size).
//     One pass over the members: selection sampling (Knuth's algorithm S) for distinct
//     members, sequential binomial draws (a multinomial) for draws with repeats. Time
//     O(size), which the request size bounds to a small multiple of the reply; memory
//     O(count).
//   - Otherwise approximate, O(count * depth * fanout-sparsity) seeks: each draw is a random
//     descent of the members' byte trie. At each branching point the next byte is drawn
//     uniformly between the smallest and the largest byte present there, redrawn while it is
//     absent (up to 32 times, then the draw takes the member after it), so every present
//     branch is equally likely; a member ending at the branching point is one more branch.
//     The draw then steps forward 0..15 members (wrapping) to smooth what is left of the
//     landing bias. Every member can be drawn. The result is close to uniform when members
//     spread evenly over byte space (hashes, UUIDs, fixed-width numbers: with 5,000 random
//     hex members no member came up more than 3x its fair share); otherwise members in thin
//     subtrees are favoured (with members "0".."19999", the 16 members from "0" on share a
//     tenth of the draws).
//     Distinct draws retry on duplicates and, if the trie is too skewed to find `count`
//     distinct members in 4*count+64 draws, complete the sample with the members following
//     a random draw.
// Either way, the members come back in random order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace redrock::engine {

class MemberIterator;

// Reseeds the calling thread's sampling generator (seeded from std::random_device
// otherwise), so that tests can make their draws reproducible.
void SeedMemberSampling(uint64_t seed);

struct SampledMember {
  std::string member;
  std::string value;
};

class MemberSampler {
 public:
  // Collections up to this size are always sampled exactly.
  static constexpr uint64_t kExactLimit = 1024;

  // Samples the members `it` iterates; `size` is their number (the meta record's size).
  // Values are copied only when `with_values`.
  MemberSampler(MemberIterator* it, uint64_t size, bool with_values)
      : it_(it), size_(size), with_values_(with_values) {}
  MemberSampler(const MemberSampler&) = delete;
  MemberSampler& operator=(const MemberSampler&) = delete;

  // min(count, size) distinct members.
  Status Distinct(uint64_t count, std::vector<SampledMember>* out);
  // Receives one draw (the value is empty unless `with_values`).
  using DrawFn = std::function<void(std::string_view member, std::string_view value)>;
  // `count` members drawn independently, repeats allowed, each passed to `draw` (exactly
  // `count` calls unless the collection is empty or an error is returned). Memory: the
  // distinct members drawn plus 4 bytes per draw.
  Status WithRepeats(uint64_t count, const DrawFn& draw);

 private:
  // Positions the iterator on a random member (approximate distribution, see above).
  Status RandomSeek();
  // Steps forward a few members from where a descent landed (wrapping), see above.
  Status Smooth();
  void Take(std::vector<SampledMember>* out) const;

  MemberIterator* it_;
  uint64_t size_;
  bool with_values_;
};

}  // namespace redrock::engine
