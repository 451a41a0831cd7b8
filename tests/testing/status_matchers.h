#ifndef DYSTONIA_TESTS_TESTING_STATUS_MATCHERS_H_
#define DYSTONIA_TESTS_TESTING_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace dystonia::testing {

namespace internal_status {
inline absl::Status Get(const absl::Status& status) { return status; }
template <typename T>
absl::Status Get(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}
}  // namespace internal_status

// Matches an absl::Status or absl::StatusOr<T> whose code is `code`
// (Abseil 20220623 ships no status matchers).
MATCHER_P(StatusIs, code, "") {
  absl::Status status = ::dystonia::testing::internal_status::Get(arg);
  if (status.code() == code) return true;
  *result_listener << "status is " << status;
  return false;
}

// Matches an OK absl::Status or absl::StatusOr<T>.
MATCHER(IsOk, "") {
  absl::Status status = ::dystonia::testing::internal_status::Get(arg);
  if (status.ok()) return true;
  *result_listener << "status is " << status;
  return false;
}

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_STATUS_MATCHERS_H_
