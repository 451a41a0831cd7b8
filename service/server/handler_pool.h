#ifndef DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_
#define DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace dystonia {

// A fixed set of threads running jobs from a bounded queue: the HTTP port
// runs its handlers here, off the network threads, so a slow handler (a
// FHIR fetch) never stalls reading or writing other connections, and a
// flood of requests waits in a queue of known size or is refused.
class HandlerPool {
 public:
  HandlerPool(int threads, int max_queued);
  // Drops the jobs not yet started and joins the threads once the running
  // jobs return.
  ~HandlerPool();

  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Queues `job`; false (and `job` not run) when the queue is full or the
  // pool is stopping.
  bool TrySubmit(std::function<void()> job);

 private:
  void RunJobs();
  bool HasWorkOrStops() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const size_t max_queued_;
  absl::Mutex mutex_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_
