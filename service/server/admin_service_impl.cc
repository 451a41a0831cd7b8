#include "service/server/admin_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/server/knowledge_watch.h"
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

template <typename Write>
grpc::ServerUnaryReactor* AdminServiceImpl::RunWrite(
    grpc::CallbackServerContext* context, v1::AdminWriteResponse* response,
    Write write) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!writer_.empty()) {
    // One writer keeps the versions, the audit trail and the feedback; a
    // replica serves what it is sent.
    reactor->Finish(ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
        "this server is a replica of ", writer_,
        ": send KnowledgeBaseAdmin writes to the writer"))));
    return reactor;
  }
  absl::StatusOr<std::string> actor = Actor(context);
  if (!actor.ok()) {
    reactor->Finish(ToGrpcStatus(actor.status()));
    return reactor;
  }
  absl::StatusOr<AuditedWrite> written = write(*actor);
  if (written.ok()) {
    *response->mutable_version() = written->version;
    *response->mutable_audit() = written->audit;
    if (metrics_ != nullptr)
      metrics_->SetKnowledgeVersion(written->version.version());
  }
  reactor->Finish(ToGrpcStatus(written.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpsertDrug(
    grpc::CallbackServerContext* context, const v1::UpsertDrugRequest* request,
    v1::AdminWriteResponse* response) {
  return RunWrite(context, response, [&](const std::string& actor) {
    return admin_.load()->UpsertDrug(request->drug(), actor, request->reason());
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::DeleteDrug(
    grpc::CallbackServerContext* context, const v1::DeleteDrugRequest* request,
    v1::AdminWriteResponse* response) {
  return RunWrite(context, response, [&](const std::string& actor) {
    return admin_.load()->DeleteDrug(request->drug_id(), actor,
                                     request->reason(),
                                     ToDropGuard(request->force()));
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpsertClass(
    grpc::CallbackServerContext* context, const v1::UpsertClassRequest* request,
    v1::AdminWriteResponse* response) {
  return RunWrite(context, response, [&](const std::string& actor) {
    return admin_.load()->UpsertClass(request->drug_class(), actor,
                                      request->reason());
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ImportKnowledgeBase(
    grpc::CallbackServerContext* context,
    const v1::ImportKnowledgeBaseRequest* request,
    v1::AdminWriteResponse* response) {
  return RunWrite(context, response, [&](const std::string& actor) {
    return admin_.load()->ImportText(request->text(), actor, request->reason(),
                                     ToDropGuard(request->force()));
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ActivateVersion(
    grpc::CallbackServerContext* context,
    const v1::ActivateVersionRequest* request,
    v1::AdminWriteResponse* response) {
  return RunWrite(context, response, [&](const std::string& actor) {
    return admin_.load()->Activate(request->sequence(), actor,
                                   request->reason());
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListVersions(
    grpc::CallbackServerContext* context, const v1::ListVersionsRequest*,
    v1::ListVersionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = Actor(context).status();
  if (status.ok()) {
    absl::StatusOr<KnowledgeVersions> versions = admin_.load()->ListVersions();
    status = versions.status();
    if (versions.ok()) {
      for (v1::KnowledgeVersionInfo& info : versions->versions) {
        *response->add_versions() = std::move(info);
      }
      response->set_active_sequence(versions->active_sequence);
    }
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetAuditLog(
    grpc::CallbackServerContext* context, const v1::GetAuditLogRequest* request,
    v1::GetAuditLogResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = Actor(context).status();
  if (status.ok()) {
    auto entries = admin_.load()->ReadAuditLog(request->from_unix_seconds(),
                                               request->to_unix_seconds(),
                                               request->limit());
    status = entries.status();
    if (entries.ok()) {
      for (v1::AuditEntry& entry : *entries)
        *response->add_entries() = std::move(entry);
    }
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
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
    grpc::CallbackServerContext* context,
    const v1::ForwardFeedbackRequest* request,
    v1::ForwardFeedbackResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto finish = [reactor](const absl::Status& status) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  if (access_ != nullptr) {
    absl::StatusOr<std::string> caller =
        access_->Authorize(AuthorizationMetadata(*context), Role::kReplica);
    if (!caller.ok()) return finish(caller.status());
  }
  if (!writer_.empty()) {
    return finish(absl::FailedPreconditionError(absl::StrCat(
        "this server is a replica of ", writer_, ": forward to the writer")));
  }
  DrugStore* store = store_.load();
  if (store == nullptr) {
    return finish(absl::UnavailableError("the store is opening; retry shortly"));
  }
  std::vector<v1::CardIssue> issues(request->issues().begin(),
                                    request->issues().end());
  if (!issues.empty()) {
    absl::Status recorded = store->RecordCardIssues(issues);
    if (!recorded.ok()) return finish(recorded);
  }
  std::vector<v1::CardFeedback> feedback(request->feedback().begin(),
                                         request->feedback().end());
  // Feedback taken by a replica that did not issue the card comes without
  // its rule: the writer knows it from the issuing replica's record.
  for (v1::CardFeedback& entry : feedback) {
    if (!entry.rule_id().empty()) continue;
    absl::StatusOr<v1::CardIssue> issue = store->FindCardIssue(entry.card_uuid());
    if (issue.ok()) entry.set_rule_id(issue->rule_id());
  }
  if (!feedback.empty()) {
    absl::Status stored = store->RecordFeedback(feedback);
    if (!stored.ok()) return finish(stored);
  }
  response->set_issues_stored(static_cast<int>(issues.size()));
  response->set_feedback_stored(static_cast<int>(feedback.size()));
  return finish(absl::OkStatus());
}

}  // namespace dystonia
