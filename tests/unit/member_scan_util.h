// Test helper shared by the collection types' unit tests: runs a member cursor scan (HSCAN,
// SSCAN, ZSCAN's engine side) to its end.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/member_iterator.h"
#include "engine/status.h"

namespace redrock::testing {

// Calls `scan(resume, count, match, page, version)` (one engine Scan of a key, bound by the
// caller; match is nullopt: every member) page after page, each resuming after the previous one's
// `next`, until a page says the scan is over. Returns every member seen, in order, repeats kept;
// *calls gets the number of pages. Fails the test (and stops) past `max_calls` pages or on an
// error.
template <typename ScanFn>
std::vector<std::string> DrainMemberScan(ScanFn scan, size_t count, size_t max_calls,
                                         size_t* calls) {
  std::vector<std::string> seen;
  std::optional<std::string> pos;
  engine::ScanResumeFn resume = [&pos](uint64_t) { return pos; };
  *calls = 0;
  do {
    engine::MemberPage page;
    uint64_t version = 0;
    Status s = scan(resume, count, std::nullopt, &page, &version);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) break;
    for (auto& item : page.items)
      seen.push_back(item.first);
    pos = page.next;
    if (++*calls > max_calls) {
      ADD_FAILURE() << "scan with count " << count << " did not end in " << max_calls << " pages";
      break;
    }
  } while (pos);
  return seen;
}

}  // namespace redrock::testing
