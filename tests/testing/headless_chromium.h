#ifndef DYSTONIA_TESTS_TESTING_HEADLESS_CHROMIUM_H_
#define DYSTONIA_TESTS_TESTING_HEADLESS_CHROMIUM_H_

#include <string>

namespace dystonia::testing {

// The DOM a real browser built from a page: Debian's headless Chromium
// (/usr/bin/chromium) loads `url` (file:// or http://127.0.0.1), runs its
// scripts for a virtual 3 s, and prints the DOM (--dump-dom).
struct BrowserDom {
  std::string dom;
  // Why there is no DOM ("" when there is one): Chromium missing, failed,
  // timed out (60 s), or printed nothing. Names the log in `work_dir`.
  std::string error;
};

// `work_dir` holds Chromium's profile and its log (`log_name`).
BrowserDom LoadInHeadlessChromium(const std::string& url,
                                  const std::string& work_dir,
                                  const std::string& log_name = "chromium.log");

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_HEADLESS_CHROMIUM_H_
