#ifndef DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_
#define DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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

  const size_t max_queued_;
  // std::mutex rather than absl::Mutex: Debian's abseil is not built for
  // ThreadSanitizer, which then cannot see Await's hand-over.
  std::mutex mutex_;
  std::condition_variable work_or_stop_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HANDLER_POOL_H_
