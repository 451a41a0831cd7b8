#ifndef DYSTONIA_TESTS_TESTING_PROCESS_STATS_H_
#define DYSTONIA_TESTS_TESTING_PROCESS_STATS_H_

// What the test process holds, for resource-leak checks: open file
// descriptors, threads and resident memory, from /proc/self.

#include <dirent.h>

#include <fstream>
#include <string>

namespace dystonia::testing {

// Open file descriptors of this process, or -1.
// True in AddressSanitizer and ThreadSanitizer builds, whose allocators hold
// freed memory back (ASan's quarantine) or add shadow memory: resident-memory
// bounds measure the sanitizer there, not the code.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
#else
inline constexpr bool kSanitizedBuild = false;
#endif

inline int CountFds() {
  int count = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory stream itself
}

// A numeric field of /proc/self/status ("Threads", "VmRSS" in kB), or -1.
inline long StatusField(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      return std::stol(line.substr(name.size() + 1));
    }
  }
  return -1;
}

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_PROCESS_STATS_H_
