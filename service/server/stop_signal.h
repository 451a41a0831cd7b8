#ifndef DYSTONIA_SERVICE_SERVER_STOP_SIGNAL_H_
#define DYSTONIA_SERVICE_SERVER_STOP_SIGNAL_H_

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace dystonia {

// Tells a background thread to stop and lets it sleep until told. A
// standard condition variable, so that ThreadSanitizer sees the hand-off
// (Debian's Abseil is not built with its annotations).
class StopSignal {
 public:
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
  }

  // Sleeps up to `timeout`; true when told to stop (at once if it was).
  bool WaitFor(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [this] { return stopped_; });
  }

  bool stopped() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopped_ = false;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_STOP_SIGNAL_H_
