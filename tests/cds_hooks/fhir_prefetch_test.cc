// Prefetch the EHR did not send, read from its FHIR server (CDS Hooks 2.0):
// a real dystonia-server on 127.0.0.1 reads a real FHIR R4 REST server on
// 127.0.0.1 (tests/cds_hooks/fhir_server, built on node-fhir-server-core),
// with the bearer token of fhirAuthorization; when it cannot, 412.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/cds_hooks/discovery.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/test_pki.h"

namespace dystonia::cds_hooks {
namespace {

using google::protobuf::Value;
using ::testing::HasSubstr;

constexpr char kToken[] = "fhir-test-token";

// The test FHIR server as a child process: started with `args`, its base URL
// read from the one line it prints, stopped with SIGTERM.
class FhirServerProcess {
 public:
  static std::unique_ptr<FhirServerProcess> Start(
      const std::vector<std::string>& args) {
    int out[2];
    if (pipe(out) != 0) return nullptr;
    std::vector<std::string> argv_text = {
        DYSTONIA_NODE, std::string(DYSTONIA_FHIR_SERVER_DIR) + "/server.js",
        "--data", std::string(DYSTONIA_FHIR_SERVER_DIR) + "/patients.json",
        "--token", kToken};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (std::string& arg : argv_text) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    auto process = std::unique_ptr<FhirServerProcess>(new FhirServerProcess());
    process->pid_ = pid;
    // Loading the framework takes a second or two; allow far more.
    std::string line;
    pollfd ready = {out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&ready, 1, 60000) > 0) {
      char buffer[256];
      const ssize_t got = read(out[0], buffer, sizeof buffer);
      if (got <= 0) break;
      line.append(buffer, got);
    }
    close(out[0]);
    constexpr absl::string_view kPrefix = "FHIR_BASE=";
    if (!absl::StartsWith(line, kPrefix)) return nullptr;
    process->base_ = line.substr(kPrefix.size(), line.find('\n') - kPrefix.size());
    return process;
  }

  ~FhirServerProcess() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  const std::string& base() const { return base_; }

 private:
  FhirServerProcess() = default;
  pid_t pid_ = -1;
  std::string base_;
};

// A dystonia-server with an HTTP port that may read `fhir_servers`.
std::unique_ptr<DystoniaServer> StartService(
    const std::string& name, std::vector<std::string> fhir_servers,
    const std::string& ca_file = "", int64_t max_bytes = 4 << 20,
    absl::Duration timeout = absl::Seconds(3)) {
  ServerOptions options = testing::LoopbackServerOptions(name);
  options.http_listen = "127.0.0.1:0";
  options.cds_fhir_servers = std::move(fhir_servers);
  options.cds_fhir_ca_file = ca_file;
  options.cds_fhir_max_bytes = max_bytes;
  options.cds_fhir_timeout = timeout;
  auto server = DystoniaServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// An order-sign request for the drug of RxNorm code `rxcui`, naming
// `fhir_server` and, unless `token` is empty, a fhirAuthorization; `prefetch`
// is the prefetch object's JSON ("" for none).
std::string OrderSign(const std::string& rxcui, const std::string& patient_id,
                      const std::string& fhir_server, const std::string& token,
                      const std::string& prefetch = "") {
  std::string request = absl::StrCat(
      R"({"hook":"order-sign","hookInstance":"6b0f8f5a-2d6c-4a39-9c61-0f9a7c1e2b11",)",
      R"("fhirServer":")", fhir_server, R"(",)");
  if (!token.empty()) {
    absl::StrAppend(
        &request, R"("fhirAuthorization":{"access_token":")", token,
        R"(","token_type":"Bearer","expires_in":300,)",
        R"("scope":"patient/Patient.read patient/MedicationRequest.read patient/Condition.read patient/Observation.read",)",
        R"("subject":"cds-service"},)");
  }
  absl::StrAppend(
      &request, R"("context":{"userId":"Practitioner/1","patientId":")",
      patient_id,
      R"(","draftOrders":{"resourceType":"Bundle","entry":[{"resource":)",
      R"({"resourceType":"MedicationRequest","id":"draft-order",)",
      R"("status":"draft","intent":"order","subject":{"reference":"Patient/)",
      patient_id, R"("},"medicationCodeableConcept":{"coding":[{"system":)",
      R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":")", rxcui,
      R"("}]}}}]}})");
  if (!prefetch.empty()) absl::StrAppend(&request, R"(,"prefetch":)", prefetch);
  absl::StrAppend(&request, "}");
  return request;
}

// The same for a haloperidol 5 mg tablet (RxNorm SCD 310672).
std::string HaloperidolOrderSign(const std::string& patient_id,
                                 const std::string& fhir_server,
                                 const std::string& token,
                                 const std::string& prefetch = "") {
  return OrderSign("310672", patient_id, fhir_server, token, prefetch);
}

struct Answer {
  int status = 0;
  Value json;
};

Answer PostOrderSign(const DystoniaServer& server, const std::string& body) {
  httplib::Client client("127.0.0.1", server.http_port());
  client.set_read_timeout(30, 0);
  auto result = client.Post(
      absl::StrCat("/cds-services/", kOrderSignService).c_str(), body,
      "application/json");
  Answer answer;
  if (!result) {
    ADD_FAILURE() << "no answer: " << httplib::to_string(result.error());
    return answer;
  }
  answer.status = result->status;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(result->body, &answer.json).ok())
      << result->body;
  return answer;
}

std::string ErrorOf(const Answer& answer) {
  auto it = answer.json.struct_value().fields().find("error");
  return it == answer.json.struct_value().fields().end()
             ? ""
             : it->second.string_value();
}

// "indicator: summary" of each card.
std::vector<std::string> CardLines(const Answer& answer) {
  std::vector<std::string> lines;
  auto it = answer.json.struct_value().fields().find("cards");
  if (it == answer.json.struct_value().fields().end()) return lines;
  for (const Value& card : it->second.list_value().values()) {
    const auto& fields = card.struct_value().fields();
    lines.push_back(absl::StrCat(fields.at("indicator").string_value(), ": ",
                                 fields.at("summary").string_value()));
  }
  return lines;
}

// Every card's detail, joined.
std::string AllDetails(const Answer& answer) {
  std::string text;
  auto it = answer.json.struct_value().fields().find("cards");
  if (it == answer.json.struct_value().fields().end()) return text;
  for (const Value& card : it->second.list_value().values())
    absl::StrAppend(&text, card.struct_value().fields().at("detail").string_value(), "\n");
  return text;
}

class FhirPrefetchTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    fhir_ = FhirServerProcess::Start({}).release();
    ASSERT_NE(fhir_, nullptr) << "the test FHIR server did not start";
    service_ = StartService("fhir-prefetch-db", {fhir_->base()}).release();
    ASSERT_NE(service_, nullptr);
  }
  static void TearDownTestSuite() {
    delete service_;
    delete fhir_;
  }

 protected:
  static inline FhirServerProcess* fhir_ = nullptr;
  static inline DystoniaServer* service_ = nullptr;
};

// An older woman on metoclopramide since March with Parkinson's disease, on
// the FHIR server only: a haloperidol order sent without prefetch gets the
// cards her record calls for — the labelled contraindication first, and the
// metoclopramide she already takes counted.
TEST_F(FhirPrefetchTest, MissingPrefetchIsReadFromTheFhirServer) {
  Answer answer = PostOrderSign(
      *service_, HaloperidolOrderSign("older-woman", fhir_->base(), kToken));

  ASSERT_EQ(answer.status, 200) << ErrorOf(answer);
  const std::vector<std::string> cards = CardLines(answer);
  ASSERT_FALSE(cards.empty());
  EXPECT_TRUE(absl::StartsWith(cards[0], "critical: ")) << cards[0];
  EXPECT_THAT(absl::StrJoin(cards, "\n"), HasSubstr("Parkinson"));
  EXPECT_THAT(absl::StrJoin(cards, "\n") + AllDetails(answer),
              HasSubstr("metoclopramide"));
  // Her age and sex were read: no card says they were missing.
  EXPECT_THAT(AllDetails(answer), ::testing::Not(HasSubstr("not available")));
  // The metoclopramide she already takes counts with the new order (two
  // dopamine blockers), but its own standing tardive risk is no card on a
  // haloperidol order: the order does not change it (issue 22).
  EXPECT_THAT(absl::StrJoin(cards, "\n"),
              HasSubstr("2 dopamine blockers together: haloperidol + "
                        "metoclopramide"));
  EXPECT_THAT(absl::StrJoin(cards, "\n"),
              ::testing::Not(HasSubstr("Tardive dyskinesia risk HIGH: "
                                       "metoclopramide")));
}

// Only what is missing is read: the prefetch the EHR sent stands (here a
// patient with no conditions sent as an empty Bundle), the rest comes from
// the server.
TEST_F(FhirPrefetchTest, OnlyTheMissingKeysAreRead) {
  const std::string prefetch =
      R"({"patient":{"resourceType":"Patient","id":"older-woman","gender":"female","birthDate":"1948-03-02"},)"
      R"("conditions":{"resourceType":"Bundle","type":"searchset","entry":[]}})";
  Answer answer = PostOrderSign(
      *service_,
      HaloperidolOrderSign("older-woman", fhir_->base(), kToken, prefetch));

  ASSERT_EQ(answer.status, 200) << ErrorOf(answer);
  const std::string everything =
      absl::StrJoin(CardLines(answer), "\n") + AllDetails(answer);
  EXPECT_THAT(everything, ::testing::Not(HasSubstr("Parkinson")));
  EXPECT_THAT(everything, HasSubstr("metoclopramide"));
}

// A patient whose record holds a CYP2D6 poor-metabolizer result (a Genomics
// Reporting IG therapeutic implication derived from her genotype) and an
// aripiprazole order sent without prefetch: the genomics are read from the
// FHIR server with the rest, and the label's poor-metabolizer statement is a
// card.
TEST_F(FhirPrefetchTest, PharmacogenomicResultsAreReadFromTheFhirServer) {
  Answer answer = PostOrderSign(
      *service_, OrderSign("89013", "poor-metabolizer", fhir_->base(), kToken));

  ASSERT_EQ(answer.status, 200) << ErrorOf(answer);
  const std::string cards = absl::StrJoin(CardLines(answer), "\n");
  EXPECT_THAT(cards, HasSubstr("aripiprazole in a CYP2D6 poor metabolizer"));
  EXPECT_THAT(AllDetails(answer),
              ::testing::Not(HasSubstr("could not be read")));
}

// The same order for a patient without results: no phenotype card, and no
// note either (most patients have no pharmacogenomic results).
TEST_F(FhirPrefetchTest, NoPharmacogenomicResultsIsNoCardAndNoNote) {
  Answer answer = PostOrderSign(
      *service_, OrderSign("89013", "young-man", fhir_->base(), kToken));

  ASSERT_EQ(answer.status, 200) << ErrorOf(answer);
  const std::string everything =
      absl::StrJoin(CardLines(answer), "\n") + AllDetails(answer);
  EXPECT_THAT(everything, ::testing::Not(HasSubstr("metabolizer")));
  EXPECT_THAT(everything, ::testing::Not(HasSubstr("pharmacogenomic")));
}

// A prefetch key sent as null means the EHR found nothing: the server is not
// asked (a wrong token would otherwise fail the call).
TEST_F(FhirPrefetchTest, NullPrefetchIsAnAnswerNotAGap) {
  const std::string prefetch =
      R"({"patient":{"resourceType":"Patient","id":"young-man","gender":"male","birthDate":"2004-05-01"},)"
      R"("medications":null,"conditions":null})";
  Answer answer = PostOrderSign(
      *service_, HaloperidolOrderSign("young-man", fhir_->base(),
                                      "not-the-token", prefetch));

  EXPECT_EQ(answer.status, 200) << ErrorOf(answer);
}

TEST_F(FhirPrefetchTest, ARefusedTokenIs412) {
  Answer answer = PostOrderSign(
      *service_,
      HaloperidolOrderSign("older-woman", fhir_->base(), "not-the-token"));

  EXPECT_EQ(answer.status, 412);
  EXPECT_THAT(ErrorOf(answer), HasSubstr("prefetch patient"));
  EXPECT_THAT(ErrorOf(answer), HasSubstr("401"));
}

TEST_F(FhirPrefetchTest, AnUnknownPatientIs412) {
  Answer answer = PostOrderSign(
      *service_, HaloperidolOrderSign("nobody", fhir_->base(), kToken));

  EXPECT_EQ(answer.status, 412);
  EXPECT_THAT(ErrorOf(answer), HasSubstr("404"));
}

// The service reads only the FHIR servers it is configured for: a request
// cannot make it fetch an address of the caller's choosing.
TEST_F(FhirPrefetchTest, AServerNotConfiguredIsNotRead) {
  for (const std::string& elsewhere :
       {std::string("http://127.0.0.1:9/fhir"),
        fhir_->base() + ".evil.example",
        absl::StrCat(fhir_->base().substr(0, fhir_->base().rfind('/')),
                     "/3_0_1")}) {
    Answer answer = PostOrderSign(
        *service_, HaloperidolOrderSign("older-woman", elsewhere, kToken));

    EXPECT_EQ(answer.status, 412) << elsewhere;
    EXPECT_THAT(ErrorOf(answer), HasSubstr("--cds_fhir_servers")) << elsewhere;
  }
}

// A patient id goes into the FHIR URL only when it is a FHIR id.
TEST_F(FhirPrefetchTest, APatientIdThatIsNotAFhirIdIs400) {
  Answer answer = PostOrderSign(
      *service_, HaloperidolOrderSign("../metadata?x=", fhir_->base(), kToken));

  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(ErrorOf(answer), HasSubstr("context.patientId"));
}

// Without a fhirServer the orders are judged on what was sent, and the cards
// say what was not available.
TEST_F(FhirPrefetchTest, WithoutAFhirServerTheCardsSayWhatWasMissing) {
  std::string request = HaloperidolOrderSign("older-woman", "", "");
  request.replace(request.find(R"("fhirServer":"",)"),
                  std::string(R"("fhirServer":"",)").size(), "");
  Answer answer = PostOrderSign(*service_, request);

  ASSERT_EQ(answer.status, 200) << ErrorOf(answer);
  const std::string details = AllDetails(answer);
  EXPECT_THAT(details, HasSubstr("active medications were not available"));
  EXPECT_THAT(details, HasSubstr("conditions were not available"));
  EXPECT_THAT(details, HasSubstr("birth date was not available"));
}

TEST_F(FhirPrefetchTest, AnAnswerOverTheSizeLimitIs412) {
  auto small = StartService("fhir-small-db", {fhir_->base()}, "", 200);
  ASSERT_NE(small, nullptr);

  Answer answer = PostOrderSign(
      *small, HaloperidolOrderSign("older-woman", fhir_->base(), kToken));

  EXPECT_EQ(answer.status, 412);
  EXPECT_THAT(ErrorOf(answer), HasSubstr("more than 200 bytes"));
}

// A FHIR server slower than the time allowed: 412, not a hung hook.
TEST(FhirPrefetchTimeoutTest, ASlowServerIs412) {
  auto slow = FhirServerProcess::Start({"--delay_ms", "5000"});
  ASSERT_NE(slow, nullptr);
  auto service = StartService("fhir-slow-db", {slow->base()}, "", 4 << 20,
                              absl::Milliseconds(300));
  ASSERT_NE(service, nullptr);

  Answer answer = PostOrderSign(
      *service, HaloperidolOrderSign("older-woman", slow->base(), kToken));

  EXPECT_EQ(answer.status, 412);
  EXPECT_THAT(ErrorOf(answer), HasSubstr("in time"));
}

// Over TLS the server's certificate is verified: a certificate the service
// does not trust is 412; with its CA configured, the call succeeds.
TEST(FhirPrefetchTlsTest, TheServerCertificateIsVerified) {
  const testing::Pki& pki = testing::TestPki();
  auto tls = FhirServerProcess::Start(
      {"--tls_cert", pki.server_cert, "--tls_key", pki.server_key});
  ASSERT_NE(tls, nullptr);
  ASSERT_TRUE(absl::StartsWith(tls->base(), "https://")) << tls->base();
  auto untrusting = StartService("fhir-tls-untrusting-db", {tls->base()});
  auto trusting =
      StartService("fhir-tls-trusting-db", {tls->base()}, pki.ca_cert);
  ASSERT_NE(untrusting, nullptr);
  ASSERT_NE(trusting, nullptr);
  const std::string request =
      HaloperidolOrderSign("older-woman", tls->base(), kToken);

  Answer refused = PostOrderSign(*untrusting, request);
  Answer accepted = PostOrderSign(*trusting, request);

  EXPECT_EQ(refused.status, 412);
  EXPECT_EQ(accepted.status, 200) << ErrorOf(accepted);
  EXPECT_THAT(absl::StrJoin(CardLines(accepted), "\n"), HasSubstr("Parkinson"));
}

}  // namespace
}  // namespace dystonia::cds_hooks
