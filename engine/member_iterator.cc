// Member iteration and cursor pages over one collection version.
#include "engine/member_iterator.h"

#include <rocksdb/db.h>

#include "engine/engine.h"
#include "engine/glob.h"

namespace redrock::engine {

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

ReadSnapshot::ReadSnapshot(Engine* engine) : snap_(engine->db()) {
  ro_.snapshot = snap_.snapshot();
}

Status ReadMember(Engine* engine, const rocksdb::ReadOptions& ro, const std::string& member_key,
                  std::string* value) {
  rocksdb::PinnableSlice raw;
  rocksdb::Status s = engine->Get(ro, engine->data_cf(), member_key, &raw);
  if (s.IsNotFound()) return Status::NotFound();
  if (!s.ok()) return Status::IOError(s.ToString());
  if (value != nullptr) value->assign(raw.data(), raw.size());
  return Status::OK();
}

MemberIterator::MemberIterator(Engine* engine, const rocksdb::ReadOptions& ro, std::string prefix,
                               rocksdb::ColumnFamilyHandle* cf)
    : prefix_(std::move(prefix)), upper_(PrefixSuccessor(prefix_)), ro_(ro) {
  lower_slice_ = rocksdb::Slice(prefix_);
  upper_slice_ = rocksdb::Slice(upper_);
  ro_.iterate_lower_bound = &lower_slice_;
  // Data prefixes start with the db number's high byte (0), so a successor always exists.
  ro_.iterate_upper_bound = upper_.empty() ? nullptr : &upper_slice_;
  it_ = engine->NewIterator(ro_, cf != nullptr ? cf : engine->data_cf());
}

void MemberIterator::SeekToFirst() {
  it_->Seek(lower_slice_);
}

void MemberIterator::SeekToLast() {
  if (upper_.empty()) {
    it_->SeekToLast();
    return;
  }
  // The last key before the successor of the prefix.
  it_->SeekForPrev(upper_slice_);
  if (it_->Valid() && it_->key() == upper_slice_) it_->Prev();
}

void MemberIterator::Seek(std::string_view member) {
  seek_buf_.assign(prefix_);
  seek_buf_.append(member);
  it_->Seek(seek_buf_);
}

void MemberIterator::SeekToLastWithPrefix(std::string_view member_prefix) {
  seek_buf_.assign(prefix_);
  seek_buf_.append(member_prefix);
  std::string succ = PrefixSuccessor(seek_buf_);
  if (member_prefix.empty() || succ.empty() || (!upper_.empty() && succ >= upper_)) {
    SeekToLast();
    return;
  }
  // SeekForPrev lands on the last key <= succ; succ itself is past the prefix.
  it_->SeekForPrev(succ);
  if (it_->Valid() && it_->key() == rocksdb::Slice(succ)) it_->Prev();
}

std::string_view MemberIterator::member() const {
  rocksdb::Slice k = it_->key();
  return std::string_view(k.data() + prefix_.size(), k.size() - prefix_.size());
}

std::string_view MemberIterator::value() const {
  rocksdb::Slice v = it_->value();
  return std::string_view(v.data(), v.size());
}

Status MemberIterator::status() const {
  rocksdb::Status s = it_->status();
  return s.ok() ? Status::OK() : Status::IOError(s.ToString());
}

Status ScanMemberPage(MemberIterator* it, const std::optional<std::string>& after, size_t limit,
                      std::optional<std::string_view> match, bool with_values, MemberPage* page) {
  page->items.clear();
  page->next.reset();
  if (!after) {
    it->SeekToFirst();
  } else {
    it->Seek(*after);
    if (it->Valid() && it->member() == *after) it->Next();
  }
  size_t visited = 0;
  std::string last;
  for (; it->Valid(); it->Next()) {
    if (limit != 0 && visited == limit) {
      // More members remain: resume after the last one visited.
      page->next = std::move(last);
      return it->status();
    }
    visited++;
    std::string_view m = it->member();
    last.assign(m);
    if (match && !GlobMatch(*match, m)) continue;
    page->items.emplace_back(std::string(m),
                             with_values ? std::string(it->value()) : std::string());
  }
  return it->status();
}

}  // namespace redrock::engine
