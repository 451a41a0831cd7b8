// CDS Hooks requests that other public projects published (HL7 PDDI-CDS,
// cqf-ruler's opioid CDS tests, the Inferno Da Vinci CRD test kit, a
// Finnish R5 CDS service), sent to a real server on 127.0.0.1 as an EHR
// would: each original gets its answer and no dystonia card (none orders a
// dopamine blocker); each derived copy, whose draft is a dopamine blocker,
// gets the card a pharmacist expects. Files and licences:
// fixtures/public/SOURCES.md.
#include <httplib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/json_value.h"
#include "tests/testing/server_fixture.h"

namespace dystonia::cds_hooks {
namespace {

using json::Value;
using ::testing::HasSubstr;

std::string Payload(const std::string& name) {
  std::ifstream in(std::string(DYSTONIA_FIXTURES_DIR) + "/public/" + name);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

Value ParsePayload(const std::string& text) {
  absl::StatusOr<Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : Value();
}

// The request as this site's EHR sends it: the published fhirServer is a
// host this service is not configured to read, so it is left out (the
// tests of reading a FHIR server are in fhir_prefetch_test).
std::string AtThisSite(const std::string& request) {
  Value body = ParsePayload(request);
  if (body.is_object()) {
    body.erase("fhirServer");
    body.erase("fhirAuthorization");
  }
  return body.dump();
}

// A published context object (no envelope) as an order-select request.
std::string OrderSelectEnvelope(const std::string& context) {
  return absl::StrCat(
      R"({"hook":"order-select","hookInstance":"3f9e2b1c-5d4a-4c7e-9a1b-2c3d4e5f6a7b","context":)",
      context, "}");
}

struct Answer {
  int status = 0;
  std::string error;
  std::vector<std::string> cards;  // "indicator: summary"
  std::string details;
};

class PublicPayloadsTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    ServerOptions options = testing::LoopbackServerOptions("public-payloads-db");
    options.http_listen = "127.0.0.1:0";
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() { delete server_; }

 protected:
  static Answer Post(const std::string& service, const std::string& body) {
    httplib::Client client("127.0.0.1", server_->http_port());
    auto result = client.Post(absl::StrCat("/cds-services/", service).c_str(),
                              body, "application/json");
    Answer answer;
    if (!result) {
      ADD_FAILURE() << "no answer";
      return answer;
    }
    answer.status = result->status;
    const Value reply = ParsePayload(result->body);
    answer.error = json::Text(json::Get(reply, "error"));
    // A card without these fields fails the test (at() throws).
    for (const Value* card : json::Elements(json::Get(reply, "cards"))) {
      answer.cards.push_back(
          absl::StrCat(card->at("indicator").get<std::string>(), ": ",
                       card->at("summary").get<std::string>()));
      absl::StrAppend(&answer.details, card->at("detail").get<std::string>(),
                      "\n");
    }
    return answer;
  }

  // Cards about dystonia risk (not the "not checked" card).
  static std::vector<std::string> RiskCards(const Answer& answer) {
    std::vector<std::string> risk;
    for (const std::string& card : answer.cards) {
      if (!absl::StrContains(card, "Not checked")) risk.push_back(card);
    }
    return risk;
  }

  static inline DystoniaServer* server_ = nullptr;
};

struct Case {
  const char* file;
  const char* service;
  // A word every derived copy's cards must name.
  const char* drug;
};

const Case kRequests[] = {
    {"pddi-warfarin-nsaids-order-sign-no-coordination.json", kOrderSignService,
     "haloperidol"},
    {"pddi-multi-update-draft-orders-2.json", kOrderSelectService,
     "haloperidol"},
    {"pddi-request-warfarin-nsaid-scenario-03.json",
     kMedicationPrescribeService, "metoclopramide"},
    {"cqfruler-opioidcds-04-request-prefetch.json", kOrderSelectService,
     "haloperidol"},
    {"cqfruler-opioidcds-08-request-prefetch.json", kOrderSignService,
     "haloperidol"},
    {"fimea-request-order-select.json", kOrderSelectService, "haloperidol"},
};

TEST_F(PublicPayloadsTest, OriginalsAreJudgedWithoutADystoniaCard) {
  for (const Case& request : kRequests) {
    Answer answer = Post(request.service, AtThisSite(Payload(request.file)));

    EXPECT_EQ(answer.status, 200) << request.file << ": " << answer.error;
    EXPECT_THAT(RiskCards(answer), ::testing::IsEmpty()) << request.file;
  }
}

TEST_F(PublicPayloadsTest, ADopamineBlockerInARealRequestGetsItsCard) {
  for (const Case& request : kRequests) {
    Answer answer = Post(request.service,
                         AtThisSite(Payload(absl::StrCat("derived-", request.file))));

    ASSERT_EQ(answer.status, 200) << request.file << ": " << answer.error;
    const std::vector<std::string> risk = RiskCards(answer);
    EXPECT_FALSE(risk.empty()) << request.file;
    EXPECT_THAT(absl::StrJoin(risk, "\n"), HasSubstr(request.drug))
        << request.file;
  }
}

// The Finnish R5 request orders two dopamine blockers at once: both are
// judged, and the cards say so.
TEST_F(PublicPayloadsTest, TheR5RequestFlagsBothBlockers) {
  Answer answer = Post(kOrderSelectService,
                       Payload("derived-fimea-request-order-select.json"));

  ASSERT_EQ(answer.status, 200) << answer.error;
  const std::string cards = absl::StrJoin(answer.cards, "\n");
  EXPECT_THAT(cards, HasSubstr("haloperidol"));
  EXPECT_THAT(cards, HasSubstr("metoclopramide"));
  // No age or sex was sent: the cards say so rather than guess.
  EXPECT_THAT(answer.details, HasSubstr("birth date was not available"));
}

// The Inferno CRD context (order-select, a contained Medication coded in
// RxNorm after derivation, a diet order selected too) in a request
// envelope.
TEST_F(PublicPayloadsTest, AContainedMedicationIsJudged) {
  Answer original = Post(kOrderSelectService,
                         OrderSelectEnvelope(Payload("inferno-crd-order_select_context.json")));
  Answer derived = Post(
      kOrderSelectService,
      OrderSelectEnvelope(Payload("derived-inferno-crd-order_select_context.json")));

  EXPECT_EQ(original.status, 200) << original.error;
  EXPECT_THAT(RiskCards(original), ::testing::IsEmpty());
  ASSERT_EQ(derived.status, 200) << derived.error;
  EXPECT_THAT(absl::StrJoin(RiskCards(derived), "\n"), HasSubstr("haloperidol"));
}

// As published, the requests name FHIR servers this service is not
// configured to read and lack some of its prefetch: 412, saying so.
TEST_F(PublicPayloadsTest, APublishedFhirServerThisSiteDoesNotReadIs412) {
  Answer answer = Post(kOrderSignService,
                       Payload("cqfruler-opioidcds-08-request-prefetch.json"));

  EXPECT_EQ(answer.status, 412);
  EXPECT_THAT(answer.error, HasSubstr("--cds_fhir_servers"));
}

}  // namespace
}  // namespace dystonia::cds_hooks
