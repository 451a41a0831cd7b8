#include "service/server/handler_pool.h"

#include <algorithm>
#include <utility>

namespace dystonia {

HandlerPool::HandlerPool(int threads, int max_queued)
    : max_queued_(static_cast<size_t>(std::max(1, max_queued))) {
  const int count = std::max(1, threads);
  threads_.reserve(count);
  for (int i = 0; i < count; ++i) threads_.emplace_back([this] { RunJobs(); });
}

HandlerPool::~HandlerPool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  work_or_stop_.notify_all();
  // The dropped jobs are destroyed outside the lock: what they hold (a
  // connection) may take time to release.
  dropped.clear();
  for (std::thread& thread : threads_) thread.join();
}

bool HandlerPool::TrySubmit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  work_or_stop_.notify_one();
  return true;
}

void HandlerPool::RunJobs() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_or_stop_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace dystonia
