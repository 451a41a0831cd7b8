#include "service/server/http_admission.h"

namespace dystonia {

bool ConnectionLimits::Acquire(const std::string& client) {
  absl::MutexLock lock(&mutex_);
  if (total_ >= max_total_) return false;
  int& from_client = per_client_[client];
  if (from_client >= max_per_client_) {
    if (from_client == 0) per_client_.erase(client);
    return false;
  }
  ++from_client;
  ++total_;
  return true;
}

void ConnectionLimits::Release(const std::string& client) {
  absl::MutexLock lock(&mutex_);
  auto it = per_client_.find(client);
  if (it == per_client_.end()) return;
  --total_;
  if (--it->second == 0) per_client_.erase(it);
}

int ConnectionLimits::open() const {
  absl::MutexLock lock(&mutex_);
  return total_;
}

bool BodyBudget::Reserve(int64_t bytes) {
  absl::MutexLock lock(&mutex_);
  if (bytes > max_bytes_ - reserved_) return false;
  reserved_ += bytes;
  return true;
}

void BodyBudget::Release(int64_t bytes) {
  absl::MutexLock lock(&mutex_);
  reserved_ -= bytes;
}

BodyReservation& BodyReservation::operator=(BodyReservation&& other) noexcept {
  if (this != &other) {
    Reset();
    budget_ = other.budget_;
    bytes_ = other.bytes_;
    other.budget_ = nullptr;
  }
  return *this;
}

void BodyReservation::Reset() {
  if (budget_ != nullptr) budget_->Release(bytes_);
  budget_ = nullptr;
}

}  // namespace dystonia
