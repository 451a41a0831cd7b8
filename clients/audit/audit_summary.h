#ifndef DYSTONIA_CLIENTS_AUDIT_AUDIT_SUMMARY_H_
#define DYSTONIA_CLIENTS_AUDIT_AUDIT_SUMMARY_H_

// What an audit run found, accumulated answer by answer with memory bounded
// by the number of distinct drugs, classes and unrecognized names (never by
// the number of prescriptions), and rendered as the committee report.
// The judgement is the server's: this only counts its answers.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dystonia/v1/risk_service.pb.h"

namespace dystonia::audit {

// One prescription worth showing in the report's top list.
struct FlaggedPrescription {
  std::string prescription_id;
  // As sent: the age and sex the judgement used ("" / 0 when not given).
  double age_years = 0;
  v1::Sex sex = v1::SEX_UNSPECIFIED;
  // The medication names as written in the input file, in order.
  std::vector<std::string> medications;
  v1::CheckResponse response;
};

// Where the run's input came from and how it ended.
struct AuditRunInfo {
  std::string input_name;     // the file's name as given on the command line
  std::string input_sha256;   // lower-case hex
  std::string started_at;     // ISO 8601 UTC, e.g. "2026-11-27T03:45:00Z"
  std::string finished_at;
  std::string server;         // HOST:PORT
  // False when the run stopped early (server lost): the report must say so.
  bool complete = true;
  std::string incomplete_reason;
};

struct AuditSummary {
  AuditRunInfo run;
  std::string knowledge_base_version;
  // Reconciliation: rows_read == rows_assessed + rows_rejected.
  int64_t rows_read = 0;
  int64_t rows_assessed = 0;
  int64_t rows_rejected = 0;
  int64_t prescriptions = 0;            // answered by the server
  int64_t medications_assessed = 0;     // recognized
  int64_t medications_unrecognized = 0;
  // Answered prescriptions with at least one unrecognized medication: their
  // levels judge only the recognized ones (an unknown drug is not a safe
  // one), so they are counted apart and the run exits
  // kAuditExitUnrecognized.
  int64_t prescriptions_incomplete = 0;
  // Prescriptions by their acute / tardive summary level.
  std::map<v1::RiskLevel, int64_t> by_acute_level;
  std::map<v1::RiskLevel, int64_t> by_tardive_level;
  // Drug display name -> prescriptions with a finding of MODERATE or HIGH
  // naming that drug; the same for DrugClass names (AssessedMedication's
  // class_names; the ids from a server that sends no names).
  std::map<std::string, int64_t> flagged_drugs;
  std::map<std::string, int64_t> flagged_classes;
  // Prescriptions whose acute or tardive level is HIGH, by age band
  // ("0-17", "18-34", "35-54", "55-64", "65+", "unknown") and sex
  // ("male", "female", "other/unknown").
  std::map<std::pair<std::string, std::string>, int64_t> high_by_age_and_sex;
  // The most serious prescriptions first (highest level, then most findings,
  // then input order), at most AuditSummaryBuilder's limit.
  std::vector<FlaggedPrescription> top_flagged;
  // Unrecognized names as written, most frequent first, with counts.
  std::vector<std::pair<std::string, int64_t>> unrecognized_names;
  // The server's "did you mean" for each unrecognized name (from the first
  // answer that named it; absent when it had none).
  std::map<std::string, std::vector<std::string>> unrecognized_suggestions;
};

// Accumulates answers into an AuditSummary.
class AuditSummaryBuilder {
 public:
  explicit AuditSummaryBuilder(size_t top_flagged_limit = 50);

  // One prescription and the server's answer (response.error unset). `rows`
  // is how many input rows (medications) it came from.
  void AddAnswer(const v1::CheckRequest& request,
                 const v1::CheckResponse& response, int64_t rows);
  // Input rows that never became a request (malformed) or whose request the
  // server rejected (response.error set).
  void AddRejectedRows(int64_t rows);
  void AddRowsRead(int64_t rows);

  // The summary so far; `run` is copied in.
  AuditSummary Finish(const AuditRunInfo& run) const;

 private:
  size_t top_flagged_limit_;
  AuditSummary summary_;
  std::map<std::string, int64_t> unrecognized_;
  std::map<std::string, std::vector<std::string>> suggestions_;
  int64_t order_ = 0;
};

// The committee report: one self-contained HTML document (inline CSS and
// SVG charts, no scripts fetched, no network), escaped throughout.
std::string RenderReportHtml(const AuditSummary& summary);

}  // namespace dystonia::audit

#endif  // DYSTONIA_CLIENTS_AUDIT_AUDIT_SUMMARY_H_
