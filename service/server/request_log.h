#ifndef DYSTONIA_SERVICE_SERVER_REQUEST_LOG_H_
#define DYSTONIA_SERVICE_SERVER_REQUEST_LOG_H_

// One JSON line per request: time, method, status, latency, knowledge
// version and the caller's request id, never patient data. Off by default
// (--log_requests): a request id is chosen by the client and could carry a
// patient identifier, and the service logs nothing about patients unless
// its operator asks. Thread-safe.

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace dystonia {

class RequestLog {
 public:
  // Writes to `out` (not owned; stderr by default).
  explicit RequestLog(std::FILE* out = stderr) : out_(out) {}

  void Log(absl::string_view method, absl::StatusCode code,
           absl::Duration latency, absl::string_view knowledge_version,
           absl::string_view request_id);

  // The line Log writes, without the trailing newline (for tests).
  static std::string Line(absl::Time at, absl::string_view method,
                          absl::StatusCode code, absl::Duration latency,
                          absl::string_view knowledge_version,
                          absl::string_view request_id);

 private:
  absl::Mutex mu_;
  std::FILE* out_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_REQUEST_LOG_H_
