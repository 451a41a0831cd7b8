#include "service/server/admin_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/server/knowledge_watch.h"
#include "service/server/raw_unary.h"
#include "service/server/status_conversion.h"

namespace dystonia {

absl::StatusOr<std::string> AdminServiceImpl::Actor(
    grpc::CallbackServerContext* context) const {
  if (admin_.load() == nullptr) {
    return absl::UnavailableError(
        "the knowledge base is loading; retry shortly");
  }
  absl::StatusOr<std::string> token_name =
      access_ == nullptr
          ? absl::StatusOr<std::string>("anonymous")
          : access_->Authorize(AuthorizationMetadata(*context), Role::kAdmin);
  if (!token_name.ok()) return token_name.status();
  // Under mutual TLS the certificate names the person or system.
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  if (auth != nullptr) {
    for (const auto& subject : auth->FindPropertyValues("x509_subject")) {
      return absl::StrCat(std::string(subject.data(), subject.size()),
                          " (token ", *token_name, ")");
    }
  }
  if (*token_name == "anonymous")
    return std::string("anonymous (loopback, no tokens)");
  return token_name;
}

template <typename Request, typename Write>
grpc::ServerUnaryReactor* AdminServiceImpl::RunWrite(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response, Write write) {
  return ServeRawUnary<Request, v1::AdminWriteResponse>(
      context, absl::OkStatus(), *request, response,
      [&](const Request& parsed, v1::AdminWriteResponse* answer) {
        if (!writer_.empty()) {
          // One writer keeps the versions, the audit trail and the
          // feedback; a replica serves what it is sent.
          return absl::FailedPreconditionError(
              absl::StrCat("this server is a replica of ", writer_,
                           ": send KnowledgeBaseAdmin writes to the writer"));
        }
        absl::StatusOr<std::string> actor = Actor(context);
        if (!actor.ok()) return actor.status();
        absl::StatusOr<AuditedWrite> written = write(parsed, *actor);
        if (!written.ok()) return written.status();
        *answer->mutable_version() = written->version;
        if (written->unchanged) {
          answer->set_unchanged(true);
        } else {
          *answer->mutable_audit() = written->audit;
        }
        if (metrics_ != nullptr)
          metrics_->SetKnowledgeVersion(written->version.version());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpsertDrug(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunWrite<v1::UpsertDrugRequest>(
      context, request, response,
      [&](const v1::UpsertDrugRequest& upsert, const std::string& actor) {
        return admin_.load()->UpsertDrug(upsert.drug(), actor, upsert.reason());
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::DeleteDrug(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunWrite<v1::DeleteDrugRequest>(
      context, request, response,
      [&](const v1::DeleteDrugRequest& removal, const std::string& actor) {
        return admin_.load()->DeleteDrug(removal.drug_id(), actor,
                                         removal.reason(),
                                         ToDropGuard(removal.force()));
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpsertClass(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunWrite<v1::UpsertClassRequest>(
      context, request, response,
      [&](const v1::UpsertClassRequest& upsert, const std::string& actor) {
        return admin_.load()->UpsertClass(upsert.drug_class(), actor,
                                          upsert.reason());
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ImportKnowledgeBase(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunWrite<v1::ImportKnowledgeBaseRequest>(
      context, request, response,
      [&](const v1::ImportKnowledgeBaseRequest& import,
          const std::string& actor) {
        return admin_.load()->ImportText(import.text(), actor, import.reason(),
                                         ToDropGuard(import.force()));
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ActivateVersion(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunWrite<v1::ActivateVersionRequest>(
      context, request, response,
      [&](const v1::ActivateVersionRequest& activation,
          const std::string& actor) {
        return admin_.load()->Activate(activation.sequence(), actor,
                                       activation.reason());
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListVersions(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeRawUnary<v1::ListVersionsRequest, v1::ListVersionsResponse>(
      context, absl::OkStatus(), *request, response,
      [&](const v1::ListVersionsRequest&, v1::ListVersionsResponse* answer) {
        absl::Status allowed = Actor(context).status();
        if (!allowed.ok()) return allowed;
        absl::StatusOr<KnowledgeVersions> versions =
            admin_.load()->ListVersions();
        if (!versions.ok()) return versions.status();
        for (v1::KnowledgeVersionInfo& info : versions->versions) {
          *answer->add_versions() = std::move(info);
        }
        answer->set_active_sequence(versions->active_sequence);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetAuditLog(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeRawUnary<v1::GetAuditLogRequest, v1::GetAuditLogResponse>(
      context, absl::OkStatus(), *request, response,
      [&](const v1::GetAuditLogRequest& range,
          v1::GetAuditLogResponse* answer) {
        absl::Status allowed = Actor(context).status();
        if (!allowed.ok()) return allowed;
        auto entries = admin_.load()->ReadAuditLog(
            range.from_unix_seconds(), range.to_unix_seconds(), range.limit());
        if (!entries.ok()) return entries.status();
        for (v1::AuditEntry& entry : *entries)
          *answer->add_entries() = std::move(entry);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>*
AdminServiceImpl::WatchKnowledge(grpc::CallbackServerContext* context,
                                 const v1::WatchKnowledgeRequest* request) {
  if (access_ != nullptr) {
    absl::StatusOr<std::string> caller =
        access_->Authorize(AuthorizationMetadata(*context), Role::kReplica);
    if (!caller.ok()) return RefuseKnowledgeWatch(ToGrpcStatus(caller.status()));
  }
  return StartKnowledgeWatch(knowledge_, request->known_version());
}

grpc::ServerUnaryReactor* AdminServiceImpl::ForwardFeedback(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return ServeRawUnary<v1::ForwardFeedbackRequest, v1::ForwardFeedbackResponse>(
      context, absl::OkStatus(), *request, response,
      [&](const v1::ForwardFeedbackRequest& forwarded,
          v1::ForwardFeedbackResponse* answer) {
        return StoreForwardedFeedback(context, forwarded, answer);
      });
}

absl::Status AdminServiceImpl::StoreForwardedFeedback(
    const grpc::CallbackServerContext* context,
    const v1::ForwardFeedbackRequest& request,
    v1::ForwardFeedbackResponse* response) const {
  if (access_ != nullptr) {
    absl::StatusOr<std::string> caller =
        access_->Authorize(AuthorizationMetadata(*context), Role::kReplica);
    if (!caller.ok()) return caller.status();
  }
  if (!writer_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this server is a replica of ", writer_, ": forward to the writer"));
  }
  DrugStore* store = store_.load();
  if (store == nullptr) {
    return absl::UnavailableError("the store is opening; retry shortly");
  }
  std::vector<v1::CardIssue> issues(request.issues().begin(),
                                    request.issues().end());
  if (!issues.empty()) {
    absl::Status recorded = store->RecordCardIssues(issues);
    if (!recorded.ok()) return recorded;
  }
  std::vector<v1::CardFeedback> feedback(request.feedback().begin(),
                                         request.feedback().end());
  // Feedback taken by a replica that did not issue the card comes without
  // its rule: the writer knows it from the issuing replica's record.
  for (v1::CardFeedback& entry : feedback) {
    if (!entry.rule_id().empty()) continue;
    absl::StatusOr<v1::CardIssue> issue = store->FindCardIssue(entry.card_uuid());
    if (issue.ok()) entry.set_rule_id(issue->rule_id());
  }
  if (!feedback.empty()) {
    absl::Status stored = store->RecordFeedback(feedback);
    if (!stored.ok()) return stored;
  }
  response->set_issues_stored(static_cast<int>(issues.size()));
  response->set_feedback_stored(static_cast<int>(feedback.size()));
  return absl::OkStatus();
}

}  // namespace dystonia
