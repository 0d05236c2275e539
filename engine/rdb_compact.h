// Decoders for the compact encodings Redis embeds in RDB strings: listpack (7.0+), ziplist
// (before 7.0), intset and zipmap (before 2.6). Every read is bounds-checked: corrupt blobs
// give Corruption, never a read outside the blob.
#pragma once

#include <functional>
#include <string_view>

#include "engine/status.h"

namespace redrock::engine {

// Receives each entry in order; integers arrive as their decimal text. A non-OK status
// stops the walk and is returned.
using BlobEntryFn = std::function<Status(std::string_view entry)>;

// Walks a listpack.
Status WalkListpack(std::string_view blob, const BlobEntryFn& fn);
// Walks a ziplist.
Status WalkZiplist(std::string_view blob, const BlobEntryFn& fn);
// Walks an intset (members must be strictly increasing, as Redis checks).
Status WalkIntset(std::string_view blob, const BlobEntryFn& fn);
// Walks a zipmap: entries alternate field, value.
Status WalkZipmap(std::string_view blob, const BlobEntryFn& fn);

}  // namespace redrock::engine
