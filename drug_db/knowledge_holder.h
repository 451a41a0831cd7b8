#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_

#include <memory>

#include "absl/synchronization/mutex.h"
#include "drug_db/knowledge_snapshot.h"

namespace dystonia {

// Holds the serving knowledge snapshot. A new version is built beside the
// old one and swapped in with Set(); a request that took Current() finishes
// on the version it started with. Thread-safe.
class KnowledgeHolder {
 public:
  // Returns the serving snapshot, or nullptr before the first Set().
  std::shared_ptr<const KnowledgeSnapshot> Current() const {
    absl::MutexLock lock(&mutex_);
    return current_;
  }

  // Makes `snapshot` the serving one.
  void Set(std::shared_ptr<const KnowledgeSnapshot> snapshot) {
    absl::MutexLock lock(&mutex_);
    current_ = std::move(snapshot);
  }

 private:
  mutable absl::Mutex mutex_;
  std::shared_ptr<const KnowledgeSnapshot> current_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_HOLDER_H_
