#ifndef DYSTONIA_DRUG_DB_AUDIT_CHAIN_H_
#define DYSTONIA_DRUG_DB_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/admin.pb.h"

namespace dystonia {

// Returns the lower-case hex SHA-256 that chains `entry` to the entry before
// it: SHA-256 of `previous_chain_sha256` (empty at the start of the chain)
// followed by `entry` serialized deterministically with chain_sha256 cleared.
std::string AuditChainSha256(absl::string_view previous_chain_sha256,
                             const v1::AuditEntry& entry);

// What a verified audit trail holds.
struct AuditChainSummary {
  // Every entry, hashed or not.
  int64_t entries = 0;
  // Entries written before the chain existed (no chain_sha256): only the
  // sequence numbers protect them.
  int64_t unchained = 0;
  // The newest entry's chain_sha256 ("" when none is chained): an operator
  // who writes it down elsewhere can later tell a rewritten trail too.
  std::string head_sha256;
};

// Checks the audit trail entry by entry, oldest first: fed every record
// under "audit/" in key order, then Finish() with the trail's counter.
// Sequences must run 1, 2, 3 ... without a gap; the key must carry the
// entry's own sequence; once one entry is chained, every later one must be,
// and each chain_sha256 must match AuditChainSha256 of the one before.
// Every error is kDataLoss naming the first broken entry by sequence and
// key. Not thread-safe.
class AuditChainVerifier {
 public:
  // Checks the record stored under `key`. After the first error, later calls
  // return it again.
  absl::Status Add(absl::string_view key, absl::string_view value);

  // Checks that no entry is missing at the end, nor stored beyond
  // `last_sequence` (the counter of entries handed out), and returns the
  // summary.
  absl::StatusOr<AuditChainSummary> Finish(int64_t last_sequence);

 private:
  absl::Status status_;
  AuditChainSummary summary_;
  int64_t last_seen_ = 0;
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_AUDIT_CHAIN_H_
