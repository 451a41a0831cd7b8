#include "clients/audit/audit_runner.h"

#include <openssl/evp.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "proto/views/finding_citations.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia::audit {
namespace {

using Clock = std::chrono::steady_clock;

std::string NowIso8601() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                          absl::UTCTimeZone());
}

// What the reading side needs to know about a request in flight.
struct InFlight {
  std::vector<int64_t> lines;
  std::vector<std::string> names;
  v1::CheckRequest request;  // kept for the summary (age, sex)
};

// The three CSV/NDJSON outputs. errors.csv is written from both threads.
class Outputs {
 public:
  absl::Status Open(const std::string& dir, bool write_results) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat(dir, ": cannot create: ", error.message()));
    }
    findings_.open(dir + "/findings.csv", std::ios::binary | std::ios::trunc);
    errors_.open(dir + "/errors.csv", std::ios::binary | std::ios::trunc);
    if (write_results) {
      results_.open(dir + "/results.ndjson",
                    std::ios::binary | std::ios::trunc);
    } else {
      std::filesystem::remove(dir + "/results.ndjson", error);
    }
    if (!findings_ || !errors_ || (write_results && !results_)) {
      return absl::InternalError(
          absl::StrCat(dir, ": cannot write the outputs"));
    }
    findings_
        << "prescription_id,kind,level,medications,summary,factors,citations,"
           "contraindicated,levels_complete\n";
    errors_ << "line,prescription_id,reason\n";
    return absl::OkStatus();
  }

  void Rejected(const RejectedRow& row) {
    std::lock_guard<std::mutex> lock(errors_mu_);
    errors_ << row.line << "," << CsvField(row.prescription_id) << ","
            << CsvField(row.reason) << "\n";
  }

  void Answer(const InFlight& sent, const v1::CheckResponse& response) {
    for (const v1::Finding& finding : response.findings()) {
      std::vector<std::string> medications;
      for (int index : finding.medication_indexes()) {
        if (index >= 0 && index < static_cast<int>(sent.names.size())) {
          medications.push_back(sent.names[index]);
        }
      }
      std::vector<std::string> citations;
      for (const v1::Citation* citation : FindingCitations(response, finding)) {
        citations.push_back(
            citation->year() > 0
                ? absl::StrCat(citation->title(), " (", citation->year(), ")")
                : citation->title());
      }
      const std::string kind = v1::Finding::Kind_Name(finding.kind());
      findings_ << CsvField(response.request_id()) << "," << kind << ","
                << RiskLevelWord(finding.level()) << ","
                << CsvField(absl::StrJoin(medications, "; ")) << ","
                << CsvField(finding.summary()) << ","
                << CsvField(absl::StrJoin(finding.factors(), " | ")) << ","
                << CsvField(absl::StrJoin(citations, " | ")) << ","
                << (finding.contraindicated() ? "yes" : "no") << ","
                << (response.unrecognized().empty() ? "yes" : "no") << "\n";
    }
    if (results_.is_open()) {
      json_.clear();
      if (google::protobuf::util::MessageToJsonString(response, &json_).ok()) {
        results_ << json_ << "\n";
      } else {
        // A line that cannot be written is a failed output, told by Close.
        results_.setstate(std::ios::failbit);
      }
    }
  }

  absl::Status Close() {
    findings_.close();
    bool results_failed = false;
    if (results_.is_open()) {  // closing one never opened would fail
      results_.close();
      results_failed = results_.fail();
    }
    std::lock_guard<std::mutex> lock(errors_mu_);
    errors_.close();
    if (findings_.fail() || errors_.fail() || results_failed) {
      return absl::InternalError(
          "an output file could not be written completely");
    }
    return absl::OkStatus();
  }

 private:
  std::ofstream findings_;
  std::ofstream results_;
  std::mutex errors_mu_;
  std::ofstream errors_;
  std::string json_;
};

// The progress line: rows, prescriptions per second, percentage and ETA by
// bytes of input read.
class Progress {
 public:
  Progress(std::ostream* out, int64_t file_bytes)
      : out_(out),
        file_bytes_(file_bytes),
        start_(Clock::now()),
        last_(start_) {}

  void Update(int64_t rows, int64_t prescriptions, int64_t bytes, bool final) {
    if (out_ == nullptr) return;
    const auto now = Clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? prescriptions / seconds : 0;
    std::string line = absl::StrFormat("rows %d | prescriptions %d | %.0f/s",
                                       rows, prescriptions, rate);
    if (file_bytes_ > 0) {
      const double done =
          std::min(1.0, static_cast<double>(bytes) / file_bytes_);
      const double eta = done > 0 ? seconds * (1 - done) / done : 0;
      absl::StrAppendFormat(&line, " | %.0f%% | ETA %d:%02d", done * 100,
                            static_cast<int>(eta) / 60,
                            static_cast<int>(eta) % 60);
    }
    *out_ << "\r" << line << "   " << (final ? "\n" : "") << std::flush;
  }

 private:
  std::ostream* out_;
  int64_t file_bytes_;
  Clock::time_point start_;
  Clock::time_point last_;
};

}  // namespace

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (context == nullptr ||
      EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256 is not available");
  }
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0)
      EVP_DigestUpdate(context.get(), buffer.data(), in.gcount());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i)
    absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

AuditResult RunAudit(const std::string& input_path,
                     const AuditOptions& options) {
  AuditResult result;
  AuditRunInfo run;
  run.input_name = std::filesystem::path(input_path).filename().string();
  run.server = options.server;
  run.started_at = NowIso8601();
  AuditSummaryBuilder builder;
  auto finish = [&](absl::Status status) {
    run.finished_at = NowIso8601();
    result.summary = builder.Finish(run);
    result.status = std::move(status);
    return std::move(result);
  };

  absl::StatusOr<std::string> sha = Sha256OfFile(input_path);
  if (!sha.ok()) return finish(sha.status());
  run.input_sha256 = *sha;
  auto reader = PrescriptionReader::Open(input_path, options.format);
  if (!reader.ok()) return finish(reader.status());
  Outputs outputs;
  if (absl::Status opened =
          outputs.Open(options.out_dir, options.write_results);
      !opened.ok()) {
    return finish(opened);
  }
  std::error_code size_error;
  const auto file_bytes = std::filesystem::file_size(input_path, size_error);
  Progress progress(options.progress,
                    size_error ? 0 : static_cast<int64_t>(file_bytes));

  std::shared_ptr<grpc::Channel> channel = options.channel;
  if (channel == nullptr && options.connection.has_value()) {
    channel = options.connection->channel();
  } else if (channel == nullptr) {
    channel = grpc::CreateChannel(options.server,
                                  grpc::InsecureChannelCredentials());
  }
  // Connected first, through a failed attempt if need be: Debian's gRPC 1.51
  // now and then takes a connect() in progress for a failure (fixed upstream,
  // grpc/grpc#35064) and a stream opened then would fail at once. A server
  // still unreachable after the wait fails the stream below, as before.
  channel->WaitForConnected(std::chrono::system_clock::now() +
                            std::chrono::milliseconds(static_cast<int64_t>(
                                options.connect_timeout_seconds * 1000)));
  auto stub = v1::RiskService::NewStub(channel);
  grpc::ClientContext context;
  if (options.connection.has_value()) options.connection->Authorize(&context);
  auto stream = stub->CheckStream(&context);

  // Shared between the sending thread and this (receiving) one.
  std::mutex mu;
  std::condition_variable changed;
  std::deque<InFlight> in_flight;
  bool stopped = false;       // the stream broke: stop sending
  bool sending_done = false;  // every prescription has been sent
  absl::Status read_error;    // the input could not be read on
  int64_t rows_read = 0;      // by the reader (sending thread)
  int64_t bytes_read = 0;
  int64_t rows_rejected_by_reader = 0;

  std::thread sender([&] {
    const v1::CheckView view =
        options.view != v1::CHECK_VIEW_UNSPECIFIED ? options.view
        : options.write_results                    ? v1::CHECK_VIEW_FULL
                                                   : v1::CHECK_VIEW_COMPACT;
    Prescription prescription;
    auto on_rejected = [&](const RejectedRow& row) {
      outputs.Rejected(row);
      std::lock_guard<std::mutex> lock(mu);
      ++rows_rejected_by_reader;
    };
    while (true) {
      absl::StatusOr<bool> next = (*reader)->Next(&prescription, on_rejected);
      if (!next.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        read_error = next.status();
        break;
      }
      if (!*next) break;
      prescription.request.set_view(view);
      {
        std::unique_lock<std::mutex> lock(mu);
        rows_read = (*reader)->rows_read();
        bytes_read = (*reader)->bytes_read();
        changed.wait(lock, [&] {
          return stopped || static_cast<int>(in_flight.size()) < options.window;
        });
        if (stopped) break;
        in_flight.push_back({std::move(prescription.lines),
                             std::move(prescription.names),
                             prescription.request});
      }
      if (!stream->Write(prescription.request)) {
        std::lock_guard<std::mutex> lock(mu);
        stopped = true;
        break;
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    rows_read = (*reader)->rows_read();
    bytes_read = (*reader)->bytes_read();
    sending_done = true;
    changed.notify_all();
    // Half-close after the last request so the server ends the stream.
    if (!stopped) stream->WritesDone();
  });

  v1::CheckResponse response;
  int64_t answered = 0;
  int64_t rows_rejected_by_server = 0;
  while (stream->Read(&response)) {
    InFlight sent;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (in_flight.empty()) break;  // an answer nobody asked for
      sent = std::move(in_flight.front());
      in_flight.pop_front();
      changed.notify_all();
    }
    ++answered;
    const int64_t rows = static_cast<int64_t>(sent.lines.size());
    if (response.has_error()) {
      for (int64_t line : sent.lines) {
        outputs.Rejected({line, response.request_id(),
                          absl::StrCat("rejected by the server: ",
                                       response.error().message())});
      }
      rows_rejected_by_server += rows;
    } else {
      outputs.Answer(sent, response);
      builder.AddAnswer(sent.request, response, rows);
    }
    int64_t rows_now, bytes_now;
    {
      std::lock_guard<std::mutex> lock(mu);
      rows_now = rows_read;
      bytes_now = bytes_read;
    }
    progress.Update(rows_now, answered, bytes_now, false);
  }
  bool broken;
  {
    std::lock_guard<std::mutex> lock(mu);
    broken = !sending_done || !in_flight.empty();
    stopped = true;
    changed.notify_all();
  }
  // The stream broke with requests unanswered: cancelling frees a sender
  // blocked in Write. A stream that ended normally is left alone.
  if (broken) context.TryCancel();
  sender.join();
  const grpc::Status status = stream->Finish();

  int64_t unanswered_prescriptions = 0;
  int64_t unanswered_rows = 0;
  for (const InFlight& sent : in_flight) {
    ++unanswered_prescriptions;
    unanswered_rows += static_cast<int64_t>(sent.lines.size());
  }
  builder.AddRowsRead(rows_read);
  builder.AddRejectedRows(rows_rejected_by_reader + rows_rejected_by_server);
  progress.Update(rows_read, answered, bytes_read, true);

  absl::Status outcome = absl::OkStatus();
  const bool lost = broken || unanswered_prescriptions > 0 || !status.ok();
  if (!read_error.ok()) {
    // What was read was judged; the rest of the file was not.
    run.complete = false;
    run.incomplete_reason = absl::StrCat(
        "the input stopped being readable after ", rows_read,
        " rows; the rest was not audited (", read_error.message(), ")");
    outcome = read_error;
  } else if (lost) {
    run.complete = false;
    run.incomplete_reason =
        answered == 0
            ? absl::StrCat("the server at ", options.server,
                           " could not be reached (it answered nothing): ",
                           status.error_message())
            : absl::StrCat("the server at ", options.server,
                           " went away after ", answered, " prescriptions; ",
                           unanswered_prescriptions, " sent (", unanswered_rows,
                           " rows) were not answered and the rest of the file "
                           "was not read (",
                           status.error_message(), ")");
    outcome = absl::UnavailableError(run.incomplete_reason);
  }
  if (absl::Status closed = outputs.Close(); !closed.ok() && outcome.ok())
    outcome = closed;
  AuditResult done = finish(outcome);
  std::ofstream report(options.out_dir + "/report.html",
                       std::ios::binary | std::ios::trunc);
  report << RenderReportHtml(done.summary);
  if (!report && done.status.ok()) {
    done.status =
        absl::InternalError(options.out_dir + "/report.html: cannot write");
  }
  return done;
}

int AuditExitStatus(const AuditResult& result) {
  if (!result.status.ok()) {
    switch (result.status.code()) {
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kInvalidArgument:
        return kAuditExitUsage;
      case absl::StatusCode::kInternal:
        return kAuditExitInternal;
      default:
        return kAuditExitIncompleteRun;
    }
  }
  if (result.summary.rows_rejected > 0) return kAuditExitRowsRejected;
  if (result.summary.prescriptions_incomplete > 0) {
    return kAuditExitUnrecognized;
  }
  return kAuditExitOk;
}

std::string AuditCountsLine(const AuditSummary& summary) {
  std::string line = absl::StrCat(
      "rows read ", summary.rows_read, " = assessed ", summary.rows_assessed,
      " + rejected ", summary.rows_rejected,
      summary.rows_read == summary.rows_assessed + summary.rows_rejected
          ? ""
          : " (DOES NOT RECONCILE: the run is incomplete)",
      "; prescriptions answered ", summary.prescriptions);
  if (summary.prescriptions_incomplete > 0) {
    absl::StrAppend(&line, "; prescriptions with an unrecognized name ",
                    summary.prescriptions_incomplete,
                    " (their levels are incomplete)");
  }
  return line;
}

}  // namespace dystonia::audit
