#include "tests/testing/knowledge_fixture.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace dystonia::testing {

std::string NewTempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) /
      (name + "-" + std::to_string(getpid()) + "-" +
       std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path.string();
}

void MakeOwnerOnly(const std::string& path) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
}

}  // namespace dystonia::testing
