// Helpers shared by unit tests: a temporary directory removed at the end of the test, and a
// fixture owning an engine opened in one.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "engine/engine.h"

namespace redrock::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "redrock-test-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    path_ = p ? p : tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An engine in a fresh temporary directory, with active expiry off so that tests decide when
// keys expire. Fixtures that need more call EngineTest::SetUp() first.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions opts;
    opts.dir = dir_.path() + "/db";
    opts.active_expire_hz = 0;
    ASSERT_TRUE(engine::Engine::Open(opts, &engine_).ok());
  }

  TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace redrock::testing
