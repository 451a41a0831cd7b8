#include "tests/testing/headless_chromium.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace dystonia::testing {

namespace {
constexpr char kChromium[] = "/usr/bin/chromium";
}  // namespace

BrowserDom LoadInHeadlessChromium(const std::string& url,
                                  const std::string& work_dir,
                                  const std::string& log_name) {
  BrowserDom result;
  if (!std::filesystem::exists(kChromium)) {
    result.error = absl::StrCat(kChromium,
                                " is missing: install Debian's chromium "
                                "package (deploy/setup.sh does)");
    return result;
  }
  const std::string log = absl::StrCat(work_dir, "/", log_name);
  // As root Chromium refuses to start without --no-sandbox; its own profile
  // keeps it away from the user's and from other runs. The virtual time
  // budget lets the page's scripts run before the DOM is printed.
  const std::string command =
      absl::StrCat("timeout 60 ", kChromium,
                   " --headless=new --no-sandbox --disable-gpu --no-first-run"
                   " --virtual-time-budget=3000 --user-data-dir='",
                   work_dir, "/profile' --dump-dom '", url, "' 2>'", log, "'");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.error = absl::StrCat("cannot run: ", command);
    return result;
  }
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.dom.append(buffer, read);
  }
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.error = absl::StrCat("`", command, "` failed (status ", status,
                                "; 124 = timed out); see ", log);
  } else if (result.dom.empty()) {
    result.error = absl::StrCat("Chromium printed no DOM; see ", log);
  }
  return result;
}

}  // namespace dystonia::testing
