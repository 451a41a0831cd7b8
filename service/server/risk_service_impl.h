#ifndef DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_
#define DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_

#include <atomic>

#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace dystonia {

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
                      v1::RiskService::WithRawCallbackMethod_GetKnowledgeBaseInfo<
                          v1::RiskService::WithRawCallbackMethod_GetFeedbackSummary<
                              v1::RiskService::Service>>>>>> {
 public:
  // `knowledge` must outlive the service.
  explicit RiskServiceImpl(const KnowledgeHolder* knowledge)
      : knowledge_(knowledge) {}

  // The store GetFeedbackSummary reads; set once it is open (until then
  // the method answers UNAVAILABLE). Must outlive the service.
  void set_store(const DrugStore* store) { store_.store(store); }

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
  const KnowledgeHolder* knowledge_;
  std::atomic<const DrugStore*> store_{nullptr};
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_RISK_SERVICE_IMPL_H_
