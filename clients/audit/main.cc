// dystonia-audit: audits a prescription file through a dystonia-risk server.
//   dystonia-audit --server HOST:PORT --out DIR [--quiet] [--window N]
//                  [--format csv|ndjson] [--no_results]
//                  [--view compact|full|basic]
//                  [--connect_timeout SECONDS] FILE
// Exit status: 0 every row assessed; 1 some rows rejected (see errors.csv);
// 2 usage or unreadable input; 3 the run is incomplete (server unreachable
// or lost); 4 an output could not be written.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "clients/audit/audit_runner.h"

namespace {

int Usage(const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "dystonia-audit: %s\n", problem);
  std::fprintf(
      stderr,
      "usage: dystonia-audit --server HOST:PORT --out DIR [--quiet] [--window "
      "N]\n"
      "                      [--format csv|ndjson] [--no_results]\n"
      "                      [--view compact|full|basic]\n"
      "                      [--connect_timeout SECONDS] FILE\n"
      "%s"
      "FILE: CSV (one row per medication, header row) or NDJSON (one "
      "CheckRequest\n"
      "per line); see README.md, \"Audits\". Outputs in DIR: findings.csv,\n"
      "results.ndjson, errors.csv, report.html.\n",
      dystonia::ClientSecurityUsage());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  dystonia::audit::AuditOptions options;
  options.progress = &std::cerr;
  std::string input;
  dystonia::audit::InputFormat format;
  dystonia::ClientSecurityOptions security;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)flag;
      return argv[++i];
    };
    if (arg == "--server") {
      const char* v = value("--server");
      if (v == nullptr) return Usage("--server needs HOST:PORT");
      options.server = v;
    } else if (arg == "--out") {
      const char* v = value("--out");
      if (v == nullptr) return Usage("--out needs a directory");
      options.out_dir = v;
    } else if (arg == "--window") {
      const char* v = value("--window");
      if (v == nullptr || !absl::SimpleAtoi(v, &options.window) ||
          options.window < 1 || options.window > 100000) {
        return Usage("--window needs a number from 1 to 100000");
      }
    } else if (arg == "--format") {
      const char* v = value("--format");
      if (v != nullptr && std::string(v) == "csv") {
        format = dystonia::audit::InputFormat::kCsv;
      } else if (v != nullptr && std::string(v) == "ndjson") {
        format = dystonia::audit::InputFormat::kNdjson;
      } else {
        return Usage("--format is csv or ndjson");
      }
      options.format = &format;
    } else if (arg == "--connect_timeout") {
      const char* v = value("--connect_timeout");
      if (v == nullptr ||
          !absl::SimpleAtod(v, &options.connect_timeout_seconds) ||
          !(options.connect_timeout_seconds > 0)) {
        return Usage("--connect_timeout needs a number of seconds above 0");
      }
    } else if (arg.rfind("--", 0) == 0 &&
               dystonia::IsClientSecurityFlag(arg.substr(2))) {
      const char* v = value(arg.c_str());
      if (v == nullptr) return Usage((arg + " needs a value").c_str());
      dystonia::ConsumeClientSecurityFlag(arg.substr(2), v, &security);
    } else if (arg == "--quiet") {
      options.progress = nullptr;
    } else if (arg == "--no_results") {
      options.write_results = false;
    } else if (arg == "--view") {
      const char* v = value("--view");
      if (v != nullptr && std::string(v) == "full") {
        options.view = dystonia::v1::CHECK_VIEW_FULL;
      } else if (v != nullptr && std::string(v) == "compact") {
        options.view = dystonia::v1::CHECK_VIEW_COMPACT;
      } else if (v != nullptr && std::string(v) == "basic") {
        options.view = dystonia::v1::CHECK_VIEW_BASIC;
      } else {
        return Usage("--view is compact, full or basic");
      }
    } else if (arg == "--help" || arg == "-h") {
      Usage(nullptr);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage(("unknown flag " + arg).c_str());
    } else if (input.empty()) {
      input = arg;
    } else {
      return Usage("one input file only");
    }
  }
  if (input.empty()) return Usage("no input file");
  if (options.out_dir.empty()) return Usage("--out DIR is required");
  auto connection = dystonia::ClientConnection::Open(
      options.server, security, std::getenv("DYSTONIA_TOKEN"));
  if (!connection.ok()) {
    return Usage(std::string(connection.status().message()).c_str());
  }
  options.connection = *std::move(connection);

  const dystonia::audit::AuditResult result =
      dystonia::audit::RunAudit(input, options);
  const auto& summary = result.summary;
  std::fprintf(
      stderr,
      "rows read %lld = assessed %lld + rejected %lld%s; prescriptions "
      "answered %lld\n",
      static_cast<long long>(summary.rows_read),
      static_cast<long long>(summary.rows_assessed),
      static_cast<long long>(summary.rows_rejected),
      summary.rows_read == summary.rows_assessed + summary.rows_rejected
          ? ""
          : " (DOES NOT RECONCILE: the run is incomplete)",
      static_cast<long long>(summary.prescriptions));
  if (!result.status.ok()) {
    std::fprintf(stderr, "dystonia-audit: %s\n",
                 std::string(result.status.message()).c_str());
    switch (result.status.code()) {
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kInvalidArgument:
        return 2;
      case absl::StatusCode::kInternal:
        return 4;
      default:
        return 3;
    }
  }
  std::fprintf(
      stderr, "outputs in %s: findings.csv, %serrors.csv, report.html\n",
      options.out_dir.c_str(), options.write_results ? "results.ndjson, " : "");
  return summary.rows_rejected > 0 ? 1 : 0;
}
