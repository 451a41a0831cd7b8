#ifndef DYSTONIA_SERVICE_AUTH_JTI_STORE_H_
#define DYSTONIA_SERVICE_AUTH_JTI_STORE_H_

// Where JwtValidator remembers the `jti` of each accepted token until the
// token expires, so that a replay of it is refused. The in-memory store here
// holds for one process; RocksDbJtiStore (rocksdb_jti_store.h) also holds
// across restarts.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace dystonia::auth {

// Thread-safe: Record() is atomic (a check and an insert under one lock), so
// of two concurrent calls with one id exactly one succeeds.
class JtiStore {
 public:
  virtual ~JtiStore() = default;

  // Holds `id` until `forget_after`, first dropping the ids whose time is
  // before `now`. kAlreadyExists when `id` is held (a replay);
  // kResourceExhausted when the store holds its maximum of live ids; a
  // storage error otherwise. Nothing is recorded on error.
  virtual absl::Status Record(absl::string_view id, absl::Time forget_after,
                              absl::Time now) = 0;

  // The number of ids held (for tests and metrics).
  virtual size_t Size() const = 0;
};

// A JtiStore in this process's memory: a restarted process forgets.
class InMemoryJtiStore final : public JtiStore {
 public:
  // `max_entries`: the most live ids held; 0 is treated as 1.
  explicit InMemoryJtiStore(size_t max_entries = 1000000)
      : max_entries_(max_entries == 0 ? 1 : max_entries) {}

  absl::Status Record(absl::string_view id, absl::Time forget_after,
                      absl::Time now) override;
  size_t Size() const override;

 private:
  void PruneLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const size_t max_entries_;
  mutable absl::Mutex mutex_;
  // id -> forget_after.
  absl::flat_hash_map<std::string, absl::Time> seen_ ABSL_GUARDED_BY(mutex_);
  // The same entries as a min-heap on forget_after, for pruning in order.
  std::vector<std::pair<absl::Time, std::string>> expiry_heap_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace dystonia::auth

#endif  // DYSTONIA_SERVICE_AUTH_JTI_STORE_H_
