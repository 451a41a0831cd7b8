#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_ADMIN_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_ADMIN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_write_guard.h"
#include "dystonia/v1/admin.pb.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

struct KnowledgeAdminOptions {
  // The serving snapshot to replace after each write, so that the version a
  // write produced is serving by the time the write is acknowledged. Not
  // owned; must outlive the KnowledgeAdmin.
  // Default: nullptr (nothing serves, e.g. the dystonia-kb tool).
  KnowledgeHolder* holder = nullptr;
};

// Every stored version and which one is active.
struct KnowledgeVersions {
  // Oldest first.
  std::vector<v1::KnowledgeVersionInfo> versions;
  // 0 when the store holds no knowledge base yet.
  int64_t active_sequence = 0;
};

// Edits the knowledge base one entry at a time, versioned and audited (the
// logic behind KnowledgeBaseAdmin and `dystonia-kb upsert|delete|activate`).
//
// Each write reads the active version, applies the change, validates the
// whole result exactly like the importer and stores it as a new active
// version together with its audit entry in one synced write
// (DrugStore::CommitVersion): on any error nothing is written. `actor` is who
// asked (a token name, a client certificate subject, "dystonia-kb (local
// user ...)"); `reason` is free text kept in the trail, required by every
// write (kInvalidArgument naming `reason` when it is empty or blank).
// A delete or import that would drop a dopamine blocker or more than
// kMaxDroppedDrugShareWithoutForce of the drugs is refused with
// kFailedPrecondition unless called with DropGuard::kForce.
//
// Thread-safe. Writes are serialized; when a holder is set, it is swapped to
// the new version before a write returns, in commit order.
class KnowledgeAdmin {
 public:
  // `store` is not owned and must outlive this object.
  explicit KnowledgeAdmin(DrugStore* store,
                          const KnowledgeAdminOptions& options = {});

  KnowledgeAdmin(const KnowledgeAdmin&) = delete;
  KnowledgeAdmin& operator=(const KnowledgeAdmin&) = delete;

  // Adds `drug`, or replaces the drug with its id. kInvalidArgument listing
  // the problems when the result does not validate; kNotFound when the store
  // holds no knowledge base yet.
  absl::StatusOr<AuditedWrite> UpsertDrug(const v1::Drug& drug,
                                          absl::string_view actor,
                                          absl::string_view reason);

  // Removes drug `drug_id`. kNotFound when there is none; kInvalidArgument
  // naming every combination, modifier, interaction and recommendation that
  // still refers to it; kFailedPrecondition for a dopamine blocker without
  // kForce.
  absl::StatusOr<AuditedWrite> DeleteDrug(
      absl::string_view drug_id, absl::string_view actor,
      absl::string_view reason, DropGuard guard = DropGuard::kEnforce);

  // Adds `drug_class`, or replaces the class with its id. kInvalidArgument
  // when the result does not validate (e.g. members' ATC codes no longer
  // under its prefixes).
  absl::StatusOr<AuditedWrite> UpsertClass(const v1::DrugClass& drug_class,
                                           absl::string_view actor,
                                           absl::string_view reason);

  // Replaces the whole knowledge base with `text`, one KnowledgeBundle in
  // protobuf text format, manifest included. kInvalidArgument with
  // "request:line: problem" lines on a syntax or validation error.
  absl::StatusOr<AuditedWrite> ImportText(
      absl::string_view text, absl::string_view actor,
      absl::string_view reason, DropGuard guard = DropGuard::kEnforce);

  // Replaces the whole knowledge base with `bundle` (a replica importing the
  // version its writer sent), validated like any import.
  absl::StatusOr<AuditedWrite> ImportBundle(
      const v1::KnowledgeBundle& bundle, absl::string_view actor,
      absl::string_view reason, DropGuard guard = DropGuard::kEnforce);

  // Replaces the whole knowledge base with the *.textproto files of
  // `directory` (like ImportKnowledgeDirectory, but attributed).
  absl::StatusOr<AuditedWrite> ImportDirectory(
      const std::string& directory, absl::string_view actor,
      absl::string_view reason, DropGuard guard = DropGuard::kEnforce);

  // Adds the product codes of the RxNorm release in `rrf_dir` (RRF files;
  // see ReadRxNormRelease) to the drugs of the active version and records
  // the release in its manifest, as a new version. kNotFound or
  // kInvalidArgument naming the file and line when the release cannot be
  // read. `added`, when not null, receives how many codes were new.
  absl::StatusOr<AuditedWrite> ImportRxNorm(const std::string& rrf_dir,
                                            const std::string& release,
                                            absl::string_view actor,
                                            absl::string_view reason,
                                            int* added = nullptr);

  // Makes stored version `sequence` the active one (a rollback or roll
  // forward); no new version is made. kNotFound when it is not stored.
  absl::StatusOr<AuditedWrite> Activate(int64_t sequence,
                                        absl::string_view actor,
                                        absl::string_view reason);

  // Lists every stored version and the active one.
  absl::StatusOr<KnowledgeVersions> ListVersions() const;

  // Returns the audit entries within [from, to] (Unix seconds, 0:
  // unbounded), oldest first, at most `limit` (the newest); `limit` 0 means
  // 100. kInvalidArgument for a negative limit or from after to.
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAuditLog(
      int64_t from_unix_seconds, int64_t to_unix_seconds, int limit) const;

 private:
  // Reads the active version, lets `edit` change it and the audit entry,
  // sorts, validates, commits and swaps the holder. Called with mutex_ held.
  absl::StatusOr<AuditedWrite> Edit(
      absl::string_view action, absl::string_view target,
      absl::string_view actor, absl::string_view reason,
      const std::function<absl::Status(v1::KnowledgeBundle*, v1::AuditEntry*)>&
          edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::StatusOr<AuditedWrite> CommitImport(const v1::KnowledgeBundle& bundle,
                                            absl::string_view origin,
                                            absl::string_view actor,
                                            absl::string_view reason,
                                            DropGuard guard)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Serve(const v1::KnowledgeVersionInfo& info, v1::KnowledgeBundle bundle)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  DrugStore* const store_;
  const KnowledgeAdminOptions options_;
  absl::Mutex mutex_;  // Serializes writes and holder swaps.
};

// Sorts every entry list of `bundle` by id, the order the store returns and
// the export writes.
void SortBundle(v1::KnowledgeBundle* bundle);

// Returns `message` in protobuf text format (the audit trail's values).
std::string ToText(const google::protobuf::Message& message);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_ADMIN_H_
