#include "service/server/metrics.h"

#include "absl/strings/str_cat.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia {
namespace {

constexpr const char* kCodeNames[] = {"OK",
                                      "CANCELLED",
                                      "UNKNOWN",
                                      "INVALID_ARGUMENT",
                                      "DEADLINE_EXCEEDED",
                                      "NOT_FOUND",
                                      "ALREADY_EXISTS",
                                      "PERMISSION_DENIED",
                                      "RESOURCE_EXHAUSTED",
                                      "FAILED_PRECONDITION",
                                      "ABORTED",
                                      "OUT_OF_RANGE",
                                      "UNIMPLEMENTED",
                                      "INTERNAL",
                                      "UNAVAILABLE",
                                      "DATA_LOSS",
                                      "UNAUTHENTICATED"};

}  // namespace

absl::string_view MethodName(Method method) {
  static constexpr absl::string_view kNames[] = {
      "Check",       "CheckStream",          "GetDrug",
      "SearchDrugs", "GetKnowledgeBaseInfo", "GetFeedbackSummary",
      "CdsHooks"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) ==
                static_cast<size_t>(Method::kCount));
  const int index = static_cast<int>(method);
  return index >= 0 && index < static_cast<int>(Method::kCount) ? kNames[index]
                                                                : "unknown";
}

void Metrics::RecordRequest(Method method, absl::StatusCode code,
                            absl::Duration latency) {
  PerMethod& per = methods_[static_cast<int>(method)];
  const int c = static_cast<int>(code);
  per.by_code[c >= 0 && c < kCodes ? c : 2].fetch_add(
      1, std::memory_order_relaxed);
  const int64_t micros = absl::ToInt64Microseconds(latency);
  size_t bucket = 0;
  while (bucket < kBucketsMicros.size() && micros > kBucketsMicros[bucket])
    ++bucket;
  per.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  per.latency_sum_micros.fetch_add(static_cast<uint64_t>(micros),
                                   std::memory_order_relaxed);
}

void Metrics::RecordFindings(const v1::CheckResponse& response) {
  for (const v1::Finding& finding : response.findings()) {
    const int level = finding.level();
    if (level >= 0 && level < 5) {
      findings_by_level_[level].fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void Metrics::SetKnowledgeVersion(const std::string& version) {
  absl::MutexLock lock(&version_mutex_);
  knowledge_version_ = version;
}

std::string Metrics::PrometheusText() const {
  std::string out;
  absl::StrAppend(
      &out,
      "# HELP dystonia_requests_total Requests by method and status.\n"
      "# TYPE dystonia_requests_total counter\n");
  for (int m = 0; m < kMethods; ++m) {
    for (int c = 0; c < kCodes; ++c) {
      const uint64_t count =
          methods_[m].by_code[c].load(std::memory_order_relaxed);
      if (count == 0) continue;
      absl::StrAppend(&out, "dystonia_requests_total{method=\"",
                      MethodName(static_cast<Method>(m)), "\",code=\"",
                      kCodeNames[c], "\"} ", count, "\n");
    }
  }
  absl::StrAppend(
      &out,
      "# HELP dystonia_request_duration_seconds Server time per request.\n"
      "# TYPE dystonia_request_duration_seconds histogram\n");
  for (int m = 0; m < kMethods; ++m) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketsMicros.size(); ++b) {
      cumulative += methods_[m].buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kBucketsMicros.size()
                                 ? absl::StrCat(kBucketsMicros[b] / 1e6)
                                 : "+Inf";
      absl::StrAppend(&out,
                      "dystonia_request_duration_seconds_bucket{method=\"",
                      MethodName(static_cast<Method>(m)), "\",le=\"", le,
                      "\"} ", cumulative, "\n");
    }
    absl::StrAppend(
        &out, "dystonia_request_duration_seconds_sum{method=\"",
        MethodName(static_cast<Method>(m)), "\"} ",
        methods_[m].latency_sum_micros.load(std::memory_order_relaxed) / 1e6,
        "\n", "dystonia_request_duration_seconds_count{method=\"",
        MethodName(static_cast<Method>(m)), "\"} ", cumulative, "\n");
  }
  absl::StrAppend(
      &out,
      "# HELP dystonia_findings_total Findings returned, by level.\n"
      "# TYPE dystonia_findings_total counter\n");
  for (int level = 1; level < 5; ++level) {
    absl::StrAppend(&out, "dystonia_findings_total{level=\"",
                    RiskLevelWord(static_cast<v1::RiskLevel>(level)), "\"} ",
                    findings_by_level_[level].load(std::memory_order_relaxed),
                    "\n");
  }
  absl::MutexLock lock(&version_mutex_);
  absl::StrAppend(
      &out,
      "# HELP dystonia_knowledge_base_info The serving knowledge-base "
      "version.\n"
      "# TYPE dystonia_knowledge_base_info gauge\n"
      "dystonia_knowledge_base_info{version=\"",
      knowledge_version_, "\"} 1\n");
  if (writer_seen_ != nullptr) {
    const WriterSeen seen = writer_seen_();
    const double since =
        seen.last_heard == absl::InfinitePast()
            ? -1
            : absl::ToDoubleSeconds(absl::Now() - seen.last_heard);
    absl::StrAppend(
        &out,
        "# HELP dystonia_writer_version_info The writer's version this "
        "replica last saw.\n"
        "# TYPE dystonia_writer_version_info gauge\n"
        "dystonia_writer_version_info{writer=\"",
        seen.writer, "\",version=\"", seen.writer_version, "\"} 1\n",
        "# HELP dystonia_writer_last_heard_seconds Seconds since this replica "
        "last heard from its writer (-1: never).\n"
        "# TYPE dystonia_writer_last_heard_seconds gauge\n"
        "dystonia_writer_last_heard_seconds ",
        since, "\n");
  }
  return out;
}

void Metrics::SetWriterSource(std::function<WriterSeen()> seen) {
  absl::MutexLock lock(&version_mutex_);
  writer_seen_ = std::move(seen);
}

}  // namespace dystonia
