// redrock-restore: loads a redrock dump or a Redis RDB file into a new data directory
// (offline, all or nothing) or into a running server (redrock or Redis) over RESP, or only
// checks it (--verify). See docs/backup.md.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/numbers.h"
#include "tools/dump/dir_target.h"
#include "tools/dump/dump_stream.h"
#include "tools/dump/interrupt.h"
#include "tools/dump/progress.h"
#include "tools/dump/rdb_file.h"
#include "tools/dump/targets.h"

using namespace redrock;
using namespace redrock::dump;

namespace {

const char kUsage[] =
    "usage: redrock-restore (--dir NEW_DATA_DIR | --host HOST --port PORT | --verify)\n"
    "                       [--replace | --skip-existing] [--db-map SRC:DST]... [--databases N]\n"
    "                       [--sort-buffer SIZE] [--user USER] [--password PASS] [--quiet]\n"
    "                       FILE|-\n"
    "Reads a redrock dump or a Redis RDB file (detected from its first bytes).\n"
    "  --dir      build a new data directory (must not exist or be empty) from sorted SST\n"
    "             files; all or nothing\n"
    "  --sort-buffer  memory for sorting with --dir (default 64mb; k, m, g suffixes)\n"
    "  --host     RESTORE into a running redrock or Redis server, pipelined; the file is\n"
    "             checked completely first, so a corrupt file writes nothing\n"
    "  --verify   read and check only\n";

int Fail(const std::string& msg) {
  fprintf(stderr, "redrock-restore: %s\n", msg.c_str());
  return 1;
}

// Counts keys as they pass, for progress.
class Counting : public KeyConsumer {
 public:
  Counting(TargetBase* target, InputFile* in, Progress* progress)
      : target_(target), in_(in), progress_(progress) {}
  Status StartKey(const KeyHeader& h, engine::ValueSink** sink) override {
    return target_->StartKey(h, sink);
  }
  Status FinishKey() override {
    keys_++;
    progress_->Update(keys_, in_->raw_offset(), 0, in_->file_size());
    return target_->FinishKey();
  }

 private:
  TargetBase* target_;
  InputFile* in_;
  Progress* progress_;
  uint64_t keys_ = 0;
};

// Reads `path` into `target`; *what names the format found.
Status ReadInto(const std::string& path, TargetBase* target, bool quiet, std::string* what) {
  InputFile in;
  REDROCK_RETURN_IF_ERROR(in.Open(path));
  // Peek at the magic through a second handle would not work on stdin: read the first
  // byte through the stream and dispatch on it (both formats' readers re-check the magic).
  Progress progress(!quiet);
  Counting counting(target, &in, &progress);
  InputFile probe;
  bool rdb = false;
  if (path != "-") {
    REDROCK_RETURN_IF_ERROR(probe.Open(path));
    char c[5] = {0};
    size_t got;
    REDROCK_RETURN_IF_ERROR(probe.ReadSome(c, 5, &got));
    rdb = got == 5 && memcmp(c, "REDIS", 5) == 0;
  }
  if (rdb) {
    *what = "Redis RDB file";
    RdbReadStats stats;
    REDROCK_RETURN_IF_ERROR(ReadRdbFile(&in, &counting, &stats));
    *what += " (RDB version " + std::to_string(stats.version) +
             (stats.checksum_checked ? ", checksum verified)" : ", no checksum)");
  } else {
    *what = "redrock dump";
    DumpReadStats stats;
    REDROCK_RETURN_IF_ERROR(ReadProtoDump(&in, &counting, &stats));
    *what += " (format 1, from " + stats.source + ", " + std::to_string(stats.counts.records) +
             " records, checksum verified)";
  }
  return Status::OK();
}

bool ParseDbMap(const std::string& v, RestoreSettings* settings) {
  size_t colon = v.find(':');
  int64_t a, b;
  if (colon == std::string::npos || !ParseInt64(v.substr(0, colon), &a) ||
      !ParseInt64(v.substr(colon + 1), &b) || a < 0 || b < 0 || a > 65535 || b > 65535)
    return false;
  settings->db_map[static_cast<int>(a)] = static_cast<int>(b);
  return true;
}

// "64mb", "512k", "1g", "65536": bytes.
bool ParseSize(std::string v, uint64_t* bytes) {
  uint64_t unit = 1;
  while (!v.empty() && (v.back() == 'b' || v.back() == 'B'))
    v.pop_back();
  if (!v.empty()) {
    switch (tolower(v.back())) {
      case 'k':
        unit = 1ULL << 10;
        break;
      case 'm':
        unit = 1ULL << 20;
        break;
      case 'g':
        unit = 1ULL << 30;
        break;
    }
    if (unit != 1) v.pop_back();
  }
  int64_t n;
  if (!ParseInt64(v, &n) || n <= 0 || static_cast<uint64_t>(n) > (1ULL << 50) / unit) return false;
  *bytes = static_cast<uint64_t>(n) * unit;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, host, user, password, file;
  int port = 0;
  bool verify = false, quiet = false, replace = false, skip = false;
  RestoreSettings settings;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= argc) return false;
      *v = argv[++i];
      return true;
    };
    std::string v;
    int64_t n;
    if (a == "--dir" && value(&dir)) {
    } else if (a == "--host" && value(&host)) {
    } else if (a == "--port" && value(&v) && ParseInt64(v, &n) && n > 0 && n < 65536) {
      port = static_cast<int>(n);
    } else if (a == "--user" && value(&user)) {
    } else if (a == "--password" && value(&password)) {
    } else if (a == "--verify") {
      verify = true;
    } else if (a == "--replace") {
      replace = true;
    } else if (a == "--skip-existing") {
      skip = true;
    } else if (a == "--db-map" && value(&v) && ParseDbMap(v, &settings)) {
    } else if (a == "--databases" && value(&v) && ParseInt64(v, &n) && n > 0 && n <= 65536) {
      settings.databases = static_cast<int>(n);
    } else if (a == "--sort-buffer" && value(&v) && ParseSize(v, &settings.sort_buffer_bytes) &&
               settings.sort_buffer_bytes >= (64 << 10)) {
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--help" || a == "-h") {
      fputs(kUsage, stdout);
      return 0;
    } else if ((a == "-" || !a.starts_with("-")) && file.empty()) {
      file = a;
    } else {
      fputs(kUsage, stderr);
      return 2;
    }
  }
  const int targets = (!dir.empty()) + (!host.empty()) + verify;
  if (file.empty() || targets != 1 || (replace && skip) || (!host.empty() && port == 0)) {
    fputs(kUsage, stderr);
    return 2;
  }
  if (password.empty()) {
    if (const char* env = getenv("REDROCK_PASSWORD")) password = env;
  }
  settings.existing = replace ? ExistingPolicy::kReplace
                      : skip  ? ExistingPolicy::kSkip
                              : ExistingPolicy::kFail;
  const auto start = std::chrono::steady_clock::now();
  std::string what;
  Status s;
  std::unique_ptr<TargetBase> target;
  DirTarget* dir_target = nullptr;
  if (verify) {
    target = std::make_unique<VerifyTarget>();
  } else if (!dir.empty()) {
    auto t = std::make_unique<DirTarget>(settings);
    dir_target = t.get();
    // Ctrl-C stops at the next key and removes the temporary directories.
    InstallInterruptHandler();
    s = t->Open(dir);
    target = std::move(t);
  } else {
    if (file != "-") {
      // A live server cannot be rolled back: check the whole file before the first write.
      VerifyTarget check;
      s = ReadInto(file, &check, true, &what);
      if (!s.ok()) return Fail(file + ": " + s.ToString() + " (nothing was restored)");
    }
    auto t = std::make_unique<RespTarget>(settings);
    s = t->Connect(host, port, user, password);
    target = std::move(t);
  }
  if (s.ok()) s = ReadInto(file, target.get(), quiet, &what);
  if (s.ok()) s = target->Commit();
  if (!s.ok()) {
    std::string where = file == "-" ? "stdin" : file;
    std::string note = host.empty() && !verify ? " (nothing was restored)" : "";
    return Fail(where + ": " + s.ToString() + note);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const RestoreCounts& c = target->counts();
  if (!quiet || verify) {
    std::string runs;
    if (dir_target) runs = ", " + std::to_string(dir_target->runs()) + " sorted runs";
    fprintf(stderr,
            "redrock-restore: %s%s: %llu keys, %llu skipped (existing), %llu expired%s, in "
            "%.2fs\n",
            verify ? "verified " : "", what.c_str(), static_cast<unsigned long long>(c.keys),
            static_cast<unsigned long long>(c.skipped), static_cast<unsigned long long>(c.expired),
            runs.c_str(), secs);
  }
  return 0;
}
