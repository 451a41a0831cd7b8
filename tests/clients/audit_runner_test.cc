// dystonia-audit end to end against a real server on 127.0.0.1: both input
// formats, malformed rows, reconciliation, the outputs, an unreachable
// server and a server lost mid-run, and the binary's exit statuses.
#include "clients/audit/audit_runner.h"

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::audit {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

std::string Example(const std::string& name) {
  return std::string(DYSTONIA_SOURCE_DIR) + "/clients/examples/" + name;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& path) {
  return absl::StrSplit(ReadText(path), '\n', absl::SkipEmpty());
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::NewTempDir("audit-input") + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class AuditRunnerTest : public testing::ServerTest {
 protected:
  AuditOptions Options() {
    AuditOptions options;
    options.server = Address();
    options.out_dir = testing::NewTempDir("audit-out");
    options.window = 8;
    return options;
  }
};

TEST_F(AuditRunnerTest, AuditsTheCsvExampleAndReconciles) {
  AuditOptions options = Options();

  AuditResult result = RunAudit(Example("prescriptions.csv"), options);

  ASSERT_THAT(result.status, IsOk());
  const AuditSummary& summary = result.summary;
  EXPECT_TRUE(summary.run.complete);
  EXPECT_EQ(summary.rows_read, 15);
  EXPECT_EQ(summary.rows_assessed, 15);
  EXPECT_EQ(summary.rows_rejected, 0);
  EXPECT_EQ(summary.prescriptions, 10);
  EXPECT_EQ(summary.run.input_sha256.size(), 64u);
  EXPECT_FALSE(summary.knowledge_base_version.empty());
  // The misspelt name comes back unrecognized and is ranked for curators.
  ASSERT_FALSE(summary.unrecognized_names.empty());
  EXPECT_EQ(summary.unrecognized_names[0].first, "haloperidal 5 mg");
  // Its prescription's levels judge only the other medication: counted
  // apart, with the server's suggestion for the report.
  EXPECT_EQ(summary.prescriptions_incomplete, 1);
  EXPECT_THAT(summary.unrecognized_suggestions.at("haloperidal 5 mg"),
              ::testing::Contains("haloperidol"));
  // One results line per prescription; a findings row per finding.
  EXPECT_EQ(Lines(options.out_dir + "/results.ndjson").size(), 10u);
  const std::vector<std::string> findings =
      Lines(options.out_dir + "/findings.csv");
  ASSERT_GT(findings.size(), 10u);
  EXPECT_EQ(findings[0],
            "prescription_id,kind,level,medications,summary,factors,citations,"
            "contraindicated,levels_complete");
  EXPECT_THAT(ReadText(options.out_dir + "/findings.csv"),
              HasSubstr("RX-1001,ACUTE_DYSTONIA,"));
  EXPECT_EQ(Lines(options.out_dir + "/errors.csv").size(),
            1u);  // the header only
  EXPECT_THAT(ReadText(options.out_dir + "/report.html"),
              HasSubstr(summary.run.input_sha256));
}

// A screening run (BASIC view) reaches the same levels as a full one, with
// no factors or citations in findings.csv.
// Without results.ndjson the run asks for COMPACT (each source once per
// answer); findings.csv and the report resolve the sources, so they read
// the same as with FULL.
TEST_F(AuditRunnerTest, WithoutResultsTheCompactViewGivesTheSameFindings) {
  AuditOptions full = Options();
  full.view = v1::CHECK_VIEW_FULL;
  AuditOptions compact = Options();
  compact.write_results = false;

  AuditResult full_result = RunAudit(Example("prescriptions.csv"), full);
  AuditResult compact_result = RunAudit(Example("prescriptions.csv"), compact);

  ASSERT_THAT(full_result.status, IsOk());
  ASSERT_THAT(compact_result.status, IsOk());
  EXPECT_EQ(Lines(compact.out_dir + "/findings.csv"),
            Lines(full.out_dir + "/findings.csv"));
  std::ifstream report(compact.out_dir + "/report.html");
  const std::string html((std::istreambuf_iterator<char>(report)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("class=\"sources\""), std::string::npos);
}

TEST_F(AuditRunnerTest, BasicViewScreensWithTheSameLevels) {
  AuditOptions full = Options();
  AuditOptions basic = Options();
  basic.view = v1::CHECK_VIEW_BASIC;

  AuditResult full_result = RunAudit(Example("prescriptions.csv"), full);
  AuditResult basic_result = RunAudit(Example("prescriptions.csv"), basic);

  ASSERT_THAT(full_result.status, IsOk());
  ASSERT_THAT(basic_result.status, IsOk());
  EXPECT_EQ(basic_result.summary.by_acute_level,
            full_result.summary.by_acute_level);
  EXPECT_EQ(basic_result.summary.by_tardive_level,
            full_result.summary.by_tardive_level);
  EXPECT_EQ(basic_result.summary.flagged_drugs,
            full_result.summary.flagged_drugs);
  const std::vector<std::string> rows = Lines(basic.out_dir + "/findings.csv");
  EXPECT_EQ(rows.size(), Lines(full.out_dir + "/findings.csv").size());
  for (size_t i = 1; i < rows.size(); ++i) {
    // No factors, no citations; the contraindication flag stays (the
    // last column says whether the levels are complete).
    const std::string row = rows[i].substr(0, rows[i].rfind(','));
    EXPECT_TRUE(absl::EndsWith(row, ",,,no") || absl::EndsWith(row, ",,,yes"))
        << rows[i];
  }
}

TEST_F(AuditRunnerTest, AuditsTheNdjsonExample) {
  AuditOptions options = Options();

  AuditResult result = RunAudit(Example("prescriptions.ndjson"), options);

  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.summary.rows_read, 5);
  EXPECT_EQ(result.summary.prescriptions, 5);
  EXPECT_EQ(result.summary.rows_rejected, 0);
  EXPECT_THAT(ReadText(options.out_dir + "/findings.csv"),
              HasSubstr("RX-2002,TARDIVE_DYSKINESIA,HIGH"));
}

TEST_F(AuditRunnerTest, MalformedRowsGoToErrorsCsvAndTheCountsReconcile) {
  AuditOptions options = Options();
  const std::string input = WriteFile(
      "bad.csv",
      "prescription_id,age_years,sex,medication\n"
      "RX1,30,male,haloperidol\n"      // line 2: fine
      "RX2,thirty,male,haloperidol\n"  // line 3: age not a number (reader)
      "RX3,200,female,risperidone\n"   // line 4: age out of range (server)
      "RX3,200,female,benztropine\n"   // line 5: same prescription
      "RX4,40,female,\"quetiapine\n"   // line 6: broken quoting
      "RX5,40,female,olanzapine\n");   // line 7: fine

  AuditResult result = RunAudit(input, options);

  ASSERT_THAT(result.status, IsOk());
  const AuditSummary& summary = result.summary;
  EXPECT_EQ(summary.rows_read, 6);
  EXPECT_EQ(summary.rows_assessed, 2);
  EXPECT_EQ(summary.rows_rejected, 4);
  EXPECT_EQ(summary.rows_read, summary.rows_assessed + summary.rows_rejected);
  const std::string errors = ReadText(options.out_dir + "/errors.csv");
  EXPECT_THAT(errors, HasSubstr("3,RX2,age_years: 'thirty' is not a number"));
  EXPECT_THAT(errors,
              HasSubstr("4,RX3,rejected by the server: patient.age_years"));
  EXPECT_THAT(errors, HasSubstr("5,RX3,rejected by the server"));
  EXPECT_THAT(errors, HasSubstr("6,,broken quoting"));
}

TEST_F(AuditRunnerTest,
       UnreachableServerIsUnavailableAndTheReportSaysIncomplete) {
  AuditOptions options = Options();
  options.server = "127.0.0.1:1";  // nothing listens there
  options.connect_timeout_seconds = 0.5;

  AuditResult result = RunAudit(Example("prescriptions.csv"), options);

  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(result.summary.run.complete);
  EXPECT_EQ(result.summary.prescriptions, 0);
  EXPECT_THAT(ReadText(options.out_dir + "/report.html"),
              HasSubstr("INCOMPLETE"));
}

// A server that goes away mid-run: a clear error, never a report that looks
// complete, and the counts do not pretend to reconcile.
TEST(AuditRunnerLostServerTest, ServerLostMidRunGivesAnIncompleteRun) {
  ServerOptions server_options =
      testing::LoopbackServerOptions("lost-server-db");
  auto server = DystoniaServer::Start(server_options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::string csv = "prescription_id,age_years,sex,medication\n";
  for (int i = 0; i < 200000; ++i) {
    absl::StrAppend(&csv, "RX", i, ",", 20 + i % 60, ",",
                    i % 2 ? "male" : "female", ",haloperidol\n");
  }
  const std::string input = WriteFile("big.csv", csv);
  AuditOptions options;
  options.server = absl::StrCat("127.0.0.1:", (*server)->port());
  options.out_dir = testing::NewTempDir("lost-out");
  options.window = 16;
  options.write_results = false;
  std::atomic<bool> started{false};
  AuditResult result;
  std::thread audit([&] {
    started = true;
    result = RunAudit(input, options);
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  (*server)->Shutdown(absl::ZeroDuration());
  audit.join();

  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(result.status.message()), HasSubstr("went away"));
  EXPECT_FALSE(result.summary.run.complete);
  EXPECT_LT(result.summary.rows_assessed + result.summary.rows_rejected,
            200000);
  EXPECT_THAT(ReadText(options.out_dir + "/report.html"),
              HasSubstr("INCOMPLETE"));
}

// The binary: exit 0 when every row is assessed, 1 when rows were rejected,
// 2 for usage errors, 3 when the server cannot be reached.
class AuditBinaryTest : public testing::ServerTest {
 protected:
  static int Run(const std::string& arguments, std::string* output) {
    const std::string command =
        absl::StrCat(DYSTONIA_BINARY_DIR, "/clients/audit/dystonia-audit ",
                     arguments, " 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    size_t read;
    while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
      output->append(buffer, read);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(AuditBinaryTest, ExitStatusSaysWhetherRowsWereRejected) {
  std::string output;
  const std::string out = testing::NewTempDir("bin-out");
  const std::string clean =
      WriteFile("clean.csv",
                "prescription_id,age_years,sex,medication\n"
                "RX1,30,male,haloperidol\n"
                "RX2,40,female,metformin\n");
  EXPECT_EQ(Run(absl::StrCat("--quiet --server ", Address(), " --out ", out,
                             " ", clean),
                &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("rows read 2 = assessed 2 + rejected 0; "
                                "prescriptions answered 2\n"));

  output.clear();
  const std::string bad = WriteFile("bad.csv",
                                    "prescription_id,age_years,sex,medication\n"
                                    "RX1,old,male,haloperidol\n"
                                    "RX2,30,male,haloperidol\n");
  EXPECT_EQ(Run(absl::StrCat("--quiet --server ", Address(), " --out ", out,
                             " ", bad),
                &output),
            1)
      << output;
  EXPECT_THAT(output, HasSubstr("rows read 2 = assessed 1 + rejected 1"));
}

// Issue 21: a misspelt drug must not pass for a safe one. The example file
// names "haloperidal 5 mg": every row is assessed, but the run says which
// prescriptions' levels are incomplete and exits 5.
TEST_F(AuditBinaryTest, UnrecognizedNamesExitFiveAndAreCountedApart) {
  std::string output;
  const std::string out = testing::NewTempDir("bin-unrecognized");

  EXPECT_EQ(Run(absl::StrCat("--quiet --server ", Address(), " --out ", out,
                             " ", Example("prescriptions.csv")),
                &output),
            kAuditExitUnrecognized)
      << output;

  EXPECT_THAT(output, HasSubstr("rows read 15 = assessed 15 + rejected 0; "
                                "prescriptions answered 10; prescriptions "
                                "with an unrecognized name 1 (their levels "
                                "are incomplete)"));
  EXPECT_THAT(ReadText(out + "/report.html"),
              HasSubstr("<td class=\"unrecognized-name\">haloperidal 5 mg"
                        "</td><td class=\"suggestions\">haloperidol"));
}

// Rows rejected (not judged at all) outrank unrecognized names (judged over
// an incomplete list): 1, not 5.
TEST_F(AuditBinaryTest, RejectedRowsOutrankUnrecognizedNames) {
  std::string output;
  const std::string both =
      WriteFile("both.csv",
                "prescription_id,age_years,sex,medication\n"
                "RX1,old,male,haloperidol\n"
                "RX2,30,male,haloperidal\n");

  EXPECT_EQ(Run(absl::StrCat("--quiet --server ", Address(), " --out ",
                             testing::NewTempDir("bin-both"), " ", both),
                &output),
            kAuditExitRowsRejected)
      << output;
  EXPECT_THAT(output, HasSubstr("prescriptions with an unrecognized name 1"));
}

TEST(AuditExitStatusTest, FailuresOutrankRejectedRowsWhichOutrankUnknownNames) {
  AuditResult result;
  EXPECT_EQ(AuditExitStatus(result), kAuditExitOk);
  result.summary.prescriptions_incomplete = 2;
  EXPECT_EQ(AuditExitStatus(result), kAuditExitUnrecognized);
  result.summary.rows_rejected = 1;
  EXPECT_EQ(AuditExitStatus(result), kAuditExitRowsRejected);
  result.status = absl::UnavailableError("server went away");
  EXPECT_EQ(AuditExitStatus(result), kAuditExitIncompleteRun);
  result.status = absl::InternalError("disk full");
  EXPECT_EQ(AuditExitStatus(result), kAuditExitInternal);
  result.status = absl::NotFoundError("no such file");
  EXPECT_EQ(AuditExitStatus(result), kAuditExitUsage);
}

// The flags are Abseil flags (issue 20), but a bad one is still a usage
// error (2), never Abseil's exit 1, which would read as "rows rejected".
TEST_F(AuditBinaryTest, AbseilFlagsKeepUsageErrorsAtTwoAndListThemInHelp) {
  const std::string file = Example("prescriptions.csv");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--bogus 1 " + file, "unknown flag --bogus"},
      {"--window=many --out x " + file, "--window"},
      {"--window 0 --out x " + file, "--window needs a number from 1"},
      {"--quiet=maybe --out x " + file, "--quiet"},
      {"--out", "--out needs a value"},
      {"--flagfile=/dev/null " + file, "--flagfile is not supported"},
      {"--view wide --out x " + file, "--view is compact, full or basic"},
      {"--out x " + file + " " + file, "one input file only"},
  };
  for (const auto& [arguments, message] : bad) {
    std::string output;
    EXPECT_EQ(Run(arguments, &output), kAuditExitUsage) << arguments;
    EXPECT_THAT(output, HasSubstr(message)) << arguments;
  }

  std::string help;
  EXPECT_EQ(Run("--help", &help), 0);
  for (const char* flag :
       {"--server", "--out", "--quiet", "--window", "--format", "--no_results",
        "--view", "--connect_timeout", "--tls_ca", "--tls_cert", "--tls_key",
        "--token_file"}) {
    EXPECT_THAT(help, HasSubstr(flag)) << help;
  }
  EXPECT_THAT(help, HasSubstr("5 a prescription names"));

  // "--flag value", "--flag=value" and a single dash all still work.
  std::string output;
  EXPECT_EQ(Run(absl::StrCat("-quiet --server=", Address(), " --window 4 ",
                             "--no_results --view basic --out ",
                             testing::NewTempDir("bin-flags"), " ", file),
                &output),
            kAuditExitUnrecognized)
      << output;
}

TEST_F(AuditBinaryTest, UsageAndUnreachableServer) {
  std::string output;
  EXPECT_EQ(Run("--server 127.0.0.1:1", &output), 2);
  EXPECT_THAT(output, HasSubstr("usage"));
  output.clear();
  EXPECT_EQ(Run(absl::StrCat("--quiet --server 127.0.0.1:1 "
                             "--connect_timeout 0.5 --out ",
                             testing::NewTempDir("x"), " ",
                             Example("prescriptions.csv")),
                &output),
            3)
      << output;
  EXPECT_THAT(output, HasSubstr("could not be reached"));
}

}  // namespace
}  // namespace dystonia::audit
