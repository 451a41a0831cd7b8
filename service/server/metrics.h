#ifndef DYSTONIA_SERVICE_SERVER_METRICS_H_
#define DYSTONIA_SERVICE_SERVER_METRICS_H_

// Request counters, latency histograms and findings by level, read as
// Prometheus text on the HTTP port's /metrics. Lock-free on the hot path
// (relaxed atomics); thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

enum class Method {
  kCheck,
  kCheckStream,  // one per message of the stream
  kGetDrug,
  kSearchDrugs,
  kGetKnowledgeBaseInfo,
  kGetFeedbackSummary,
  kCdsHooks,
  kCount,
};

// The method's name in metrics and the request log.
absl::string_view MethodName(Method method);

class Metrics {
 public:
  static constexpr int kMethods = static_cast<int>(Method::kCount);
  static constexpr int kCodes = 17;  // gRPC status codes 0..16
  // Upper bounds of the latency buckets, in microseconds (+Inf implied).
  static constexpr std::array<int64_t, 9> kBucketsMicros = {
      50, 100, 250, 500, 1000, 2500, 5000, 10000, 100000};

  void RecordRequest(Method method, absl::StatusCode code,
                     absl::Duration latency);
  // Counts a check's findings by level.
  void RecordFindings(const v1::CheckResponse& response);
  void SetKnowledgeVersion(const std::string& version);

  // A replica's view of its writer, read when metrics are scraped.
  struct WriterSeen {
    std::string writer;
    std::string writer_version;
    absl::Time last_heard = absl::InfinitePast();
  };
  // Makes /metrics report what `seen` returns (a replica only).
  void SetWriterSource(std::function<WriterSeen()> seen);

  // The Prometheus text exposition (version 0.0.4).
  std::string PrometheusText() const;

 private:
  struct PerMethod {
    std::array<std::atomic<uint64_t>, kCodes> by_code{};
    std::array<std::atomic<uint64_t>, kBucketsMicros.size() + 1> buckets{};
    std::atomic<uint64_t> latency_sum_micros{0};
  };
  std::array<PerMethod, kMethods> methods_{};
  std::array<std::atomic<uint64_t>, 5> findings_by_level_{};  // RiskLevel 0..4
  mutable absl::Mutex version_mutex_;
  std::string knowledge_version_ ABSL_GUARDED_BY(version_mutex_);
  std::function<WriterSeen()> writer_seen_ ABSL_GUARDED_BY(version_mutex_);
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_METRICS_H_
