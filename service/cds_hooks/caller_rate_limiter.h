#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CALLER_RATE_LIMITER_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CALLER_RATE_LIMITER_H_

// A token bucket per caller. Each caller (an authenticated name: a token's
// name, a JWT's issuer) may spend `per_minute` tokens a minute, in bursts of
// up to `per_minute`; a caller who has spent them waits for the bucket to
// refill. Callers are independent: one that floods does not slow another.
// Thread-safe.

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace dystonia::cds_hooks {

class CallerRateLimiter {
 public:
  // `per_minute` <= 0 means no limit.
  explicit CallerRateLimiter(int64_t per_minute) : per_minute_(per_minute) {}

  // Takes `cost` tokens from `caller`'s bucket at `now` and returns true, or
  // returns false and takes none when the bucket holds fewer (a cost above
  // `per_minute` is never granted).
  bool TryTake(absl::string_view caller, int64_t cost, absl::Time now);

  int64_t per_minute() const { return per_minute_; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  // Refills `bucket` for the time since it was last updated.
  void Refill(Bucket* bucket, absl::Time now) const;
  // Forgets the buckets that are full again (as good as new), so the map
  // stays as small as the set of recently active callers.
  void ForgetFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const int64_t per_minute_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CALLER_RATE_LIMITER_H_
