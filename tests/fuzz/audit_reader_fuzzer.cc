// Fuzzes the audit client's prescription reader (CSV, and NDJSON when the
// first byte is odd) over an in-memory file.
// Properties: nothing is lost (every data row read is either part of a
// prescription or reported rejected, once); a prescription has one name per
// medication and, from CSV, one line per medication; lines only increase.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "clients/audit/prescription_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia;
  using audit::InputFormat;
  if (size == 0) return 0;
  const InputFormat format =
      data[0] % 2 == 0 ? InputFormat::kCsv : InputFormat::kNdjson;
  auto in = std::make_unique<std::istringstream>(
      std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  auto reader =
      audit::PrescriptionReader::FromStream(std::move(in), format, "fuzz");
  if (!reader.ok()) {
    fuzz::Require(format == InputFormat::kCsv, "only a CSV header is refused");
    return 0;
  }
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t last_line = 0;
  audit::Prescription prescription;
  auto on_rejected = [&](const audit::RejectedRow& row) {
    ++rejected;
    fuzz::Require(!row.reason.empty(), "a rejected row says why");
    fuzz::Require(row.line > 0, "a rejected row names its line");
  };
  while (true) {
    absl::StatusOr<bool> next = (*reader)->Next(&prescription, on_rejected);
    // An in-memory input never fails to be read.
    fuzz::Require(next.ok(), "an in-memory input is read to its end");
    if (!*next) break;
    accepted += static_cast<int64_t>(prescription.lines.size());
    fuzz::Require(
        prescription.names.size() ==
            static_cast<size_t>(prescription.request.medications_size()),
        "one name per medication");
    if (format == InputFormat::kCsv) {
      fuzz::Require(prescription.lines.size() == prescription.names.size(),
                    "one CSV row per medication");
    }
    for (int64_t line : prescription.lines) {
      fuzz::Require(line > last_line, "lines increase");
      last_line = line;
    }
  }
  fuzz::Require(accepted + rejected == (*reader)->rows_read(),
                "every row read is accepted or rejected");
  return 0;
}
