#include "drug_db/audit_chain.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace dystonia {
namespace {

std::string DeterministicBytes(const v1::AuditEntry& entry) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  entry.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

std::string AuditChainSha256(absl::string_view previous_chain_sha256,
                             const v1::AuditEntry& entry) {
  v1::AuditEntry unchained = entry;
  unchained.clear_chain_sha256();
  const std::string input =
      absl::StrCat(previous_chain_sha256, DeterministicBytes(unchained));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(),
             nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::Status AuditChainVerifier::Add(absl::string_view key,
                                     absl::string_view value) {
  if (!status_.ok()) return status_;
  v1::AuditEntry entry;
  const int64_t expected = last_seen_ + 1;
  if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    status_ = absl::DataLossError(
        absl::StrCat("audit entry at ", key, " does not parse"));
  } else if (key != absl::StrCat("audit/", absl::Dec(entry.sequence(),
                                                     absl::kZeroPad20))) {
    status_ = absl::DataLossError(
        absl::StrCat("audit entry at ", key, " claims sequence ",
                     entry.sequence(), ": moved or forged"));
  } else if (entry.sequence() != expected) {
    status_ = absl::DataLossError(absl::StrCat(
        "audit entry ", expected, " is missing (the trail goes from ",
        last_seen_, " to ", entry.sequence(), " at ", key, ")"));
  } else if (entry.chain_sha256().empty()) {
    if (!summary_.head_sha256.empty()) {
      status_ = absl::DataLossError(absl::StrCat(
          "audit entry ", entry.sequence(), " (", key,
          ") carries no chain hash after chained entries: forged or "
          "altered"));
    } else {
      ++summary_.unchained;
    }
  } else if (entry.chain_sha256() !=
             AuditChainSha256(summary_.head_sha256, entry)) {
    status_ = absl::DataLossError(absl::StrCat(
        "audit entry ", entry.sequence(), " (", key,
        ") does not match its chain hash: it, or the entry before it, was "
        "altered or forged"));
  }
  if (!status_.ok()) return status_;
  last_seen_ = entry.sequence();
  ++summary_.entries;
  if (!entry.chain_sha256().empty())
    summary_.head_sha256 = entry.chain_sha256();
  return absl::OkStatus();
}

absl::StatusOr<AuditChainSummary> AuditChainVerifier::Finish(
    int64_t last_sequence) {
  if (!status_.ok()) return status_;
  if (last_seen_ < last_sequence) {
    return absl::DataLossError(absl::StrCat(
        "audit entry ", last_seen_ + 1, " is missing (the trail ends at ",
        last_seen_, " but ", last_sequence, " entries were written)"));
  }
  if (last_seen_ > last_sequence) {
    return absl::DataLossError(absl::StrCat(
        "audit entry ", last_sequence + 1,
        " is beyond the last entry written (", last_sequence, "): forged"));
  }
  return summary_;
}

}  // namespace dystonia
