#ifndef DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_
#define DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_

#include <atomic>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "service/server/access_control.h"
#include "service/server/metrics.h"
#include "service/server/request_log.h"

namespace dystonia {

struct ServiceLimits {
  // Open CheckStreams across all clients; one more gets RESOURCE_EXHAUSTED.
  // Default: 64.
  int max_concurrent_streams = 64;
};

// What every call goes through first: who the caller is, whether its
// deadline already passed, and the timer for its metric.
struct CallGate {
  absl::Status admitted;
  Metrics* metrics = nullptr;
  RequestLog* log = nullptr;
  Method method = Method::kCheck;
  absl::Time start;
  // For the request log, filled in by the handler when known.
  std::string knowledge_version;
  std::string request_id;

  // Records the call's metric and finishes it with `status`.
  void Finish(grpc::ServerUnaryReactor* reactor,
              const absl::Status& status) const;
};

// Serves dystonia.v1.RiskService on gRPC's callback API.
//
// Every method takes raw bytes so that a request that protobuf refuses
// (invalid UTF-8 in a string) still gets INVALID_ARGUMENT naming the field,
// instead of gRPC's generic INTERNAL "failed to parse". Answers UNAVAILABLE
// until the holder has a knowledge snapshot.
class RiskServiceImpl final
    : public v1::RiskService::WithRawCallbackMethod_Check<
          v1::RiskService::WithRawCallbackMethod_CheckStream<
              v1::RiskService::WithRawCallbackMethod_GetDrug<
                  v1::RiskService::WithRawCallbackMethod_SearchDrugs<
                      v1::RiskService::
                          WithRawCallbackMethod_GetKnowledgeBaseInfo<
                              v1::RiskService::
                                  WithRawCallbackMethod_GetFeedbackSummary<
                                      v1::RiskService::Service>>>>>> {
 public:
  // `knowledge` must outlive the service.
  // `knowledge` and `access` must outlive the service; a null `access`
  // lets every caller in (a loopback-only server without tokens).
  explicit RiskServiceImpl(const KnowledgeHolder* knowledge,
                           const AccessControl* access = nullptr,
                           Metrics* metrics = nullptr,
                           ServiceLimits limits = {}, RequestLog* log = nullptr)
      : knowledge_(knowledge),
        access_(access),
        metrics_(metrics),
        log_(log),
        limits_(limits) {}

  // The store GetFeedbackSummary reads; set once it is open (until then
  // the method answers UNAVAILABLE). Must outlive the service.
  void set_store(const DrugStore* store) { store_.store(store); }

  // A replica: GetFeedbackSummary reports the writer's totals, asked of the
  // writer with `summary`. Call before serving.
  using FeedbackSummarySource = std::function<absl::StatusOr<v1::FeedbackSummary>(
      const v1::GetFeedbackSummaryRequest&)>;
  void set_feedback_summary_source(FeedbackSummarySource summary) {
    feedback_summary_source_ = std::move(summary);
  }

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* CheckStream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetDrug(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SearchDrugs(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetKnowledgeBaseInfo(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetFeedbackSummary(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  // OK when the caller's "authorization" metadata carries a reader token
  // (or no tokens are configured).
  absl::Status Allowed(const grpc::CallbackServerContext* context) const;
  CallGate Gate(const grpc::CallbackServerContext* context,
                Method method) const;

  const KnowledgeHolder* knowledge_;
  const AccessControl* access_;
  Metrics* metrics_;
  RequestLog* log_;
  const ServiceLimits limits_;
  std::atomic<int> active_streams_{0};
  std::atomic<const DrugStore*> store_{nullptr};
  FeedbackSummarySource feedback_summary_source_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_
