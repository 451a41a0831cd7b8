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
  // The schema this build reads and writes.
  static constexpr int kSchemaVersion = 1;

  // Opens (or creates) the database in directory `path`. Returns
  // kFailedPrecondition if it was written with another schema version,
  // kUnavailable if another process holds it.
  static absl::StatusOr<std::unique_ptr<DrugStore>> Open(
      const std::string& path, const DrugStoreOptions& options = {});

  ~DrugStore();

  // Validates `bundle`, writes it as a new version and makes it the active
  // one, in one atomic, synced write: on any error nothing is written and
  // the previous version stays active. `origin` says where it came from.
  // Returns the new version's metadata, or kInvalidArgument listing the
  // problems.
  absl::StatusOr<v1::KnowledgeVersionInfo> Import(
      const v1::KnowledgeBundle& bundle, absl::string_view origin);

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
  absl::StatusOr<v1::CardIssue> FindCardIssue(absl::string_view card_uuid) const;
  // Stores feedback, keyed by card uuid (the latest per card wins), in one
  // synced write: durable once this returns OK.
  absl::Status RecordFeedback(const std::vector<v1::CardFeedback>& feedback);
  // Calls `visit` with every stored feedback entry. kDataLoss when a record
  // does not parse.
  absl::Status ForEachFeedback(
      const std::function<void(const v1::CardFeedback&)>& visit) const;

 private:
  explicit DrugStore(std::unique_ptr<rocksdb::DB> db,
                     const DrugStoreOptions& options);

  std::unique_ptr<rocksdb::DB> db_;
  const DrugStoreOptions options_;
  absl::Mutex import_mutex_;  // Serializes sequence allocation and writes.
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_DRUG_STORE_H_
