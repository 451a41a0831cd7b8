#ifndef DYSTONIA_CLIENTS_AUDIT_PRESCRIPTION_READER_H_
#define DYSTONIA_CLIENTS_AUDIT_PRESCRIPTION_READER_H_

// Reads a prescription file one prescription at a time, so memory stays
// flat whatever the file's size. Two formats:
//
// CSV, one row per medication, header row required. Columns (any order,
// case-insensitive): prescription_id, patient_id, age_years, sex, medication,
// rxcui, atc_code, route, daily_dose_mg, status, days_on_therapy,
// dose_increased_days_ago, conditions, weight_kg, ndc, course,
// pharmacogenomics (";"-separated GENE=PHENOTYPE, e.g. "CYP2D6=poor").
// Required: prescription_id, age_years, sex, medication (a row may leave
// medication empty when it gives rxcui or atc_code). Rows of one prescription
// are consecutive; a prescription_id seen again after other ids starts a new
// prescription. RFC 4180 quoting
// ("a, b" and "say ""x"""), a UTF-8 byte-order mark and CRLF line ends are
// accepted; a quoted field may not span lines.
//
// NDJSON: one dystonia.v1.CheckRequest per line in the protobuf JSON mapping;
// its request_id is the prescription id. Blank lines are skipped.
//
// The reader checks syntax only (a number is a number, a required value is
// there, a word is one it knows); whether an age or a dose is plausible is
// the server's judgement. Not thread-safe.

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia::audit {

enum class InputFormat { kCsv, kNdjson };

// One prescription ready to send.
struct Prescription {
  v1::CheckRequest request;
  // 1-based line numbers of its rows, in order (one per medication for CSV,
  // one line for NDJSON).
  std::vector<int64_t> lines;
  // The medication names as written (for the report).
  std::vector<std::string> names;
};

// A row (or line) that did not become part of a request.
struct RejectedRow {
  int64_t line = 0;
  std::string prescription_id;
  std::string reason;
};

class PrescriptionReader {
 public:
  // Opens `path`. The format comes from the extension (.csv; .ndjson,
  // .jsonl) unless `format` is given. kNotFound for a missing file,
  // kInvalidArgument for a CSV whose header lacks a required column or names
  // an unknown one.
  static absl::StatusOr<std::unique_ptr<PrescriptionReader>> Open(
      const std::string& path, const InputFormat* format = nullptr);

  // Reads `in` as `format`; `name` prefixes header errors (a path, "stdin").
  static absl::StatusOr<std::unique_ptr<PrescriptionReader>> FromStream(
      std::unique_ptr<std::istream> in, InputFormat format,
      absl::string_view name);

  // Reads the next prescription into `out`; rows rejected on the way are
  // passed to `on_rejected`. True when one was read, false at the end of the
  // input; DataLoss, naming the input and the line, when it could not be
  // read on (an I/O error is never taken for the end of the file).
  absl::StatusOr<bool> Next(
      Prescription* out,
      const std::function<void(const RejectedRow&)>& on_rejected);

  // Rows (CSV data rows, or non-blank NDJSON lines) read so far.
  int64_t rows_read() const { return rows_read_; }
  // Bytes consumed so far, for progress against the file's size.
  int64_t bytes_read() const { return bytes_read_; }
  InputFormat format() const { return format_; }

 private:
  PrescriptionReader(std::unique_ptr<std::istream> in, InputFormat format,
                     absl::string_view name);
  absl::Status ReadHeader();
  bool NextCsv(Prescription* out,
               const std::function<void(const RejectedRow&)>& on_rejected);
  bool NextNdjson(Prescription* out,
                  const std::function<void(const RejectedRow&)>& on_rejected);
  // Reads one physical line without its line end; false at end of file.
  bool ReadLine(std::string* line);

  std::unique_ptr<std::istream> in_;
  InputFormat format_;
  std::string name_;  // the path, or "stdin", for errors
  int64_t line_number_ = 0;
  int64_t rows_read_ = 0;
  int64_t bytes_read_ = 0;
  // CSV: column index of each known field, -1 when absent.
  std::vector<int> column_;
  // CSV: a parsed row that belongs to the next prescription.
  bool has_pending_ = false;
  int64_t pending_line_ = 0;
  std::vector<std::string> pending_fields_;
};

// Splits one CSV line into fields (RFC 4180 quoting). kInvalidArgument with
// the reason for broken quoting.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line);

}  // namespace dystonia::audit

#endif  // DYSTONIA_CLIENTS_AUDIT_PRESCRIPTION_READER_H_
