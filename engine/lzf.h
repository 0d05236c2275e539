// LZF, the compression Redis applies to long strings in RDB files and DUMP payloads.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace redrock::engine {

// Decompresses `in` into exactly `out_len` bytes; Corruption when the stream is malformed
// or does not produce exactly that many bytes.
Status LzfDecompress(std::string_view in, size_t out_len, std::string* out);

// Compresses `in`; false when the result would not be shorter than the input.
bool LzfCompress(std::string_view in, std::string* out);

}  // namespace redrock::engine
