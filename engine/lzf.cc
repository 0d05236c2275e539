// LZF stream format: a control byte below 32 starts a run of (ctrl + 1) literal bytes;
// otherwise the top three bits are a match length minus 2 (7 means "add the next byte") and
// the low five bits with the following byte are a back-reference distance minus 1.
#include "engine/lzf.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace redrock::engine {

Status LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->clear();
  out->resize(out_len);
  char* dst = out->data();
  size_t o = 0, i = 0;
  const auto* src = reinterpret_cast<const uint8_t*>(in.data());
  while (i < in.size()) {
    unsigned ctrl = src[i++];
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (i + run > in.size() || o + run > out_len)
        return Status::Corruption("LZF literal run past the end");
      memcpy(dst + o, src + i, run);
      i += run;
      o += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return Status::Corruption("LZF match length truncated");
      len += src[i++];
    }
    len += 2;
    if (i >= in.size()) return Status::Corruption("LZF match distance truncated");
    size_t dist = ((ctrl & 0x1f) << 8) + src[i++] + 1;
    if (dist > o) return Status::Corruption("LZF back-reference before the start");
    if (o + len > out_len) return Status::Corruption("LZF match past the end");
    // Overlapping copies repeat a pattern, so copy byte by byte.
    for (size_t k = 0; k < len; k++, o++)
      dst[o] = dst[o - dist];
  }
  if (o != out_len) return Status::Corruption("LZF data shorter than announced");
  return Status::OK();
}

bool LzfCompress(std::string_view in, std::string* out) {
  constexpr size_t kMaxLit = 32, kMaxOff = 1 << 13, kMaxRef = (1 << 8) + (1 << 3);
  constexpr int kHashBits = 14;
  out->clear();
  if (in.size() < 4) return false;
  out->reserve(in.size());
  std::vector<int64_t> table(size_t{1} << kHashBits, -1);
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t n = in.size();
  auto hash = [&](size_t at) {
    uint32_t v = (uint32_t{p[at]} << 16) | (uint32_t{p[at + 1]} << 8) | p[at + 2];
    return (v * 2654435761u) >> (32 - kHashBits);
  };
  std::string lit;
  auto flush_lit = [&]() {
    size_t k = 0;
    while (k < lit.size()) {
      size_t run = std::min(kMaxLit, lit.size() - k);
      out->push_back(static_cast<char>(run - 1));
      out->append(lit, k, run);
      k += run;
    }
    lit.clear();
  };
  size_t i = 0;
  while (i < n) {
    if (i + 2 < n) {
      uint32_t h = hash(i);
      int64_t ref = table[h];
      table[h] = static_cast<int64_t>(i);
      if (ref >= 0 && i - static_cast<size_t>(ref) <= kMaxOff && memcmp(p + ref, p + i, 3) == 0) {
        size_t r = static_cast<size_t>(ref);
        size_t len = 3;
        size_t max = std::min(kMaxRef, n - i);
        while (len < max && p[r + len] == p[i + len])
          len++;
        flush_lit();
        size_t dist = i - r - 1;
        size_t l = len - 2;
        if (l < 7) {
          out->push_back(static_cast<char>((l << 5) | (dist >> 8)));
        } else {
          out->push_back(static_cast<char>((7 << 5) | (dist >> 8)));
          out->push_back(static_cast<char>(l - 7));
        }
        out->push_back(static_cast<char>(dist & 0xff));
        i += len;
        if (out->size() >= n) return false;
        continue;
      }
    }
    lit.push_back(static_cast<char>(p[i++]));
  }
  flush_lit();
  return out->size() < n;
}

}  // namespace redrock::engine
