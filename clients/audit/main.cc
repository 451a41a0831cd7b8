// dystonia-audit: audits a prescription file through a dystonia-risk server.
//   dystonia-audit --server HOST:PORT --out DIR [--quiet] [--window N]
//                  [--format csv|ndjson] [--no_results]
//                  [--view compact|full|basic]
//                  [--connect_timeout SECONDS] FILE
// Exit status (audit_runner.h): 0 every row assessed and every name
// recognized; 1 some rows rejected (see errors.csv); 2 usage or unreadable
// input; 3 the run is incomplete (server unreachable or lost); 4 an output
// could not be written; 5 some prescriptions name a medication the server
// did not recognize (their levels are incomplete). 2-4 outrank 1, and 1
// outranks 5.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "clients/audit/audit_runner.h"
#include "clients/common/flag_arguments.h"
#include "proto/vocabulary/enum_words.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051",
          "the dystonia-risk server, HOST:PORT");
ABSL_FLAG(std::string, out, "",
          "directory for findings.csv, results.ndjson, errors.csv and "
          "report.html; required");
ABSL_FLAG(bool, quiet, false, "no progress line on stderr");
ABSL_FLAG(int, window, 256,
          "requests sent and not yet answered, at most (1 to 100000)");
ABSL_FLAG(std::string, format, "",
          "csv or ndjson; none: from the file's extension");
ABSL_FLAG(bool, no_results, false,
          "do not write results.ndjson (a full response per prescription)");
ABSL_FLAG(std::string, view, "",
          "compact, full or basic; none: full with results.ndjson, compact "
          "with --no_results");
ABSL_FLAG(double, connect_timeout, 10,
          "seconds to wait for the server before the run starts");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA bundle of the server's certificate: TLS");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate chain, for mutual TLS (needs --tls_ca)");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert");
ABSL_FLAG(std::string, token_file, "",
          "file holding the bearer token; none: $DYSTONIA_TOKEN");

namespace {

constexpr char kUsage[] =
    "usage: dystonia-audit --server HOST:PORT --out DIR [flags] FILE\n"
    "FILE: CSV (one row per medication, header row) or NDJSON (one "
    "CheckRequest\nper line); see README.md, \"Audits\". Outputs in DIR: "
    "findings.csv,\nresults.ndjson, errors.csv, report.html.\n"
    "Exit status: 0 every row assessed and every name recognized; 1 rows "
    "rejected\n(errors.csv); 2 usage or unreadable input; 3 the run is "
    "incomplete (server\nunreachable or lost); 4 an output could not be "
    "written; 5 a prescription names\na medication the server did not "
    "recognize (its levels are incomplete).\n2, 3 and 4 outrank 1; 1 outranks "
    "5.\n";

int Usage(const std::string& problem) {
  if (!problem.empty()) {
    std::fprintf(stderr, "dystonia-audit: %s\n", problem.c_str());
  }
  std::fprintf(stderr, "%s", kUsage);
  return dystonia::audit::kAuditExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  if (dystonia::WantsHelp(argc, argv)) {
    std::printf("%sFlags:\n%s", kUsage,
                dystonia::FlagsHelp("clients/audit/main.cc").c_str());
    return 0;
  }
  // Abseil exits 1 (our "rows rejected") on a bad flag: check first, so
  // ParseCommandLine cannot fail and usage stays 2.
  if (absl::Status flags = dystonia::CheckFlagArguments(argc, argv);
      !flags.ok()) {
    return Usage(std::string(flags.message()));
  }
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);

  dystonia::audit::AuditOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  options.out_dir = absl::GetFlag(FLAGS_out);
  options.progress = absl::GetFlag(FLAGS_quiet) ? nullptr : &std::cerr;
  options.write_results = !absl::GetFlag(FLAGS_no_results);
  options.window = absl::GetFlag(FLAGS_window);
  if (options.window < 1 || options.window > 100000) {
    return Usage("--window needs a number from 1 to 100000");
  }
  options.connect_timeout_seconds = absl::GetFlag(FLAGS_connect_timeout);
  if (!(options.connect_timeout_seconds > 0)) {
    return Usage("--connect_timeout needs a number of seconds above 0");
  }
  dystonia::audit::InputFormat format;
  const std::string format_word = absl::GetFlag(FLAGS_format);
  if (format_word == "csv") {
    format = dystonia::audit::InputFormat::kCsv;
    options.format = &format;
  } else if (format_word == "ndjson") {
    format = dystonia::audit::InputFormat::kNdjson;
    options.format = &format;
  } else if (!format_word.empty()) {
    return Usage("--format is csv or ndjson");
  }
  if (const std::string view = absl::GetFlag(FLAGS_view); !view.empty()) {
    std::optional<dystonia::v1::CheckView> parsed =
        dystonia::EnumOfWord<dystonia::v1::CheckView>(view);
    if (!parsed.has_value()) return Usage("--view is compact, full or basic");
    options.view = *parsed;
  }
  dystonia::ClientSecurityOptions security;
  security.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  security.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  security.tls_key = absl::GetFlag(FLAGS_tls_key);
  security.token_file = absl::GetFlag(FLAGS_token_file);

  if (positional.size() < 2) return Usage("no input file");
  if (positional.size() > 2) return Usage("one input file only");
  const std::string input = positional[1];
  if (options.out_dir.empty()) return Usage("--out DIR is required");
  auto connection = dystonia::ClientConnection::Open(
      options.server, security, std::getenv("DYSTONIA_TOKEN"));
  if (!connection.ok()) {
    return Usage(std::string(connection.status().message()));
  }
  options.connection = *std::move(connection);

  const dystonia::audit::AuditResult result =
      dystonia::audit::RunAudit(input, options);
  std::fprintf(stderr, "%s\n",
               dystonia::audit::AuditCountsLine(result.summary).c_str());
  if (!result.status.ok()) {
    std::fprintf(stderr, "dystonia-audit: %s\n",
                 std::string(result.status.message()).c_str());
  } else {
    std::fprintf(stderr,
                 "outputs in %s: findings.csv, %serrors.csv, "
                 "report.html\n",
                 options.out_dir.c_str(),
                 options.write_results ? "results.ndjson, " : "");
  }
  return dystonia::audit::AuditExitStatus(result);
}
