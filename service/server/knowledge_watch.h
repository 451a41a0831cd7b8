#ifndef DYSTONIA_SERVICE_SERVER_KNOWLEDGE_WATCH_H_
#define DYSTONIA_SERVICE_SERVER_KNOWLEDGE_WATCH_H_

// KnowledgeBaseAdmin.WatchKnowledge: streams the active knowledge version to
// a replica at once and after every activation, so that every replica
// serves the writer's version.

#include <string>

#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace dystonia {

// Lower-case hex SHA-256 of `bundle` serialized deterministically: what a
// replica checks before it imports a version it was sent.
std::string BundleSha256(const v1::KnowledgeBundle& bundle);

// One WatchKnowledge stream. Deletes itself when the call is done.
// `holder` outlives it.
grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* StartKnowledgeWatch(
    KnowledgeHolder* holder, const std::string& known_version);

// A watch that ends at once with `status`.
grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* RefuseKnowledgeWatch(
    const grpc::Status& status);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_KNOWLEDGE_WATCH_H_
