// redrock-dump: writes a consistent snapshot of a redrock data directory (the server may be
// running) or of a running server over the network, as a redrock dump or a Redis RDB file.
// See docs/backup.md.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "engine/numbers.h"
#include "tools/dump/db_source.h"
#include "tools/dump/dump_stream.h"
#include "tools/dump/net_source.h"
#include "tools/dump/progress.h"
#include "tools/dump/rdb_file.h"

using namespace redrock;
using namespace redrock::dump;

namespace {

const char kUsage[] =
    "usage: redrock-dump (--dir DATA_DIR | --host HOST --port PORT [--user USER]\n"
    "                    [--password PASS]) [--out FILE|-] [--format redrock|rdb]\n"
    "                    [--zstd[=LEVEL]] [--db N] [--match GLOB] [--quiet]\n"
    "Writes a consistent snapshot of a redrock server's data.\n"
    "  --dir DATA_DIR    read the data directory (the server may be running)\n"
    "  --host, --port    read a running server over the network, at one point in time\n"
    "                    (password also from REDROCK_PASSWORD)\n"
    "  --format redrock  redrock's dump format (default; Protobuf records, checksummed)\n"
    "  --format rdb      a Redis RDB file (Redis 5.0 and later load it)\n"
    "  --zstd[=LEVEL]    compress a redrock dump with zstd (default level 3)\n"
    "  --db N            only database N;  --match GLOB  only keys matching GLOB\n";

int Fail(const std::string& msg) {
  fprintf(stderr, "redrock-dump: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, host, user, password, out = "-", format = "redrock";
  int port = 0;
  SourceFilter filter;
  DumpOptions options;
  bool quiet = false;
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
    } else if (a == "--out" && value(&out)) {
    } else if (a == "--format" && value(&format)) {
    } else if (a == "--zstd") {
      options.zstd = true;
    } else if (a.starts_with("--zstd=") && ParseInt64(a.substr(7), &n) && n >= 1 && n <= 19) {
      options.zstd = true;
      options.zstd_level = static_cast<int>(n);
    } else if (a == "--db" && value(&v) && ParseInt64(v, &n) && n >= 0 && n < 65536) {
      filter.db = static_cast<int>(n);
    } else if (a == "--match" && value(&filter.match)) {
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--help" || a == "-h") {
      fputs(kUsage, stdout);
      return 0;
    } else {
      fputs(kUsage, stderr);
      return 2;
    }
  }
  if (dir.empty() == host.empty() || (!host.empty() && port == 0) ||
      (format != "redrock" && format != "rdb")) {
    fputs(kUsage, stderr);
    return 2;
  }
  if (format == "rdb" && options.zstd) return Fail("--zstd applies to the redrock format only");
  if (password.empty()) {
    if (const char* env = getenv("REDROCK_PASSWORD")) password = env;
  }

  std::unique_ptr<KeySource> source_holder;
  Status s;
  if (!dir.empty()) {
    auto db = std::make_unique<DbSource>();
    s = db->Open(dir);
    source_holder = std::move(db);
    options.source = dir;
  } else {
    auto net = std::make_unique<NetSource>();
    s = net->Connect(host, port, user, password);
    source_holder = std::move(net);
    options.source = host + ":" + std::to_string(port);
  }
  KeySource& source = *source_holder;
  uint64_t total = 0;
  if (s.ok()) s = source.Start(filter, &total);
  if (!s.ok()) return Fail(s.ToString());
  const auto start = std::chrono::steady_clock::now();
  Progress progress(!quiet);
  uint64_t keys = 0;
  uint64_t bytes = 0;
  if (format == "rdb") {
    RdbFileWriter writer;
    s = writer.Open(out);
    if (s.ok()) {
      s = source.Scan(
          [&](const KeyHeader& h, engine::ValueSink** sink) {
            *sink = writer.sink();
            return writer.StartKey(h);
          },
          [&] {
            keys++;
            progress.Update(keys, 0, total, 0);
            return Status::OK();
          });
    }
    if (s.ok()) s = writer.Finish();
  } else {
    ProtoDumpWriter writer;
    s = writer.Open(out, options);
    if (s.ok()) {
      s = source.Scan(
          [&](const KeyHeader& h, engine::ValueSink** sink) {
            *sink = writer.sink();
            return writer.StartKey(h);
          },
          [&] {
            keys++;
            progress.Update(keys, writer.bytes(), total, 0);
            return Status::OK();
          });
    }
    if (s.ok()) s = writer.Finish();
    bytes = writer.bytes();
  }
  if (!s.ok()) return Fail(s.ToString());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) {
    fprintf(stderr, "redrock-dump: %llu keys in %.2fs (%.0f keys/s)%s\n",
            static_cast<unsigned long long>(keys), secs, static_cast<double>(keys) / secs,
            bytes ? (", " + std::to_string(bytes) + " bytes before compression").c_str() : "");
  }
  return 0;
}
