#include "service/cds_hooks/caller_rate_limiter.h"

#include <algorithm>

namespace dystonia::cds_hooks {
namespace {

// Past this many remembered callers, full buckets are forgotten.
constexpr size_t kPruneAbove = 10000;

}  // namespace

void CallerRateLimiter::Refill(Bucket* bucket, absl::Time now) const {
  const double minutes =
      std::max(0.0, absl::ToDoubleMinutes(now - bucket->updated));
  bucket->tokens = std::min(static_cast<double>(per_minute_),
                            bucket->tokens + minutes * per_minute_);
  bucket->updated = std::max(bucket->updated, now);
}

void CallerRateLimiter::ForgetFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(&it->second, now);
    if (it->second.tokens >= static_cast<double>(per_minute_)) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
}

bool CallerRateLimiter::TryTake(absl::string_view caller, int64_t cost,
                                absl::Time now) {
  if (per_minute_ <= 0) return true;
  if (cost > per_minute_) return false;
  absl::MutexLock lock(&mutex_);
  if (buckets_.size() > kPruneAbove) ForgetFullBuckets(now);
  auto [it, inserted] = buckets_.try_emplace(caller);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = static_cast<double>(per_minute_);
    bucket.updated = now;
  } else {
    Refill(&bucket, now);
  }
  if (bucket.tokens < static_cast<double>(cost)) return false;
  bucket.tokens -= static_cast<double>(cost);
  return true;
}

}  // namespace dystonia::cds_hooks
