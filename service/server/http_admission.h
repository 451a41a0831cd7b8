#ifndef DYSTONIA_SERVICE_SERVER_HTTP_ADMISSION_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_ADMISSION_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace dystonia {

// How many connections the HTTP port holds open, in total and per client
// address: what an anonymous client can occupy before it has said anything
// (a slowloris holds connections, it does not use CPU).
class ConnectionLimits {
 public:
  ConnectionLimits(int max_total, int max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  // A place for one more connection from `client`; false when either limit
  // is reached. Every true is matched by one Release(client).
  bool Acquire(const std::string& client);
  void Release(const std::string& client);

  int open() const;

 private:
  const int max_total_;
  const int max_per_client_;
  mutable absl::Mutex mutex_;
  int total_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::flat_hash_map<std::string, int> per_client_ ABSL_GUARDED_BY(mutex_);
};

// Request bodies held in memory at once, across all connections: each body
// is bounded on its own, and this bounds their sum, so many clients each
// sending a body just under the limit cannot exhaust memory together.
class BodyBudget {
 public:
  explicit BodyBudget(int64_t max_bytes) : max_bytes_(max_bytes) {}

  // Reserves `bytes`; false when the budget cannot hold them.
  bool Reserve(int64_t bytes);
  void Release(int64_t bytes);

 private:
  const int64_t max_bytes_;
  absl::Mutex mutex_;
  int64_t reserved_ ABSL_GUARDED_BY(mutex_) = 0;
};

// One reservation, given back when it is destroyed (it moves with the body
// it stands for, into the handler that reads it).
class BodyReservation {
 public:
  BodyReservation() = default;
  BodyReservation(BodyBudget* budget, int64_t bytes)
      : budget_(budget), bytes_(bytes) {}
  BodyReservation(BodyReservation&& other) noexcept
      : budget_(other.budget_), bytes_(other.bytes_) {
    other.budget_ = nullptr;
  }
  BodyReservation& operator=(BodyReservation&& other) noexcept;
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  ~BodyReservation() { Reset(); }

  void Reset();

 private:
  BodyBudget* budget_ = nullptr;
  int64_t bytes_ = 0;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_ADMISSION_H_
