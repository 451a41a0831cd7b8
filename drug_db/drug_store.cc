#include "drug_db/drug_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "drug_db/audit_chain.h"
#include "drug_db/knowledge_validator.h"
#include "drug_db/name_index.h"
#include "google/protobuf/text_format.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace dystonia {
namespace {

// Key layout:
//   meta/schema                       -> decimal schema version
//   meta/active                       -> decimal sequence of the active version
//   meta/sequence                     -> last sequence handed out
//   kb/<seq:010>/info                 -> KnowledgeVersionInfo
//   kb/<seq:010>/citation/<id>        -> Citation (also class, drug, modifier,
//                                        interaction, recommendation,
//                                        condition, caution)
//   kb/<seq:010>/index/<key>          -> NameIndexEntry
//   meta/audit_sequence               -> last audit entry sequence handed out
//   audit/<seq:020>                   -> AuditEntry
constexpr absl::string_view kSchemaKey = "meta/schema";
constexpr absl::string_view kActiveKey = "meta/active";
constexpr absl::string_view kSequenceKey = "meta/sequence";
constexpr absl::string_view kAuditSequenceKey = "meta/audit_sequence";
constexpr absl::string_view kAuditPrefix = "audit/";

std::string AuditKey(int64_t sequence) {
  return absl::StrFormat("%s%020d", kAuditPrefix, sequence);
}

std::string ManifestText(const v1::KnowledgeManifest& manifest) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(manifest, &text);
  return text;
}

std::string VersionPrefix(int64_t sequence) {
  return absl::StrFormat("kb/%010d/", sequence);
}

std::string VersionName(const v1::KnowledgeManifest& manifest,
                        int64_t sequence) {
  return absl::StrCat(manifest.version(), "+", sequence);
}

absl::StatusOr<int64_t> ReadCounter(rocksdb::DB* db,
                                    const rocksdb::ReadOptions& read,
                                    absl::string_view key) {
  std::string value;
  rocksdb::Status status =
      db->Get(read, rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return 0;
  if (!status.ok()) return FromRocksDbStatus(status, key);
  int64_t number = 0;
  if (!absl::SimpleAtoi(value, &number)) {
    return absl::DataLossError(
        absl::StrCat(key, ": '", value, "' is not a number"));
  }
  return number;
}

template <typename Message>
absl::Status ParseRecord(const rocksdb::Slice& key, const rocksdb::Slice& value,
                         Message* message) {
  if (!message->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("record ", key.ToString(), " does not parse"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FromRocksDbStatus(const rocksdb::Status& status,
                               absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsBusy() || status.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

DrugStore::DrugStore(std::unique_ptr<rocksdb::DB> db,
                     const DrugStoreOptions& options)
    : db_(std::move(db)), options_(options) {}

DrugStore::~DrugStore() = default;

absl::StatusOr<std::unique_ptr<DrugStore>> DrugStore::Open(
    const std::string& path, const DrugStoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  // The knowledge base is small and read once per start: keep RocksDB lean.
  db_options.max_background_jobs = 1;
  db_options.keep_log_file_num = 2;
  db_options.write_buffer_size = 4 << 20;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, path, &raw_db);
  if (!status.ok()) {
    return FromRocksDbStatus(status, absl::StrCat("opening ", path));
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);

  std::string schema;
  status =
      db->Get(rocksdb::ReadOptions(),
              rocksdb::Slice(kSchemaKey.data(), kSchemaKey.size()), &schema);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write;
    write.sync = options.sync_writes;
    status =
        db->Put(write, rocksdb::Slice(kSchemaKey.data(), kSchemaKey.size()),
                absl::StrCat(kSchemaVersion));
    if (!status.ok()) return FromRocksDbStatus(status, "writing schema");
  } else if (!status.ok()) {
    return FromRocksDbStatus(status, "reading schema");
  } else if (schema != absl::StrCat(kSchemaVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " has schema version ", schema,
                     "; this build reads version ", kSchemaVersion));
  }
  return std::unique_ptr<DrugStore>(new DrugStore(std::move(db), options));
}

absl::StatusOr<int64_t> DrugStore::Backup(const std::string& path,
                                          const std::string& out) {
  if (std::filesystem::exists(out)) {
    return absl::AlreadyExistsError(
        absl::StrCat(out, " exists: a backup goes to a new directory"));
  }
  // A secondary instance keeps its own info logs; they are not the backup.
  const std::string secondary = out + ".reading";
  std::filesystem::remove_all(secondary);
  rocksdb::Options read_options;
  read_options.max_open_files = -1;  // required of a secondary instance
  rocksdb::DB* raw_source = nullptr;
  rocksdb::Status status =
      rocksdb::DB::OpenAsSecondary(read_options, path, secondary, &raw_source);
  if (!status.ok()) return FromRocksDbStatus(status, absl::StrCat("reading ", path));
  std::unique_ptr<rocksdb::DB> source(raw_source);
  // Everything the running server has written, including its write-ahead log.
  status = source->TryCatchUpWithPrimary();
  if (!status.ok()) return FromRocksDbStatus(status, absl::StrCat("reading ", path));
  rocksdb::Options write_options;
  write_options.create_if_missing = true;
  write_options.error_if_exists = true;
  rocksdb::DB* raw_copy = nullptr;
  status = rocksdb::DB::Open(write_options, out, &raw_copy);
  if (!status.ok()) return FromRocksDbStatus(status, absl::StrCat("creating ", out));
  std::unique_ptr<rocksdb::DB> copy(raw_copy);
  int64_t copied = 0;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(source->NewIterator(rocksdb::ReadOptions()));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(it->key(), it->value());
    ++copied;
    if (batch.GetDataSize() > (8 << 20)) {
      status = copy->Write(sync, &batch);
      if (!status.ok()) return FromRocksDbStatus(status, absl::StrCat("writing ", out));
      batch.Clear();
    }
  }
  if (!it->status().ok()) return FromRocksDbStatus(it->status(), absl::StrCat("reading ", path));
  status = copy->Write(sync, &batch);
  if (!status.ok()) return FromRocksDbStatus(status, absl::StrCat("writing ", out));
  it.reset();
  source.reset();
  std::filesystem::remove_all(secondary);
  return copied;
}

int64_t DrugStore::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<v1::KnowledgeVersionInfo> DrugStore::ReadVersionInfo(
    int64_t sequence) const {
  std::string value;
  const std::string key = VersionPrefix(sequence) + "info";
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("knowledge-base version ", sequence, " is not stored"));
  }
  if (!status.ok()) return FromRocksDbStatus(status, key);
  v1::KnowledgeVersionInfo info;
  absl::Status parsed = ParseRecord(key, value, &info);
  if (!parsed.ok()) return parsed;
  return info;
}

absl::StatusOr<std::string> DrugStore::VersionNameOf(int64_t sequence) const {
  if (sequence == 0) return std::string();
  absl::StatusOr<v1::KnowledgeVersionInfo> info = ReadVersionInfo(sequence);
  if (!info.ok()) return info.status();
  return info->version();
}

absl::StatusOr<v1::KnowledgeVersionInfo> DrugStore::Import(
    const v1::KnowledgeBundle& bundle, absl::string_view origin) {
  v1::AuditEntry audit;
  audit.set_actor(std::string(kUnattributedActor));
  audit.set_action("import");
  audit.set_reason(std::string(origin));
  audit.set_new_value(ManifestText(bundle.manifest()));
  absl::StatusOr<AuditedWrite> written =
      CommitVersion(bundle, origin, std::move(audit));
  if (!written.ok()) return written.status();
  return std::move(written->version);
}

absl::StatusOr<AuditedWrite> DrugStore::CommitVersion(
    const v1::KnowledgeBundle& bundle, absl::string_view origin,
    v1::AuditEntry audit, int64_t expected_active) {
  absl::Status valid = ValidateKnowledge(bundle);
  if (!valid.ok()) return valid;

  absl::MutexLock lock(&import_mutex_);
  rocksdb::ReadOptions read;
  absl::StatusOr<int64_t> last = ReadCounter(db_.get(), read, kSequenceKey);
  if (!last.ok()) return last.status();
  absl::StatusOr<int64_t> active = ReadCounter(db_.get(), read, kActiveKey);
  if (!active.ok()) return active.status();
  if (expected_active != kAnyActive && *active != expected_active) {
    return absl::AbortedError(absl::StrCat(
        "the active knowledge-base version changed (from sequence ",
        expected_active, " to ", *active, ") during the edit; retry it"));
  }
  absl::StatusOr<std::string> version_before = VersionNameOf(*active);
  if (!version_before.ok()) return version_before.status();
  absl::StatusOr<int64_t> last_audit =
      ReadCounter(db_.get(), read, kAuditSequenceKey);
  if (!last_audit.ok()) return last_audit.status();

  const int64_t sequence = *last + 1;
  const int64_t now = Now();
  const std::string prefix = VersionPrefix(sequence);

  v1::KnowledgeVersionInfo info;
  info.set_version(VersionName(bundle.manifest(), sequence));
  info.set_sequence(sequence);
  *info.mutable_manifest() = bundle.manifest();
  info.set_imported_at_unix_seconds(now);
  info.set_origin(std::string(origin));

  audit.set_sequence(*last_audit + 1);
  audit.set_at_unix_seconds(now);
  if (audit.target().empty()) audit.set_target(info.version());
  audit.set_version_before(*std::move(version_before));
  audit.set_version_after(info.version());
  absl::Status chained = ChainAuditEntry(*last_audit, &audit);
  if (!chained.ok()) return chained;

  rocksdb::WriteBatch batch;
  batch.Put(prefix + "info", info.SerializeAsString());
  for (const v1::Citation& citation : bundle.citation()) {
    batch.Put(absl::StrCat(prefix, "citation/", citation.id()),
              citation.SerializeAsString());
  }
  for (const v1::DrugClass& drug_class : bundle.drug_class()) {
    batch.Put(absl::StrCat(prefix, "class/", drug_class.id()),
              drug_class.SerializeAsString());
  }
  for (const v1::Drug& drug : bundle.drug()) {
    batch.Put(absl::StrCat(prefix, "drug/", drug.id()),
              drug.SerializeAsString());
  }
  for (const auto& [key, entry] : BuildNameIndex(bundle)) {
    batch.Put(absl::StrCat(prefix, "index/", key), entry.SerializeAsString());
  }
  for (const v1::RiskModifier& modifier : bundle.modifier()) {
    batch.Put(absl::StrCat(prefix, "modifier/", modifier.id()),
              modifier.SerializeAsString());
  }
  for (const v1::Interaction& interaction : bundle.interaction()) {
    batch.Put(absl::StrCat(prefix, "interaction/", interaction.id()),
              interaction.SerializeAsString());
  }
  for (const v1::Recommendation& recommendation : bundle.recommendation()) {
    batch.Put(absl::StrCat(prefix, "recommendation/", recommendation.id()),
              recommendation.SerializeAsString());
  }
  for (const v1::ClinicalCondition& condition : bundle.condition()) {
    batch.Put(absl::StrCat(prefix, "condition/", condition.id()),
              condition.SerializeAsString());
  }
  for (const v1::Caution& caution : bundle.caution()) {
    batch.Put(absl::StrCat(prefix, "caution/", caution.id()),
              caution.SerializeAsString());
  }
  batch.Put(rocksdb::Slice(kSequenceKey.data(), kSequenceKey.size()),
            absl::StrCat(sequence));
  batch.Put(rocksdb::Slice(kActiveKey.data(), kActiveKey.size()),
            absl::StrCat(sequence));
  batch.Put(AuditKey(audit.sequence()), audit.SerializeAsString());
  batch.Put(rocksdb::Slice(kAuditSequenceKey.data(), kAuditSequenceKey.size()),
            absl::StrCat(audit.sequence()));

  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  rocksdb::Status status = db_->Write(write, &batch);
  if (!status.ok()) return FromRocksDbStatus(status, "writing import");
  return AuditedWrite{std::move(info), std::move(audit)};
}

absl::StatusOr<AuditedWrite> DrugStore::ActivateVersion(int64_t sequence,
                                                        v1::AuditEntry audit) {
  if (sequence <= 0) {
    return absl::NotFoundError(
        absl::StrCat("knowledge-base version ", sequence, " is not stored"));
  }
  absl::MutexLock lock(&import_mutex_);
  rocksdb::ReadOptions read;
  absl::StatusOr<v1::KnowledgeVersionInfo> stored_info =
      ReadVersionInfo(sequence);
  if (!stored_info.ok()) return stored_info.status();
  v1::KnowledgeVersionInfo info = *std::move(stored_info);

  absl::StatusOr<int64_t> active = ReadCounter(db_.get(), read, kActiveKey);
  if (!active.ok()) return active.status();
  absl::StatusOr<std::string> version_before = VersionNameOf(*active);
  if (!version_before.ok()) return version_before.status();
  absl::StatusOr<int64_t> last_audit =
      ReadCounter(db_.get(), read, kAuditSequenceKey);
  if (!last_audit.ok()) return last_audit.status();

  audit.set_sequence(*last_audit + 1);
  audit.set_at_unix_seconds(Now());
  if (audit.target().empty()) audit.set_target(info.version());
  audit.set_version_before(*std::move(version_before));
  audit.set_version_after(info.version());
  absl::Status chained = ChainAuditEntry(*last_audit, &audit);
  if (!chained.ok()) return chained;

  rocksdb::WriteBatch batch;
  batch.Put(rocksdb::Slice(kActiveKey.data(), kActiveKey.size()),
            absl::StrCat(sequence));
  batch.Put(AuditKey(audit.sequence()), audit.SerializeAsString());
  batch.Put(rocksdb::Slice(kAuditSequenceKey.data(), kAuditSequenceKey.size()),
            absl::StrCat(audit.sequence()));
  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  rocksdb::Status status = db_->Write(write, &batch);
  if (!status.ok()) return FromRocksDbStatus(status, "writing activation");
  return AuditedWrite{std::move(info), std::move(audit)};
}

absl::StatusOr<std::vector<v1::AuditEntry>> DrugStore::ReadAuditLog(
    int64_t from_unix_seconds, int64_t to_unix_seconds, int limit) const {
  if (limit <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", limit, " is not positive"));
  }
  std::vector<v1::AuditEntry> entries;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice prefix(kAuditPrefix.data(), kAuditPrefix.size());
  // Newest first, so the limit keeps the latest entries; entries are filtered
  // one by one rather than by stopping early because a clock stepped back can
  // leave stamps out of sequence order.
  for (it->SeekForPrev(AuditKey(std::numeric_limits<int64_t>::max()));
       it->Valid() && it->key().starts_with(prefix) &&
       static_cast<int>(entries.size()) < limit;
       it->Prev()) {
    v1::AuditEntry entry;
    absl::Status parsed = ParseRecord(it->key(), it->value(), &entry);
    if (!parsed.ok()) return parsed;
    if (from_unix_seconds != 0 && entry.at_unix_seconds() < from_unix_seconds) {
      continue;
    }
    if (to_unix_seconds != 0 && entry.at_unix_seconds() > to_unix_seconds) {
      continue;
    }
    entries.push_back(std::move(entry));
  }
  if (!it->status().ok()) return FromRocksDbStatus(it->status(), "audit/");
  std::reverse(entries.begin(), entries.end());
  return entries;
}

absl::Status DrugStore::ChainAuditEntry(int64_t previous_sequence,
                                        v1::AuditEntry* audit) const {
  std::string previous_chain_sha256;
  if (previous_sequence > 0) {
    const std::string key = AuditKey(previous_sequence);
    std::string value;
    rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
    // A missing or unreadable predecessor is not papered over: the new entry
    // would chain to nothing and hide the gap.
    if (!status.ok()) return FromRocksDbStatus(status, key);
    v1::AuditEntry previous;
    absl::Status parsed = ParseRecord(key, value, &previous);
    if (!parsed.ok()) return parsed;
    previous_chain_sha256 = previous.chain_sha256();
  }
  audit->set_chain_sha256(AuditChainSha256(previous_chain_sha256, *audit));
  return absl::OkStatus();
}

absl::StatusOr<AuditChainSummary> DrugStore::VerifyAuditChain() const {
  rocksdb::ReadOptions read;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  read.snapshot = snapshot;
  AuditChainVerifier verifier;
  absl::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
    const rocksdb::Slice prefix(kAuditPrefix.data(), kAuditPrefix.size());
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      status = verifier.Add(
          absl::string_view(it->key().data(), it->key().size()),
          absl::string_view(it->value().data(), it->value().size()));
      if (!status.ok()) break;
    }
    if (status.ok() && !it->status().ok()) {
      status = FromRocksDbStatus(it->status(), "audit/");
    }
  }
  absl::StatusOr<int64_t> last_audit =
      ReadCounter(db_.get(), read, kAuditSequenceKey);
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  if (!last_audit.ok()) return last_audit.status();
  return verifier.Finish(*last_audit);
}

absl::StatusOr<int64_t> DrugStore::ActiveSequence() const {
  return ReadCounter(db_.get(), rocksdb::ReadOptions(), kActiveKey);
}

absl::StatusOr<v1::KnowledgeVersionInfo> DrugStore::ActiveVersion() const {
  rocksdb::ReadOptions read;
  absl::StatusOr<int64_t> active = ReadCounter(db_.get(), read, kActiveKey);
  if (!active.ok()) return active.status();
  if (*active == 0) {
    return absl::NotFoundError("the database holds no knowledge base yet");
  }
  std::string value;
  const std::string key = VersionPrefix(*active) + "info";
  rocksdb::Status status = db_->Get(read, key, &value);
  if (!status.ok()) return FromRocksDbStatus(status, key);
  v1::KnowledgeVersionInfo info;
  absl::Status parsed = ParseRecord(key, value, &info);
  if (!parsed.ok()) return parsed;
  return info;
}

absl::StatusOr<StoredKnowledge> DrugStore::ReadActive() const {
  // One RocksDB snapshot so the pointer and the records agree.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  absl::StatusOr<int64_t> active = ReadCounter(db_.get(), read, kActiveKey);
  db_->ReleaseSnapshot(snapshot);
  if (!active.ok()) return active.status();
  if (*active == 0) {
    return absl::NotFoundError("the database holds no knowledge base yet");
  }
  return ReadVersion(*active);
}

absl::StatusOr<StoredKnowledge> DrugStore::ReadVersion(int64_t sequence) const {
  const std::string prefix = VersionPrefix(sequence);
  StoredKnowledge stored;
  bool has_info = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    rocksdb::Slice key = it->key();
    rocksdb::Slice rest(key.data() + prefix.size(), key.size() - prefix.size());
    absl::Status status;
    if (rest == "info") {
      status = ParseRecord(key, it->value(), &stored.info);
      has_info = true;
    } else if (rest.starts_with("citation/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_citation());
    } else if (rest.starts_with("class/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_drug_class());
    } else if (rest.starts_with("drug/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_drug());
    } else if (rest.starts_with("modifier/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_modifier());
    } else if (rest.starts_with("interaction/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_interaction());
    } else if (rest.starts_with("recommendation/")) {
      status =
          ParseRecord(key, it->value(), stored.bundle.add_recommendation());
    } else if (rest.starts_with("condition/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_condition());
    } else if (rest.starts_with("caution/")) {
      status = ParseRecord(key, it->value(), stored.bundle.add_caution());
    } else if (rest.starts_with("index/")) {
      rest.remove_prefix(6);
      stored.name_index.emplace_back(rest.ToString(), v1::NameIndexEntry());
      status = ParseRecord(key, it->value(), &stored.name_index.back().second);
    }
    if (!status.ok()) return status;
  }
  if (!it->status().ok()) return FromRocksDbStatus(it->status(), prefix);
  if (!has_info) {
    return absl::NotFoundError(
        absl::StrCat("knowledge-base version ", sequence, " is not stored"));
  }
  *stored.bundle.mutable_manifest() = stored.info.manifest();
  return stored;
}

absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> DrugStore::ListVersions()
    const {
  std::vector<v1::KnowledgeVersionInfo> versions;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("kb/"); it->Valid() && it->key().starts_with("kb/");
       it->Next()) {
    // Only "kb/<10 digits>/info": an entry whose id is "info" also ends so.
    rocksdb::Slice key = it->key();
    if (key.size() != VersionPrefix(0).size() + 4 || !key.ends_with("/info")) {
      continue;
    }
    v1::KnowledgeVersionInfo info;
    absl::Status status = ParseRecord(key, it->value(), &info);
    if (!status.ok()) return status;
    versions.push_back(std::move(info));
  }
  if (!it->status().ok()) return FromRocksDbStatus(it->status(), "kb/");
  return versions;
}

namespace {
constexpr absl::string_view kCardIssuePrefix = "card/";
constexpr absl::string_view kFeedbackPrefix = "feedback/";
constexpr absl::string_view kOutboxPrefix = "outbox/";
}  // namespace

absl::Status DrugStore::RecordCardIssues(
    const std::vector<v1::CardIssue>& issues) {
  rocksdb::WriteBatch batch;
  for (const v1::CardIssue& issue : issues) {
    batch.Put(absl::StrCat(kCardIssuePrefix, issue.card_uuid()),
              issue.SerializeAsString());
  }
  rocksdb::Status status = db_->Write(rocksdb::WriteOptions(), &batch);
  return status.ok() ? absl::OkStatus()
                     : FromRocksDbStatus(status, "writing card issues");
}

absl::StatusOr<v1::CardIssue> DrugStore::FindCardIssue(
    absl::string_view card_uuid) const {
  const std::string key = absl::StrCat(kCardIssuePrefix, card_uuid);
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (!status.ok()) return FromRocksDbStatus(status, key);
  v1::CardIssue issue;
  absl::Status parsed = ParseRecord(key, value, &issue);
  if (!parsed.ok()) return parsed;
  return issue;
}

absl::Status DrugStore::RecordFeedback(
    const std::vector<v1::CardFeedback>& feedback) {
  rocksdb::WriteBatch batch;
  for (const v1::CardFeedback& entry : feedback) {
    // Free text may name a patient: it never reaches the disk, whoever
    // built the entry (an older replica forwards what it took).
    v1::CardFeedback kept = entry;
    kept.clear_override_reason_display();
    batch.Put(absl::StrCat(kFeedbackPrefix, entry.card_uuid()),
              kept.SerializeAsString());
  }
  rocksdb::WriteOptions write;
  write.sync = true;  // acknowledged feedback survives a crash
  rocksdb::Status status = db_->Write(write, &batch);
  return status.ok() ? absl::OkStatus()
                     : FromRocksDbStatus(status, "writing feedback");
}

absl::Status DrugStore::ForEachFeedback(
    const std::function<void(const v1::CardFeedback&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  v1::CardFeedback entry;
  for (it->Seek(rocksdb::Slice(kFeedbackPrefix.data(), kFeedbackPrefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(
                          kFeedbackPrefix.data(), kFeedbackPrefix.size()));
       it->Next()) {
    entry.Clear();
    absl::Status parsed = ParseRecord(it->key(), it->value(), &entry);
    if (!parsed.ok()) return parsed;
    visit(entry);
  }
  return it->status().ok()
             ? absl::OkStatus()
             : FromRocksDbStatus(it->status(), "reading feedback");
}

absl::Status DrugStore::AddToOutbox(const v1::ForwardFeedbackRequest& entry) {
  static std::atomic<uint64_t> counter{0};
  // Zero-padded, so keys sort in the order they were added.
  const std::string key = absl::StrFormat(
      "%s%020d-%020d", kOutboxPrefix, absl::ToUnixNanos(absl::Now()),
      counter.fetch_add(1));
  rocksdb::WriteOptions write;
  write.sync = true;
  rocksdb::Status status = db_->Put(write, key, entry.SerializeAsString());
  return status.ok() ? absl::OkStatus()
                     : FromRocksDbStatus(status, "writing the outbox");
}

absl::StatusOr<std::vector<std::pair<std::string, v1::ForwardFeedbackRequest>>>
DrugStore::ReadOutbox(int limit) const {
  std::vector<std::pair<std::string, v1::ForwardFeedbackRequest>> entries;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice prefix(kOutboxPrefix.data(), kOutboxPrefix.size());
  for (it->Seek(prefix);
       it->Valid() && it->key().starts_with(prefix) &&
       static_cast<int>(entries.size()) < limit;
       it->Next()) {
    v1::ForwardFeedbackRequest entry;
    absl::Status parsed = ParseRecord(it->key(), it->value(), &entry);
    if (!parsed.ok()) return parsed;
    entries.emplace_back(it->key().ToString(), std::move(entry));
  }
  if (!it->status().ok()) return FromRocksDbStatus(it->status(), "reading the outbox");
  return entries;
}

absl::Status DrugStore::RemoveFromOutbox(const std::vector<std::string>& keys) {
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) batch.Delete(key);
  rocksdb::WriteOptions write;
  write.sync = true;
  rocksdb::Status status = db_->Write(write, &batch);
  return status.ok() ? absl::OkStatus()
                     : FromRocksDbStatus(status, "clearing the outbox");
}

}  // namespace dystonia
