#ifndef DYSTONIA_SERVICE_SERVER_ADMIN_SERVICE_IMPL_H_
#define DYSTONIA_SERVICE_SERVER_ADMIN_SERVICE_IMPL_H_

#include <atomic>
#include <string>

#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "service/server/access_control.h"
#include "service/server/metrics.h"

namespace dystonia {

// Serves dystonia.v1.KnowledgeBaseAdmin: every call needs an admin token
// (when tokens are configured). Writes go through KnowledgeAdmin, which
// validates, commits the version with its audit entry in one synced batch
// and swaps the serving snapshot before the call is acknowledged; the audit
// names the caller (the client certificate subject under mutual TLS, else
// the token's name).
//
// Unary methods take raw bytes (see raw_unary.h) so that a request protobuf
// refuses gets INVALID_ARGUMENT naming the field.
class AdminServiceImpl final
    : public v1::KnowledgeBaseAdmin::WithRawCallbackMethod_UpsertDrug<
          v1::KnowledgeBaseAdmin::WithRawCallbackMethod_DeleteDrug<
              v1::KnowledgeBaseAdmin::WithRawCallbackMethod_UpsertClass<
                  v1::KnowledgeBaseAdmin::WithRawCallbackMethod_ImportKnowledgeBase<
                      v1::KnowledgeBaseAdmin::WithRawCallbackMethod_ListVersions<
                          v1::KnowledgeBaseAdmin::WithRawCallbackMethod_ActivateVersion<
                              v1::KnowledgeBaseAdmin::
                                  WithRawCallbackMethod_GetAuditLog<
                                      v1::KnowledgeBaseAdmin::
                                          WithRawCallbackMethod_ForwardFeedback<
                                              v1::KnowledgeBaseAdmin::
                                                  WithCallbackMethod_WatchKnowledge<
                                                      v1::KnowledgeBaseAdmin::
                                                          Service>>>>>>>>> {
 public:
  // Both must outlive the service.
  AdminServiceImpl(const AccessControl* access, Metrics* metrics,
                   KnowledgeHolder* knowledge)
      : access_(access), metrics_(metrics), knowledge_(knowledge) {}

  // The store's admin, once it is open (until then calls are UNAVAILABLE).
  // Must outlive the service.
  void set_admin(KnowledgeAdmin* admin) { admin_.store(admin); }

  // The store that keeps card issues and feedback (for ForwardFeedback).
  // Must outlive the service.
  void set_store(DrugStore* store) { store_.store(store); }

  // Makes this server a replica of `writer` (host:port): writes are refused
  // with FAILED_PRECONDITION naming it. Call before serving.
  void set_writer(std::string writer) { writer_ = std::move(writer); }

  grpc::ServerUnaryReactor* UpsertDrug(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteDrug(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpsertClass(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ImportKnowledgeBase(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListVersions(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ActivateVersion(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetAuditLog(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  // Takes a replica (or admin) token.
  grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* WatchKnowledge(
      grpc::CallbackServerContext* context,
      const v1::WatchKnowledgeRequest* request) override;
  // Takes a replica (or admin) token; a replica refuses it.
  grpc::ServerUnaryReactor* ForwardFeedback(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  // The caller's name for the audit trail, or the auth error.
  absl::StatusOr<std::string> Actor(grpc::CallbackServerContext* context) const;
  // ForwardFeedback once its request parsed: checks the replica token and
  // records the card issues and feedback.
  absl::Status StoreForwardedFeedback(
      const grpc::CallbackServerContext* context,
      const v1::ForwardFeedbackRequest& request,
      v1::ForwardFeedbackResponse* response) const;
  // Runs a write: parse the Request, authorize, call `write` (request,
  // actor) -> StatusOr<AuditedWrite>, answer with the new version.
  template <typename Request, typename Write>
  grpc::ServerUnaryReactor* RunWrite(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response, Write write);

  std::atomic<KnowledgeAdmin*> admin_{nullptr};
  std::atomic<DrugStore*> store_{nullptr};
  const AccessControl* access_;
  Metrics* metrics_;
  KnowledgeHolder* knowledge_;
  std::string writer_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_ADMIN_SERVICE_IMPL_H_
