// RecordSorter: records in any order come out sorted, one per key, as non-overlapping SST
// files, however many runs the buffer forced; equal keys are settled by the resolve rule.
#include "tools/dump/record_sorter.h"

#include <algorithm>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <rocksdb/iterator.h>
#include <rocksdb/sst_file_reader.h>

#include "tests/unit/test_util.h"

namespace redrock::dump {
namespace {

using Records = std::vector<std::pair<std::string, std::string>>;

// Every record of `files`, in file order; fails when a key does not sort after the last.
Records ReadFiles(const std::vector<std::string>& files) {
  Records out;
  for (const auto& f : files) {
    rocksdb::SstFileReader reader{rocksdb::Options()};
    EXPECT_TRUE(reader.Open(f).ok()) << f;
    std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string k = it->key().ToString();
      if (!out.empty()) {
        EXPECT_LT(out.back().first, k) << "keys out of order in " << f;
      }
      out.emplace_back(k, it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok());
  }
  return out;
}

// Keeps the first copy, or the last.
ResolveFn KeepRule(bool first) {
  return [first](int, std::string_view, const std::vector<std::string_view>& values, size_t* keep) {
    *keep = first ? 0 : values.size() - 1;
    return Status::OK();
  };
}

SorterOptions Small(const std::string& dir, int streams) {
  SorterOptions o;
  o.dir = dir + "/sort";
  o.buffer_bytes = 64 << 10;  // a few hundred records per run, four runs per merge pass
  o.streams = streams;
  return o;
}

TEST(RecordSorterTest, SortsInputLargerThanTheBufferThroughManyRuns) {
  testing::TempDir tmp;
  RecordSorter sorter(Small(tmp.path(), 2), KeepRule(true));
  ASSERT_TRUE(sorter.Open().ok());
  std::mt19937 rng(7);
  std::map<std::string, std::string> expected[2];
  for (int i = 0; i < 20000; i++) {
    int stream = static_cast<int>(rng() % 2);
    // Binary keys, some prefixes of others, values up to a few KB (bigger than a block).
    std::string key(1 + rng() % 12, '\0');
    for (auto& c : key)
      c = static_cast<char>(rng() % 4);
    key += std::to_string(i);
    std::string value(rng() % 50 == 0 ? 5000 : rng() % 40, static_cast<char>('a' + i % 26));
    expected[stream][key] = value;
    ASSERT_TRUE(sorter.Add(stream, key, value).ok());
  }
  EXPECT_GT(sorter.runs_written(), 20u);
  for (int stream = 0; stream < 2; stream++) {
    std::vector<std::string> files;
    ASSERT_TRUE(sorter.Finish(stream, rocksdb::Options(), 32 << 10, nullptr, &files).ok());
    EXPECT_GT(files.size(), 1u);  // rolled at 32 KB
    Records got = ReadFiles(files);
    EXPECT_EQ(got, Records(expected[stream].begin(), expected[stream].end()));
  }
  // Runs are gone once merged; only the output files stay.
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path() + "/sort"))
    EXPECT_EQ(entry.path().filename().string().rfind("out-", 0), 0u) << entry.path();
}

TEST(RecordSorterTest, EqualKeysFollowTheRuleAcrossRunsAndWithinOne) {
  for (bool first : {true, false}) {
    testing::TempDir tmp;
    RecordSorter sorter(Small(tmp.path(), 1), KeepRule(first));
    ASSERT_TRUE(sorter.Open().ok());
    std::map<std::string, std::string> expected;
    // Each key gets three copies: two close together (same run) and one far away.
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 3000; i++) {
        std::string key = "k" + std::to_string(i);
        std::string value = std::to_string(round) + ":" + std::string(i % 30, 'v');
        ASSERT_TRUE(sorter.Add(0, key, value).ok());
        if (round == 1 && i % 2 == 0) {
          ASSERT_TRUE(sorter.Add(0, key, value + "again").ok());
          value += "again";
        }
        if (first ? round == 0 : true) expected[key] = value;
      }
    }
    std::vector<std::string> files;
    ASSERT_TRUE(sorter.Finish(0, rocksdb::Options(), 0, nullptr, &files).ok());
    EXPECT_EQ(files.size(), 1u);
    EXPECT_EQ(ReadFiles(files), Records(expected.begin(), expected.end())) << first;
  }
}

TEST(RecordSorterTest, EverythingInTheBufferNeedsNoRun) {
  testing::TempDir tmp;
  SorterOptions o = Small(tmp.path(), 1);
  o.buffer_bytes = 16 << 20;
  RecordSorter sorter(o, KeepRule(false));
  ASSERT_TRUE(sorter.Open().ok());
  for (int i = 999; i >= 0; i--)
    ASSERT_TRUE(sorter.Add(0, "key" + std::to_string(i), "v").ok());
  ASSERT_TRUE(sorter.Add(0, "key5", "last").ok());
  std::vector<std::string> files;
  ASSERT_TRUE(sorter.Finish(0, rocksdb::Options(), 0, nullptr, &files).ok());
  EXPECT_EQ(sorter.runs_written(), 0u);
  Records got = ReadFiles(files);
  ASSERT_EQ(got.size(), 1000u);
  EXPECT_EQ(got[std::find_if(got.begin(), got.end(), [](auto& r) { return r.first == "key5"; }) -
                got.begin()]
                .second,
            "last");
}

TEST(RecordSorterTest, VisitDropsRecordsAndAnEmptyStreamMakesNoFile) {
  testing::TempDir tmp;
  RecordSorter sorter(Small(tmp.path(), 2), KeepRule(true));
  ASSERT_TRUE(sorter.Open().ok());
  for (int i = 0; i < 5000; i++)
    ASSERT_TRUE(sorter.Add(0, "k" + std::to_string(i), std::to_string(i % 2)).ok());
  std::vector<std::string> files;
  auto odd_only = [](std::string_view, std::string_view value, bool* keep) {
    *keep = value == "1";
    return Status::OK();
  };
  ASSERT_TRUE(sorter.Finish(0, rocksdb::Options(), 0, odd_only, &files).ok());
  EXPECT_EQ(ReadFiles(files).size(), 2500u);
  std::vector<std::string> none;
  ASSERT_TRUE(sorter.Finish(1, rocksdb::Options(), 0, nullptr, &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST(RecordSorterTest, ARefusedDuplicateFailsTheRunThatMeetsIt) {
  testing::TempDir tmp;
  RecordSorter sorter(Small(tmp.path(), 1),
                      [](int, std::string_view key, const std::vector<std::string_view>&, size_t*) {
                        return Status::Corruption("dup " + std::string(key));
                      });
  ASSERT_TRUE(sorter.Open().ok());
  Status s;
  for (int i = 0; i < 20000 && s.ok(); i++)
    s = sorter.Add(0, i == 10000 ? "k5" : "k" + std::to_string(i), "value");
  std::vector<std::string> files;
  if (s.ok()) s = sorter.Finish(0, rocksdb::Options(), 0, nullptr, &files);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "dup k5");
}

TEST(RecordSorterTest, CancelStopsTheMerge) {
  testing::TempDir tmp;
  SorterOptions o = Small(tmp.path(), 1);
  o.cancelled = [] { return true; };
  RecordSorter sorter(o, KeepRule(true));
  ASSERT_TRUE(sorter.Open().ok());
  for (int i = 0; i < 100000; i++)
    ASSERT_TRUE(sorter.Add(0, "k" + std::to_string(i), "").ok());
  std::vector<std::string> files;
  Status s = sorter.Finish(0, rocksdb::Options(), 0, nullptr, &files);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("interrupted"), std::string::npos);
}

}  // namespace
}  // namespace redrock::dump
