#ifndef DYSTONIA_DRUG_DB_DRUG_STORE_H_
#define DYSTONIA_DRUG_DB_DRUG_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "drug_db/audit_chain.h"
#include "dystonia/v1/admin.pb.h"
#include "dystonia/v1/feedback.pb.h"
#include "dystonia/v1/knowledge.pb.h"

namespace rocksdb {
class DB;
class Status;
}  // namespace rocksdb

namespace dystonia {

// Converts a RocksDB status: NotFound -> kNotFound, Corruption -> kDataLoss,
// Busy/TryAgain -> kUnavailable, everything else -> kInternal.
absl::Status FromRocksDbStatus(const rocksdb::Status& status,
                               absl::string_view context);

struct DrugStoreOptions {
  // Creates the database when the directory holds none.
  // Default: true.
  bool create_if_missing = true;
  // Syncs the write-ahead log before a write is acknowledged.
  // Default: true.
  bool sync_writes = true;
  // Returns the time, in Unix seconds, stamped on versions and audit entries
  // (tests set a fixed clock).
  // Default: nullptr, the system clock.
  std::function<int64_t()> clock;
};

// A write that made (or activated) a knowledge version, with the audit entry
// recorded in the same atomic write.
struct AuditedWrite {
  // The version active after the write.
  v1::KnowledgeVersionInfo version;
  v1::AuditEntry audit;
  // The write changed nothing (an entry identical to the stored one): no
  // version was made and no audit entry recorded; `version` is the active
  // one and `audit` is empty.
  bool unchanged = false;
};

// One knowledge-base version as stored: its metadata, content and indexes.
struct StoredKnowledge {
  v1::KnowledgeVersionInfo info;
  // Entries in id order.
  v1::KnowledgeBundle bundle;
  // Normalized name, brand, "rxcui:<code>" or "atc:<code>" -> entry, in key
  // order.
  std::vector<std::pair<std::string, v1::NameIndexEntry>> name_index;
};

// The system of record: knowledge-base versions in RocksDB, each with its
// drugs, classes, citations, rules and name/brand/code indexes, plus which
// version is active and the schema version.
//
// Thread-safe. Imports are serialized; reads see a consistent RocksDB
// snapshot.
class DrugStore {
 public:
  // The schema this build reads and writes. Audit entries ("audit/...") were
  // added without a schema change: older builds never read them. Their
  // chain_sha256 too; but an older build's writes carry none, which
  // VerifyAuditChain then reports as a break after the chained entries.
  static constexpr int kSchemaVersion = 1;

  // The actor recorded for Import(), which names none.
  static constexpr absl::string_view kUnattributedActor = "unattributed";

  // For CommitVersion: do not check which version is active.
  static constexpr int64_t kAnyActive = -1;

  // Opens (or creates) the database in directory `path`. Returns
  // kFailedPrecondition if it was written with another schema version,
  // kUnavailable if another process holds it.
  static absl::StatusOr<std::unique_ptr<DrugStore>> Open(
      const std::string& path, const DrugStoreOptions& options = {});

  ~DrugStore();

  // Copies the database in `path` to a new one in `out` (which must not
  // exist), key by key, synced; `path` may be held by a running server (it
  // is read as a RocksDB secondary instance, which takes no lock). The copy
  // is a database of its own: Open it, or start a server on it, to restore.
  // Returns how many records were copied. kAlreadyExists when `out` exists.
  static absl::StatusOr<int64_t> Backup(const std::string& path,
                                        const std::string& out);

  // Validates `bundle`, writes it as a new version and makes it the active
  // one, in one atomic, synced write: on any error nothing is written and
  // the previous version stays active. `origin` says where it came from.
  // Records an "import" audit entry by kUnattributedActor with `origin` as
  // its reason. Returns the new version's metadata, or kInvalidArgument
  // listing the problems.
  absl::StatusOr<v1::KnowledgeVersionInfo> Import(
      const v1::KnowledgeBundle& bundle, absl::string_view origin);

  // Validates `bundle`, then writes it as a new version, makes it the active
  // one and appends `audit` to the audit trail, all in one atomic, synced
  // write: a version never exists without its audit entry, nor an entry
  // without its version. Fills the entry's sequence, time and
  // version_before/after (and target, when empty, with the new version).
  // `expected_active` is the sequence of the version `bundle` was derived
  // from (0: none); when another write has changed the active version since,
  // returns kAborted and writes nothing, so a read-modify-write never undoes
  // a concurrent edit. kInvalidArgument listing the problems when `bundle`
  // does not validate.
  absl::StatusOr<AuditedWrite> CommitVersion(
      const v1::KnowledgeBundle& bundle, absl::string_view origin,
      v1::AuditEntry audit, int64_t expected_active = kAnyActive);

  // Makes stored version `sequence` the active one and appends `audit` to
  // the trail, in one atomic, synced write; fills the entry like
  // CommitVersion. kNotFound when no version has that sequence.
  absl::StatusOr<AuditedWrite> ActivateVersion(int64_t sequence,
                                               v1::AuditEntry audit);

  // Returns the audit entries stamped within [from_unix_seconds,
  // to_unix_seconds] (0: unbounded), oldest first; when more than `limit`
  // match, the newest `limit` of them. kInvalidArgument when `limit` is not
  // positive; kDataLoss when a record does not parse.
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAuditLog(
      int64_t from_unix_seconds, int64_t to_unix_seconds, int limit) const;

  // Checks the whole audit trail against its hash chain and sequence (see
  // AuditChainVerifier) on one consistent snapshot. kDataLoss naming the
  // first removed, altered or inserted entry.
  absl::StatusOr<AuditChainSummary> VerifyAuditChain() const;

  // Returns the active version's sequence, 0 when there is none.
  absl::StatusOr<int64_t> ActiveSequence() const;

  // Returns the active version's metadata, or kNotFound when the database
  // holds no knowledge base yet.
  absl::StatusOr<v1::KnowledgeVersionInfo> ActiveVersion() const;

  // Reads the active version whole. kNotFound when there is none; kDataLoss
  // when a record does not parse.
  absl::StatusOr<StoredKnowledge> ReadActive() const;

  // Reads version `sequence` whole.
  absl::StatusOr<StoredKnowledge> ReadVersion(int64_t sequence) const;

  // Lists every stored version, oldest first.
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> ListVersions() const;

  // CDS Hooks cards and the feedback on them (no patient data).
  //
  // Remembers the cards a hook call returned, so that later feedback can be
  // tied to its rule. Not synced: a record lost in a crash costs only the
  // rule name of feedback on that card.
  absl::Status RecordCardIssues(const std::vector<v1::CardIssue>& issues);
  // kNotFound for a card this store never issued.
  absl::StatusOr<v1::CardIssue> FindCardIssue(
      absl::string_view card_uuid) const;
  // Stores feedback, keyed by card uuid (the latest per card wins), in one
  // synced write: durable once this returns OK. An override reason's
  // display (free text) is cleared, never stored.
  absl::Status RecordFeedback(const std::vector<v1::CardFeedback>& feedback);
  // A replica's outbox to its writer: what it must still hand over, kept
  // in one synced write so that an acknowledged entry survives a crash.
  // Each entry gets its own key (a time and a counter), so a later entry
  // for the same card is never taken for one already delivered.
  absl::Status AddToOutbox(const v1::ForwardFeedbackRequest& entry);
  // Up to `limit` entries, oldest first, with their keys.
  absl::StatusOr<std::vector<std::pair<std::string, v1::ForwardFeedbackRequest>>>
  ReadOutbox(int limit) const;
  // Removes delivered entries (synced).
  absl::Status RemoveFromOutbox(const std::vector<std::string>& keys);

  // Calls `visit` with every stored feedback entry. kDataLoss when a record
  // does not parse.
  absl::Status ForEachFeedback(
      const std::function<void(const v1::CardFeedback&)>& visit) const;

 private:
  explicit DrugStore(std::unique_ptr<rocksdb::DB> db,
                     const DrugStoreOptions& options);

  int64_t Now() const;
  // Reads the metadata of version `sequence`; kNotFound when it is not
  // stored.
  absl::StatusOr<v1::KnowledgeVersionInfo> ReadVersionInfo(
      int64_t sequence) const;
  // Sets audit->chain_sha256, chaining it to entry `previous_sequence` (0:
  // none). Call once every other field is final.
  absl::Status ChainAuditEntry(int64_t previous_sequence,
                               v1::AuditEntry* audit) const;
  // Reads the name of version `sequence`; "" for 0 (no version).
  absl::StatusOr<std::string> VersionNameOf(int64_t sequence) const;

  std::unique_ptr<rocksdb::DB> db_;
  const DrugStoreOptions options_;
  absl::Mutex import_mutex_;  // Serializes sequence allocation and writes.
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_DRUG_STORE_H_
