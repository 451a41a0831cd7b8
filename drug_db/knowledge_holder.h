#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_

#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "drug_db/knowledge_snapshot.h"

namespace dystonia {

// Holds the serving knowledge snapshot. A new version is built beside the
// old one and swapped in with Set(); a request that took Current() finishes
// on the version it started with. Thread-safe.
class KnowledgeHolder {
 public:
  using Listener = std::function<void()>;

  // Returns the serving snapshot, or nullptr before the first Set().
  std::shared_ptr<const KnowledgeSnapshot> Current() const {
    absl::MutexLock lock(&mutex_);
    return current_;
  }

  // Makes `snapshot` the serving one, then tells the listeners (on this
  // thread, in the order they were added).
  void Set(std::shared_ptr<const KnowledgeSnapshot> snapshot) {
    {
      absl::MutexLock lock(&mutex_);
      current_ = std::move(snapshot);
    }
    absl::MutexLock lock(&listeners_mutex_);
    for (const auto& [id, listener] : listeners_) listener();
  }

  // Calls `listener` after every later Set() until RemoveListener(id). A
  // listener must be quick and must not add or remove listeners. Returns
  // the id.
  int AddListener(Listener listener) {
    absl::MutexLock lock(&listeners_mutex_);
    listeners_.emplace(next_listener_, std::move(listener));
    return next_listener_++;
  }

  // Once this returns, the listener is not running and will not be called.
  void RemoveListener(int id) {
    absl::MutexLock lock(&listeners_mutex_);
    listeners_.erase(id);
  }

 private:
  mutable absl::Mutex mutex_;
  std::shared_ptr<const KnowledgeSnapshot> current_ ABSL_GUARDED_BY(mutex_);
  absl::Mutex listeners_mutex_;
  std::map<int, Listener> listeners_ ABSL_GUARDED_BY(listeners_mutex_);
  int next_listener_ ABSL_GUARDED_BY(listeners_mutex_) = 0;
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_
