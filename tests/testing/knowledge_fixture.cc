#include "tests/testing/knowledge_fixture.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace dystonia::testing {
namespace {

// The directories this process made, removed when it ends (a full ctest run
// otherwise leaves tens of thousands of stores behind). Set
// DYSTONIA_KEEP_TEST_DIRS=1 to keep them for a look after a failure.
class MadeDirectories {
 public:
  ~MadeDirectories() {
    if (std::getenv("DYSTONIA_KEEP_TEST_DIRS") != nullptr) return;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& path : paths_) {
      std::error_code ignored;  // a subprocess may still hold a file open
      std::filesystem::remove_all(path, ignored);
    }
  }
  void Add(std::string path) {
    std::lock_guard<std::mutex> lock(mutex_);
    paths_.push_back(std::move(path));
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> paths_;
};

MadeDirectories& Made() {
  static MadeDirectories made;
  return made;
}

}  // namespace

std::string NewTempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  MadeDirectories& made = Made();  // constructed first, so destroyed last
  std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) /
      (name + "-" + std::to_string(getpid()) + "-" +
       std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  made.Add(path.string());
  return path.string();
}

void MakeOwnerOnly(const std::string& path) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
}

}  // namespace dystonia::testing
