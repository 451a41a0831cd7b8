#include "service/auth/jti_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace dystonia::auth {

absl::Status InMemoryJtiStore::Record(absl::string_view id,
                                      absl::Time forget_after, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  PruneLocked(now);
  if (seen_.contains(id)) {
    return absl::AlreadyExistsError("the jti was already used");
  }
  if (seen_.size() >= max_entries_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the replay cache holds its maximum of ", max_entries_, " live jti"));
  }
  seen_.emplace(std::string(id), forget_after);
  expiry_heap_.emplace_back(forget_after, std::string(id));
  std::push_heap(expiry_heap_.begin(), expiry_heap_.end(), std::greater<>());
  return absl::OkStatus();
}

void InMemoryJtiStore::PruneLocked(absl::Time now) {
  while (!expiry_heap_.empty() && expiry_heap_.front().first < now) {
    std::pop_heap(expiry_heap_.begin(), expiry_heap_.end(), std::greater<>());
    seen_.erase(expiry_heap_.back().second);
    expiry_heap_.pop_back();
  }
}

size_t InMemoryJtiStore::Size() const {
  absl::MutexLock lock(&mutex_);
  return seen_.size();
}

}  // namespace dystonia::auth
