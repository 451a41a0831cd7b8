#ifndef DYSTONIA_CLIENTS_AUDIT_AUDIT_RUNNER_H_
#define DYSTONIA_CLIENTS_AUDIT_AUDIT_RUNNER_H_

// Runs an audit: streams a prescription file through RiskService.CheckStream
// with a bounded window of requests in flight, writing the results as the
// answers arrive, and the report at the end.
//
// Outputs in `out_dir`:
//   findings.csv    one row per finding: prescription_id, kind, level,
//                   medications, summary, factors, citations,
//                   contraindicated, levels_complete ("no" when the
//                   prescription names a medication the server did not
//                   recognize: its levels judge only the others)
//   results.ndjson  the full CheckResponse of every prescription (protobuf
//                   JSON mapping), one per line
//   errors.csv      line, prescription_id, reason for every rejected row
//   report.html     the committee report (see audit_summary.h)

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "clients/audit/audit_summary.h"
#include "clients/audit/prescription_reader.h"
#include "clients/common/client_connection.h"
#include "grpcpp/channel.h"

namespace dystonia::audit {

struct AuditOptions {
  // The server, HOST:PORT, for the report. Default: "127.0.0.1:50051".
  std::string server = "127.0.0.1:50051";
  // A channel to `server`. Default: none, so RunAudit uses `connection`, or
  // opens an insecure one.
  std::shared_ptr<grpc::Channel> channel;
  // TLS and the bearer token (client_connection.h). Default: none.
  std::optional<ClientConnection> connection;
  // Where the outputs go; created if missing. Required.
  std::string out_dir;
  // The format of the input; Default: from the file's extension.
  const InputFormat* format = nullptr;
  // Requests sent and not yet answered, at most. Default: 256.
  int window = 256;
  // Write results.ndjson (large: a full response per prescription).
  // Default: true.
  bool write_results = true;
  // What the server sends back. BASIC is a screening run: the same levels
  // and findings, but findings.csv and the report carry no factors or
  // citations. COMPACT carries everything FULL does with each source once
  // per answer. Default (UNSPECIFIED): FULL while results.ndjson is written
  // (its readers expect each finding's citations inline), COMPACT with
  // write_results off (findings.csv and the report read either).
  v1::CheckView view = v1::CHECK_VIEW_UNSPECIFIED;
  // Where the progress line goes; nullptr for none. Default: none.
  std::ostream* progress = nullptr;
  // How long to wait for the connection before the run starts, retrying a
  // failed attempt. Default: 10 seconds.
  double connect_timeout_seconds = 10;
};

struct AuditResult {
  AuditSummary summary;
  // OK when every prescription sent was answered (rows may still have been
  // rejected: see summary.rows_rejected). kUnavailable when the server could
  // not be reached or went away (summary.run.complete is then false);
  // kNotFound / kInvalidArgument when the input cannot be read; kInternal
  // when an output cannot be written.
  absl::Status status;
};

// Audits `input_path`. Thread-compatible; one call per run.
AuditResult RunAudit(const std::string& input_path,
                     const AuditOptions& options);

// dystonia-audit's exit statuses. A failure (2, 3, 4) outranks what the
// answers say; of those, rejected rows (1: not judged at all) outrank
// unrecognized names (5: judged, but over an incomplete list), so a script
// that already stops on 1 keeps doing so.
inline constexpr int kAuditExitOk = 0;
inline constexpr int kAuditExitRowsRejected = 1;
inline constexpr int kAuditExitUsage = 2;
inline constexpr int kAuditExitIncompleteRun = 3;
inline constexpr int kAuditExitInternal = 4;
inline constexpr int kAuditExitUnrecognized = 5;

// The exit status for a finished run (see the constants above).
int AuditExitStatus(const AuditResult& result);

// The line printed on stderr at the end of a run: "rows read N = assessed A
// + rejected R; prescriptions answered P", then, when any, "; prescriptions
// with an unrecognized name U (their levels are incomplete)".
std::string AuditCountsLine(const AuditSummary& summary);

// The lower-case hex SHA-256 of a file's bytes.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// A CSV field, quoted when it needs to be.
std::string CsvField(const std::string& text);

}  // namespace dystonia::audit

#endif  // DYSTONIA_CLIENTS_AUDIT_AUDIT_RUNNER_H_
