// CDS Hooks end to end over HTTP against a real server (RocksDB in a temp
// dir, 127.0.0.1): discovery, every fixture payload of the specification,
// FHIR R4 mapping (birth dates, birth sex, codings, references, dosages,
// prefetched active orders, order-select selections), card shape, bad
// bodies, unknown services, and feedback stored durably and summarized over
// gRPC.
#include "service/cds_hooks/cds_hooks.h"
#include "service/cds_hooks/cards.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/json_value.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "service/engine/request_validator.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_fixture.h"

namespace dystonia::cds_hooks {
namespace {

using google::protobuf::Value;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DYSTONIA_FIXTURES_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

Value Parse(const std::string& json) {
  Value value;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &value).ok())
      << json;
  return value;
}

const Value& Field(const Value& object, const std::string& name) {
  static const Value* empty = new Value();
  auto it = object.struct_value().fields().find(name);
  return it == object.struct_value().fields().end() ? *empty : it->second;
}

// A page about the knowledge base (never fetched: cards only name it).
constexpr char kKnowledgeUrl[] = "https://dystonia-risk.test/knowledge";

class CdsHooksTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    ServerOptions options = testing::LoopbackServerOptions("cds-db");
    options.http_listen = "127.0.0.1:0";
    options.cds_knowledge_url = kKnowledgeUrl;
    db_path_ = options.db_path;
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // POSTs `body`; returns the status and parsed JSON.
  static std::pair<int, Value> Post(const std::string& path,
                                    const std::string& body) {
    httplib::Client client("127.0.0.1", server_->http_port());
    auto result = client.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(result) << "no HTTP answer for " << path;
    if (!result) return {0, Value()};
    EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), "*");
    return {result->status, Parse(result->body)};
  }

  // POSTs `body` to `service`, with the body's hook set to the service's
  // (the request builder below writes order-sign).
  static std::vector<Value> Cards(const std::string& service,
                                  std::string body) {
    if (service == kOrderSelectService) {
      absl::StrReplaceAll({{"\"hook\":\"order-sign\"", "\"hook\":\"order-select\""}},
                          &body);
    }
    auto [status, json] = Post(absl::StrCat("/cds-services/", service), body);
    EXPECT_EQ(status, 200) << body;
    std::vector<Value> cards;
    for (const Value& card : Field(json, "cards").list_value().values())
      cards.push_back(card);
    return cards;
  }

  // An order-sign request for `patient` (a FHIR Patient JSON) with draft
  // MedicationRequests `orders` (JSON resources) and prefetched `active`
  // MedicationRequests.
  static std::string Request(const std::string& patient,
                             const std::vector<std::string>& orders,
                             const std::vector<std::string>& active = {},
                             const std::string& extra_context = "",
                             const std::vector<std::string>& conditions = {}) {
    std::string entries;
    for (const std::string& order : orders) {
      absl::StrAppend(&entries, entries.empty() ? "" : ",",
                      "{\"resource\":", order, "}");
    }
    std::string prefetch_entries;
    for (const std::string& order : active) {
      absl::StrAppend(&prefetch_entries, prefetch_entries.empty() ? "" : ",",
                      "{\"resource\":", order, "}");
    }
    std::string condition_entries;
    for (const std::string& condition : conditions) {
      absl::StrAppend(&condition_entries, condition_entries.empty() ? "" : ",",
                      "{\"resource\":", condition, "}");
    }
    return absl::StrCat(
        "{\"hook\":\"order-sign\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-"
        "3e05e953b2ea\","
        "\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":\"1\"",
        extra_context,
        ",\"draftOrders\":{\"resourceType\":\"Bundle\",\"entry\":[", entries,
        "]}},"
        "\"prefetch\":{\"patient\":",
        patient, ",\"medications\":{\"resourceType\":\"Bundle\",\"entry\":[",
        prefetch_entries,
        "]},\"conditions\":{\"resourceType\":\"Bundle\",\"entry\":[",
        condition_entries, "]}}}");
  }

  static std::string MedicationRequest(const std::string& id,
                                       const std::string& concept,
                                       const std::string& extra = "") {
    return absl::StrCat(
        "{\"resourceType\":\"MedicationRequest\",\"id\":\"", id,
        "\",\"status\":\"draft\",\"intent\":\"order\","
        "\"authoredOn\":\"2026-11-27\",\"medicationCodeableConcept\":",
        concept, extra, "}");
  }

  // The server's feedback summary for `range`, read over gRPC.
  static v1::FeedbackSummary FeedbackSummary(
      const v1::GetFeedbackSummaryRequest& range = {}) {
    auto stub = v1::RiskService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::FeedbackSummary summary;
    EXPECT_TRUE(stub->GetFeedbackSummary(&context, range, &summary).ok());
    return summary;
  }

  static inline DystoniaServer* server_ = nullptr;
  static inline std::string db_path_;
};

constexpr char kYoungMan[] =
    R"({"resourceType":"Patient","id":"1","gender":"male","birthDate":"2007-03-01"})";

// `request` as an EHR sends it that gives no FHIR server to read.
std::string WithoutFhirServer(const std::string& request) {
  absl::StatusOr<json::Value> parsed = json::Parse(request);  // keeps // comments out
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  json::Value body = parsed.ok() ? *parsed : json::Value::object();
  body.erase("fhirServer");
  body.erase("fhirAuthorization");
  return body.dump();
}

std::string HaloperidolIm(const std::string& id = "mr-1") {
  return absl::StrCat(
      "{\"resourceType\":\"MedicationRequest\",\"id\":\"", id,
      "\",\"status\":\"draft\",\"authoredOn\":\"2026-11-27\","
      "\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
      "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"5093\","
      "\"display\":\"haloperidol\"}],\"text\":\"haloperidol 5 mg injection\"},"
      "\"dosageInstruction\":[{\"route\":{\"text\":\"Intramuscular\"},"
      "\"doseAndRate\":[{\"doseQuantity\":{\"value\":5,\"unit\":\"mg\"}}],"
      "\"timing\":{\"repeat\":{\"frequency\":2,\"period\":1,\"periodUnit\":"
      "\"d\"}}}]}");
}

TEST_F(CdsHooksTest, DiscoveryListsBothServicesWithPrefetch) {
  httplib::Client client("127.0.0.1", server_->http_port());
  auto result = client.Get("/cds-services");

  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const Value discovery = Parse(result->body);
  std::set<std::string> ids;
  for (const Value& service :
       Field(discovery, "services").list_value().values()) {
    ids.insert(Field(service, "id").string_value());
    EXPECT_FALSE(Field(service, "title").string_value().empty());
    EXPECT_FALSE(Field(service, "description").string_value().empty());
    EXPECT_EQ(Field(Field(service, "prefetch"), "patient").string_value(),
              "Patient/{{context.patientId}}");
    // CDS Hooks 2.0: what the EHR must give (prefetch, or a FHIR server).
    EXPECT_THAT(Field(service, "usageRequirements").string_value(),
                HasSubstr("fhirAuthorization"));
  }
  EXPECT_EQ(ids,
            (std::set<std::string>{kOrderSelectService, kOrderSignService,
                                   kMedicationPrescribeService}));
}

TEST_F(CdsHooksTest,
       YoungManGivenImHaloperidolGetsAWarningCardWithSourcesAndLinks) {
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));

  ASSERT_FALSE(cards.empty());
  const Value& card = cards[0];
  EXPECT_EQ(Field(card, "indicator").string_value(), "warning");
  EXPECT_THAT(Field(card, "summary").string_value(),
              HasSubstr("Acute dystonia risk HIGH"));
  EXPECT_LE(Field(card, "summary").string_value().size(), 140u);
  EXPECT_EQ(Field(card, "uuid").string_value().size(), 36u);
  EXPECT_THAT(Field(card, "detail").string_value(), HasSubstr("**Evidence**"));
  EXPECT_THAT(Field(card, "detail").string_value(), HasSubstr("**What to do**"));
  EXPECT_THAT(Field(card, "detail").string_value(),
              HasSubstr("male, 19 years"));
  EXPECT_EQ(Field(Field(Field(card, "source"), "topic"), "code").string_value(),
            "acute-dystonia.haloperidol");
  EXPECT_FALSE(Field(card, "links").list_value().values().empty());
  // The source is the knowledge base; the papers are the links.
  EXPECT_EQ(Field(Field(card, "source"), "url").string_value(), kKnowledgeUrl);
  EXPECT_FALSE(Field(card, "overrideReasons").list_value().values().empty());
}

// A card is read mid-order: its detail stays short (the first
// recommendations and sources), the full evidence is behind its links, the
// last of which is the knowledge base's page.
TEST_F(CdsHooksTest, CardsStayShortWithTheFullEvidenceBehindLinks) {
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));

  ASSERT_FALSE(cards.empty());
  for (const Value& card : cards) {
    const std::string& detail = Field(card, "detail").string_value();
    EXPECT_LE(CountCodePoints(detail), static_cast<int>(kMaxCardDetailCharacters))
        << detail;
    const auto& links = Field(card, "links").list_value().values();
    ASSERT_FALSE(links.empty());
    EXPECT_LE(links.size(), 5);
    EXPECT_EQ(Field(links[links.size() - 1], "url").string_value(),
              kKnowledgeUrl);
  }
  EXPECT_THAT(Field(cards[0], "detail").string_value(), HasSubstr("more sources"));
}

TEST_F(CdsHooksTest, ContraindicatedInteractionIsCritical) {
  const std::string pimozide =
      MedicationRequest("mr-p", R"({"text":"pimozide 2 mg"})");
  const std::string clarithromycin =
      MedicationRequest("mr-c", R"({"text":"clarithromycin 500 mg"})");

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {pimozide, clarithromycin}));

  bool critical = false;
  for (const Value& card : cards)
    critical |= Field(card, "indicator").string_value() == "critical";
  EXPECT_TRUE(critical);
}

// A FHIR Condition coded in SNOMED CT (and ICD-10-CM), as a problem list
// sends it.
std::string Condition(const std::string& id, const std::string& codings,
                      const std::string& extra = "") {
  return absl::StrCat(
      "{\"resourceType\":\"Condition\",\"id\":\"", id,
      "\",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://"
      "terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":"
      "\"active\"}]},\"code\":{\"coding\":[",
      codings, "]},\"subject\":{\"reference\":\"Patient/1\"}", extra, "}");
}

constexpr char kParkinsonsCodings[] =
    R"({"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"G20.A1"},)"
    R"j({"system":"http://snomed.info/sct","code":"49049000","display":"Parkinson's disease (disorder)"})j";

TEST_F(CdsHooksTest, DiscoveryAsksForTheConditionsAndPharmacogenomics) {
  httplib::Client client("127.0.0.1", server_->http_port());
  auto result = client.Get("/cds-services");
  ASSERT_TRUE(result);
  const Value discovery = Parse(result->body);
  for (const Value& service :
       Field(discovery, "services").list_value().values()) {
    EXPECT_EQ(Field(Field(service, "prefetch"), "conditions").string_value(),
              "Condition?patient={{context.patientId}}&clinical-status=active");
    EXPECT_THAT(Field(Field(service, "prefetch"), "genomics").string_value(),
                HasSubstr("Observation?patient={{context.patientId}}&code="));
    EXPECT_THAT(Field(service, "usageRequirements").string_value(),
                HasSubstr("LA9657-3 Poor metabolizer"));
  }
}

TEST_F(CdsHooksTest, ContraindicationByPrefetchedConditionIsACriticalCardFirst) {
  const std::string metoclopramide =
      MedicationRequest("mr-m", R"({"text":"metoclopramide 10 mg"})");
  const std::string older_man =
      R"({"resourceType":"Patient","id":"1","gender":"male","birthDate":"1954-03-01"})";

  std::vector<Value> cards = Cards(
      kOrderSignService,
      Request(older_man, {metoclopramide}, {}, "",
              {Condition("c-1", kParkinsonsCodings),
               Condition("c-2", R"({"system":"http://snomed.info/sct","code":"38341003","display":"Hypertensive disorder"})"),
               Condition("c-3", R"({"system":"urn:local","code":"Z1","display":"local finding"})")}));

  ASSERT_FALSE(cards.empty());
  EXPECT_EQ(Field(cards[0], "indicator").string_value(), "critical");
  EXPECT_THAT(Field(cards[0], "summary").string_value(),
              HasSubstr("metoclopramide in Parkinson's disease"));
  const std::string detail = Field(cards[0], "detail").string_value();
  // The card names the label section the contraindication rests on (the
  // Swiss text's "Kontraindikationen").
  EXPECT_THAT(detail, HasSubstr("Kontraindikationen"));
  // The condition the service could not read is named, not dropped.
  EXPECT_THAT(detail, HasSubstr("local finding"));
}

// A Genomics Reporting IG therapeutic implication with its gene on it: a
// CYP2D6 poor metabolizer.
std::string PoorMetabolizerImplication(const std::string& gene) {
  return absl::StrCat(
      R"({"resourceType":"Observation","id":"pgx-1","status":"final",)",
      R"("code":{"coding":[{"system":"http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs","code":"therapeutic-implication"}]},)",
      R"("subject":{"reference":"Patient/1"},"component":[)",
      R"({"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},)",
      R"("valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org/geneId","display":")",
      gene, R"("}]}},)",
      R"({"code":{"coding":[{"system":"http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs","code":"predicted-therapeutic-implication"}]},)",
      R"("valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9657-3","display":"Poor metabolizer"}]}}]})");
}

// The cards of a thioridazine order for a woman whose record holds a poor
// metabolizer result for `gene`.
std::vector<Value> ThioridazineCardsForAPoorMetabolizerOf(
    const std::string& gene) {
  const std::string thioridazine = CdsHooksTest::MedicationRequest(
      "mr-t", R"({"text":"thioridazine 25 mg"})");
  const std::string woman =
      R"({"resourceType":"Patient","id":"1","gender":"female","birthDate":"1980-06-15"})";
  return CdsHooksTest::Cards(
      kOrderSignService,
      CdsHooksTest::Request(woman, {thioridazine}, {}, "",
                            {PoorMetabolizerImplication(gene)}));
}

TEST_F(CdsHooksTest, ThioridazineForAPoorMetabolizerIsACriticalCardFirst) {
  std::vector<Value> cards = ThioridazineCardsForAPoorMetabolizerOf("CYP2D6");

  ASSERT_FALSE(cards.empty());
  EXPECT_EQ(Field(cards[0], "indicator").string_value(), "critical");
  EXPECT_THAT(Field(cards[0], "summary").string_value(),
              HasSubstr("thioridazine in a CYP2D6 poor metabolizer"));
}

TEST_F(CdsHooksTest, APhenotypeOfAnotherGeneChangesNothing) {
  std::vector<Value> cards = ThioridazineCardsForAPoorMetabolizerOf("TPMT");

  for (const Value& card : cards) {
    EXPECT_THAT(Field(card, "summary").string_value(),
                ::testing::Not(HasSubstr("metabolizer")));
  }
}

TEST_F(CdsHooksTest, RefutedConditionIsNotThePatients) {
  const std::string metoclopramide =
      MedicationRequest("mr-m", R"({"text":"metoclopramide 10 mg"})");
  const std::string refuted = Condition(
      "c-1", kParkinsonsCodings,
      R"(,"verificationStatus":{"coding":[{"code":"refuted"}]})");

  std::vector<Value> cards = Cards(
      kOrderSignService,
      Request(kYoungMan, {metoclopramide}, {}, "", {refuted}));

  for (const Value& card : cards) {
    EXPECT_NE(Field(card, "indicator").string_value(), "critical");
  }
}

// Real orders, as EHRs send them (issue 14).

bool HasCardWith(const std::vector<Value>& cards, const std::string& text,
                 const std::string& indicator = "") {
  for (const Value& card : cards) {
    if (absl::StrContains(Field(card, "summary").string_value(), text) &&
        (indicator.empty() ||
         Field(card, "indicator").string_value() == indicator)) {
      return true;
    }
  }
  return false;
}

std::string Summaries(const std::vector<Value>& cards) {
  std::string out;
  for (const Value& card : cards) {
    absl::StrAppend(&out, Field(card, "indicator").string_value(), ": ",
                    Field(card, "summary").string_value(), "\n");
  }
  return out;
}

TEST_F(CdsHooksTest, AKnownCodeWinsOverAMisspelledText) {
  // RxNorm under its https form, a second unknown coding first, and a
  // misspelled text: the code still names haloperidol.
  const std::string order = MedicationRequest(
      "mr-h",
      R"({"coding":[{"system":"urn:oid:2.16.840.1.113883.6.88","code":"999999999"},)"
      R"({"system":"https://www.nlm.nih.gov/research/umls/rxnorm","code":"5093"}],)"
      R"("text":"haloperidal 5 mg"})");

  std::vector<Value> cards = Cards(kOrderSignService, Request(kYoungMan, {order}));

  EXPECT_TRUE(HasCardWith(cards, "Acute dystonia risk HIGH: haloperidol"))
      << Summaries(cards);
  EXPECT_FALSE(HasCardWith(cards, "Not checked")) << Summaries(cards);
}

TEST_F(CdsHooksTest, ABadCodingDegradesItsOrderNotTheRequest) {
  const std::string order = MedicationRequest(
      "mr-h",
      R"({"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"not-a-code"},)"
      R"({"system":"http://hl7.org/fhir/sid/ndc","code":"12"}],"text":"haloperidol 5 mg"})");

  std::vector<Value> cards = Cards(kOrderSignService, Request(kYoungMan, {order}));

  EXPECT_TRUE(HasCardWith(cards, "haloperidol")) << Summaries(cards);
}

TEST_F(CdsHooksTest, SnomedRouteCodeAndAbbreviationsAreRead) {
  for (const char* route :
       {R"({"coding":[{"system":"http://snomed.info/sct","code":"78421000"}]})",
        R"({"text":"IM"})"}) {
    const std::string order = MedicationRequest(
        "mr-h", R"({"text":"haloperidol 5 mg"})",
        absl::StrCat(R"(,"dosageInstruction":[{"route":)", route, "}]"));
    std::vector<Value> cards =
        Cards(kOrderSignService, Request(kYoungMan, {order}));
    EXPECT_TRUE(HasCardWith(cards, "haloperidol intramuscular"))
        << route << "\n" << Summaries(cards);
  }
}

TEST_F(CdsHooksTest, R5MedicationConceptIsRead) {
  const std::string order = absl::StrCat(
      R"({"resourceType":"MedicationRequest","id":"mr-r5","status":"draft",)"
      R"("intent":"order","medication":{"concept":{"coding":[{"system":)"
      R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"5093",)"
      R"("display":"haloperidol"}]}}})");

  std::vector<Value> cards = Cards(kOrderSignService, Request(kYoungMan, {order}));

  EXPECT_TRUE(HasCardWith(cards, "Acute dystonia risk HIGH: haloperidol"))
      << Summaries(cards);
}

TEST_F(CdsHooksTest, BundleReferenceByFullUrlIsResolved) {
  const std::string body = absl::StrCat(
      R"({"hook":"order-sign","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",)"
      R"("context":{"userId":"Practitioner/1","patientId":"1","draftOrders":)"
      R"({"resourceType":"Bundle","entry":[)"
      R"({"fullUrl":"urn:uuid:0c3b1a8e-44d4-4b47-9e0d-6a1c1f0f0a11","resource":)"
      R"({"resourceType":"Medication","code":{"text":"haloperidol 5 mg"}}},)"
      R"({"resource":{"resourceType":"MedicationRequest","id":"mr-ref","status":"draft",)"
      R"("medicationReference":{"reference":"urn:uuid:0c3b1a8e-44d4-4b47-9e0d-6a1c1f0f0a11"}}}]}},)"
      R"("prefetch":{"patient":)", kYoungMan, "}}");

  std::vector<Value> cards = Cards(kOrderSignService, body);

  EXPECT_TRUE(HasCardWith(cards, "haloperidol")) << Summaries(cards);
}

TEST_F(CdsHooksTest, StoppedAndUnreadableOrdersAreNamedNotDropped) {
  const std::string completed = absl::StrCat(
      R"({"resourceType":"MedicationRequest","id":"mr-done","status":"completed",)"
      R"("medicationCodeableConcept":{"text":"haloperidol 5 mg"}})");
  const std::string unreadable =
      R"({"resourceType":"MedicationRequest","id":"mr-blank","status":"draft"})";
  const std::string risperidone =
      MedicationRequest("mr-r", R"({"text":"risperidone 1 mg"})");

  std::vector<Value> cards = Cards(
      kOrderSignService, Request(kYoungMan, {completed, unreadable, risperidone}));

  // The completed haloperidol is not judged as a new start ...
  EXPECT_FALSE(HasCardWith(cards, "haloperidol", "warning")) << Summaries(cards);
  // ... and both orders are named on the "not checked" card.
  std::string detail;
  for (const Value& card : cards) {
    if (absl::StrContains(Field(card, "summary").string_value(),
                          "Not checked")) {
      detail = Field(card, "detail").string_value();
    }
  }
  EXPECT_THAT(detail, HasSubstr("haloperidol 5 mg: order completed"));
  EXPECT_THAT(detail, HasSubstr("MedicationRequest/mr-blank"));
  EXPECT_TRUE(HasCardWith(cards, "risperidone")) << Summaries(cards);
}

TEST_F(CdsHooksTest, ADraftOfAnActiveDrugContinuesTherapy) {
  const std::string draft =
      MedicationRequest("mr-new", R"({"text":"haloperidol 5 mg"})");
  const std::string started = absl::FormatTime(
      "%Y-%m-%d", absl::Now() - absl::Hours(24 * 121), absl::UTCTimeZone());
  const std::string active = absl::StrCat(
      R"({"resourceType":"MedicationRequest","id":"mr-old","status":"active",)"
      R"("authoredOn":")", started,
      R"(","medicationCodeableConcept":{"coding":[{"system":)"
      R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"5093"}]}})");
  const std::string older_woman =
      R"({"resourceType":"Patient","id":"1","gender":"female","birthDate":"1950-03-01"})";

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(older_woman, {draft}, {active}));

  EXPECT_FALSE(HasCardWith(cards, "new start")) << Summaries(cards);
  EXPECT_FALSE(HasCardWith(cards, "dopamine blockers together"))
      << Summaries(cards);
  // Four months in, an older woman's tardive risk is here now: a warning.
  EXPECT_TRUE(HasCardWith(
      cards, "Tardive dyskinesia risk HIGH: haloperidol, 121 days", "warning"))
      << Summaries(cards);
}

// Alert precision (issue 22): warn when it matters, stay quiet when it does
// not.

std::string HaloperidolImOnce() {
  std::string order = HaloperidolIm("mr-once");
  absl::StrReplaceAll(
      {{R"("repeat":{"frequency":2,"period":1,"periodUnit":"d"})",
        R"("repeat":{"count":1})"}},
      &order);
  return order;
}

std::vector<Value> CardsBut(const std::vector<Value>& cards,
                            const std::string& left_out) {
  std::vector<Value> kept;
  for (const Value& card : cards) {
    if (!absl::StrContains(Field(card, "summary").string_value(), left_out))
      kept.push_back(card);
  }
  return kept;
}

TEST_F(CdsHooksTest, OneImDoseForAgitationIsOneWarningAndNoTardiveCard) {
  ASSERT_THAT(HaloperidolImOnce(), HasSubstr(R"("count":1)"));
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolImOnce()}));

  ASSERT_EQ(cards.size(), 1u) << Summaries(cards);
  EXPECT_TRUE(
      HasCardWith(cards, "Acute dystonia risk HIGH: haloperidol", "warning"));
  EXPECT_FALSE(HasCardWith(cards, "Tardive")) << Summaries(cards);
}

TEST_F(CdsHooksTest, ANewLongTermStartsTardiveRiskIsInfoToMonitor) {
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));

  EXPECT_TRUE(HasCardWith(cards, "Acute dystonia risk HIGH", "warning"));
  EXPECT_TRUE(HasCardWith(cards, "Tardive dyskinesia risk", "info"))
      << Summaries(cards);
  EXPECT_FALSE(HasCardWith(cards, "Tardive dyskinesia risk", "warning"));
}

TEST_F(CdsHooksTest, AnUnrelatedOrderForALongTermPatientRaisesNoCard) {
  const std::string started = absl::FormatTime(
      "%Y-%m-%d", absl::Now() - absl::Hours(24 * 400), absl::UTCTimeZone());
  const std::string long_term_haloperidol = absl::StrCat(
      R"({"resourceType":"MedicationRequest","id":"mr-old","status":"active",)"
      R"("authoredOn":")",
      started,
      R"(","medicationCodeableConcept":{"text":"haloperidol 5 mg tablet"}})");
  const std::string older_woman =
      R"({"resourceType":"Patient","id":"1","gender":"female","birthDate":"1950-03-01"})";
  const std::string amoxicillin =
      MedicationRequest("mr-a", R"({"text":"amoxicillin 500 mg capsule"})");

  std::vector<Value> cards =
      Cards(kOrderSignService,
            Request(older_woman, {amoxicillin}, {long_term_haloperidol}));

  EXPECT_TRUE(cards.empty()) << Summaries(cards);
}

TEST_F(CdsHooksTest, OneDrugOrderedTwiceIsOneCardPerProblem) {
  const std::string oral =
      MedicationRequest("mr-oral", R"({"text":"haloperidol 5 mg tablet"})",
                        R"(,"dosageInstruction":[{"route":{"text":"oral"}}])");

  std::vector<Value> cards = Cards(
      kOrderSignService, Request(kYoungMan, {HaloperidolIm("mr-im"), oral}));

  int acute = 0;
  std::string detail;
  for (const Value& card : CardsBut(cards, "dopamine blockers")) {
    if (absl::StrContains(Field(card, "summary").string_value(),
                          "Acute dystonia risk")) {
      ++acute;
      detail = Field(card, "detail").string_value();
    }
  }
  EXPECT_EQ(acute, 1) << Summaries(cards);
  // The card speaks for the louder order and names the other.
  EXPECT_TRUE(HasCardWith(cards,
                          "Acute dystonia risk HIGH: haloperidol "
                          "intramuscular"));
  EXPECT_THAT(detail, HasSubstr("**Also found for**"));
  EXPECT_THAT(detail, HasSubstr("haloperidol oral"));
}

TEST_F(CdsHooksTest, FutureBirthDateIsANoteNotAnInfant) {
  const std::string future =
      R"({"resourceType":"Patient","id":"1","gender":"female","birthDate":"2999-01-01"})";
  const std::string metoclopramide =
      MedicationRequest("mr-m", R"({"text":"metoclopramide 10 mg"})");

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(future, {metoclopramide}));

  ASSERT_FALSE(cards.empty());
  for (const Value& card : cards) {
    // Not judged as under 1 year: no infant contraindication.
    EXPECT_NE(Field(card, "indicator").string_value(), "critical")
        << Summaries(cards);
  }
  EXPECT_THAT(Field(cards[0], "detail").string_value(),
              HasSubstr("impossible age"));
}

TEST_F(CdsHooksTest, BirthSexExtensionWinsOverGender) {
  const std::string patient =
      R"({"resourceType":"Patient","gender":"female","birthDate":"2007-03-01","extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex","valueCode":"M"}]})";

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(patient, {HaloperidolIm()}));

  ASSERT_FALSE(cards.empty());
  EXPECT_THAT(Field(cards[0], "detail").string_value(),
              HasSubstr("male, 19 years"));
}

TEST_F(CdsHooksTest,
       PartialBirthDateNearAThresholdIsJudgedOnTheHigherRiskSideAndSaysSo) {
  // Born in 1991: 34 or 35 on 2026-11-27; the young-male factor stops at 35.
  const std::string patient =
      R"({"resourceType":"Patient","gender":"male","birthDate":"1991"})";
  const std::string risperidone =
      MedicationRequest("mr-r", R"({"text":"risperidone 2 mg"})");

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(patient, {risperidone}));

  ASSERT_FALSE(cards.empty());
  EXPECT_THAT(Field(cards[0], "summary").string_value(), HasSubstr("HIGH"));
  EXPECT_THAT(Field(cards[0], "detail").string_value(),
              HasSubstr("is partial: the patient is 34 or 35"));
}

TEST_F(CdsHooksTest,
       MedicationReferenceToAContainedMedicationAndActivePrefetch) {
  const std::string order =
      R"({"resourceType":"MedicationRequest","id":"mr-9","status":"draft","authoredOn":"2026-11-27","contained":[{"resourceType":"Medication","id":"med1","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"N05AD01"}]}}],"medicationReference":{"reference":"#med1"}})";
  const std::string active =
      R"({"resourceType":"MedicationRequest","id":"mr-a","status":"active","authoredOn":"2025-01-01","medicationCodeableConcept":{"text":"metoclopramide 10 mg"}})";

  auto [status, json] = Post(absl::StrCat("/cds-services/", kOrderSignService),
                             Request(kYoungMan, {order}, {active}));

  ASSERT_EQ(status, 200);
  std::string all;
  for (const Value& card : Field(json, "cards").list_value().values()) {
    absl::StrAppend(&all, Field(card, "summary").string_value(), "\n");
  }
  EXPECT_THAT(all, HasSubstr("haloperidol"));
  // Haloperidol with metoclopramide already taken: duplicate blockade.
  EXPECT_THAT(all, HasSubstr("dopamine blockers together"));
}

TEST_F(CdsHooksTest, OrderSelectShowsCardsOnlyForTheSelectedOrders) {
  const std::string selected = HaloperidolIm("mr-h");
  const std::string other =
      MedicationRequest("mr-q", R"({"text":"quetiapine 25 mg"})");

  std::vector<Value> cards =
      Cards(kOrderSelectService,
            Request(kYoungMan, {selected, other}, {},
                    R"(,"selections":["MedicationRequest/mr-h"])"));

  // Quetiapine is judged with the selection (the duplicate-blockade card
  // names it) but gets no card of its own.
  ASSERT_FALSE(cards.empty());
  for (const Value& card : cards) {
    const std::string rule =
        Field(Field(Field(card, "source"), "topic"), "code").string_value();
    EXPECT_THAT(rule, ::testing::Not(HasSubstr("quetiapine"))) << rule;
  }
}

TEST_F(CdsHooksTest, UnrecognizedMedicationsGetOneInfoCard) {
  const std::string order =
      MedicationRequest("mr-x", R"({"text":"haloperidal 5 mg"})");

  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {order}));

  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(Field(cards[0], "indicator").string_value(), "info");
  EXPECT_THAT(Field(cards[0], "summary").string_value(),
              HasSubstr("haloperidal 5 mg"));
  EXPECT_THAT(Field(cards[0], "detail").string_value(),
              HasSubstr("did you mean haloperidol"));
}

// The specification's own examples: its full requests name a fhirServer
// this service is not configured to read and lack the prefetch it needs, so
// they get 412 saying so (CDS Hooks 2.0); sent by an EHR that gives no
// fhirServer, they get 200 with cards (none for imaging or an antibiotic
// with no dystonia association) at the service of their hook. A request for
// another hook, and the context-only fragments (no hookInstance), are
// refused with 400 naming the field.
TEST_F(CdsHooksTest, EveryFixturePayloadGetsItsAnswer) {
  for (const auto& [name, service] :
       std::vector<std::pair<const char*, const char*>>{
           {"order-sign_full_request_opioid_legacy.json", kOrderSignService},
           {"order-select_full_request_radiology_R4.json",
            kOrderSelectService}}) {
    auto [refused_status, refused] =
        Post(absl::StrCat("/cds-services/", service), Fixture(name));
    EXPECT_EQ(refused_status, 412) << name;
    EXPECT_THAT(Field(refused, "error").string_value(),
                HasSubstr("--cds_fhir_servers"))
        << name;

    auto [status, json] = Post(absl::StrCat("/cds-services/", service),
                               WithoutFhirServer(Fixture(name)));
    EXPECT_EQ(status, 200) << name << ": " << Field(json, "error").string_value();
    EXPECT_EQ(Field(json, "cards").kind_case(), Value::kListValue) << name;
  }
  for (const auto& [name, field] :
       std::vector<std::pair<const char*, const char*>>{
           {"order-select_context_R4.json", "hookInstance"},
           {"order-sign_context_R4.json", "hookInstance"},
           {"order-sign_context_STU3.json", "hookInstance"},
           {"medication-prescribe_context_STU3.json", "hookInstance"},
           {"patient-view_full_request_with_fhirAuthorization_prefetch.json",
            "hook"}}) {
    for (const char* service : {kOrderSignService, kOrderSelectService}) {
      auto [status, json] =
          Post(absl::StrCat("/cds-services/", service), Fixture(name));
      EXPECT_EQ(status, 400) << name;
      EXPECT_TRUE(absl::StartsWith(Field(json, "error").string_value(),
                                   absl::StrCat(field, ":")))
          << name << ": " << Field(json, "error").string_value();
    }
  }
}

TEST_F(CdsHooksTest, RequestsThatBreakTheSpecificationAre400) {
  const std::string order = HaloperidolIm();
  std::string wrong_hook = Request(kYoungMan, {order});
  absl::StrReplaceAll({{"\"order-sign\"", "\"patient-view\""}}, &wrong_hook);
  std::string no_patient = Request(kYoungMan, {order});
  absl::StrReplaceAll({{"\"patientId\":\"1\"", "\"encounterId\":\"1\""}},
                      &no_patient);
  for (const auto& [body, field] :
       std::vector<std::pair<std::string, std::string>>{
           {wrong_hook, "hook:"}, {no_patient, "context.patientId:"}}) {
    auto [status, json] =
        Post(absl::StrCat("/cds-services/", kOrderSignService), body);
    EXPECT_EQ(status, 400);
    EXPECT_TRUE(absl::StartsWith(Field(json, "error").string_value(), field))
        << Field(json, "error").string_value();
  }
}

TEST_F(CdsHooksTest, SelectionsThatMatchNothingSelectNothing) {
  std::vector<Value> cards =
      Cards(kOrderSelectService,
            Request(kYoungMan, {HaloperidolIm("mr-h")}, {},
                    R"(,"selections":["MedicationRequest/not-in-this-call"])"));
  EXPECT_TRUE(cards.empty()) << Summaries(cards);
}

TEST_F(CdsHooksTest, LibraryErrorsAreJsonWithCors) {
  httplib::Client client("127.0.0.1", server_->http_port());
  const std::string huge(9 * 1024 * 1024, 'x');
  auto result = client.Post(
      absl::StrCat("/cds-services/", kOrderSignService).c_str(), huge,
      "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413) << result->body;
  EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(result->body, HasSubstr("\"error\""));
}

// The legacy opioid example orders oxycodone (DSTU2 MedicationOrder in
// context.medications): recognized, no dystonia association, so no card.
TEST_F(CdsHooksTest, LegacyOpioidExampleIsJudgedWithoutCards) {
  std::vector<Value> cards = Cards(
      kOrderSignService,
      WithoutFhirServer(Fixture("order-sign_full_request_opioid_legacy.json")));

  EXPECT_TRUE(cards.empty());
}

TEST_F(CdsHooksTest, BadBodiesGet400WithAJsonError) {
  for (const auto& [body, expected] : std::map<std::string, std::string>{
           {"{not json", "not JSON"},
           {"{\"hook\":\"order-sign\",\"context\":{\"x\":\"\xff\xfe\"}}",
            "not valid UTF-8"},
           {"[1,2]", "not a JSON object"},
           {R"({"hook":"order-sign"})", "context"}}) {
    auto [status, json] =
        Post(absl::StrCat("/cds-services/", kOrderSignService), body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_THAT(Field(json, "error").string_value(), HasSubstr(expected))
        << body;
  }
}

TEST_F(CdsHooksTest, UnknownServiceIs404) {
  auto [status, json] = Post("/cds-services/no-such-service", "{}");

  EXPECT_EQ(status, 404);
  EXPECT_THAT(Field(json, "error").string_value(), HasSubstr("no CDS service"));
}

// The edge owns the routes: a known path with the wrong method is 405 with
// the method to use, an unknown path 404; both JSON with CORS.
TEST_F(CdsHooksTest, RoutesAnswerWrongMethodsAndUnknownPathsInJson) {
  httplib::Client client("127.0.0.1", server_->http_port());
  auto get_service =
      client.Get(absl::StrCat("/cds-services/", kOrderSignService));
  auto post_discovery = client.Post("/cds-services", "{}", "application/json");
  auto nowhere = client.Get("/cds-services/a/b/c");

  ASSERT_TRUE(get_service && post_discovery && nowhere);
  EXPECT_EQ(get_service->status, 405);
  EXPECT_EQ(get_service->get_header_value("Allow"), "POST");
  EXPECT_EQ(post_discovery->status, 405);
  EXPECT_EQ(nowhere->status, 404);
  for (const auto* answer : {&get_service, &post_discovery, &nowhere}) {
    EXPECT_EQ((*answer)->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_THAT((*answer)->body, HasSubstr("\"error\""));
  }
}

// Feedback on a card is stored
// with the card's rule, and GetFeedbackSummary gives the override rate and
// reasons.
TEST_F(CdsHooksTest, FeedbackIsStoredAndSummarizedPerRule) {
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));
  ASSERT_GE(cards.size(), 2u);
  const std::string accepted = Field(cards[0], "uuid").string_value();
  const std::string overridden = Field(cards[1], "uuid").string_value();
  const std::string rule =
      Field(Field(Field(cards[1], "source"), "topic"), "code").string_value();
  const std::string feedback = absl::StrCat(
      R"({"feedback":[{"card":")", accepted,
      R"(","outcome":"accepted","outcomeTimestamp":"2026-11-27T10:00:00Z"},{"card":")",
      overridden,
      R"(","outcome":"overridden","overrideReason":{"reason":{"code":"benefit-outweighs-risk","system":"urn:dystonia-risk:override-reason","display":"Benefit outweighs the risk"},"userComment":"no patient data kept"},"outcomeTimestamp":"2026-11-27T10:05:00Z"}]})");

  auto [status, json] = Post(
      absl::StrCat("/cds-services/", kOrderSignService, "/feedback"), feedback);
  ASSERT_EQ(status, 200) << Field(json, "error").string_value();

  v1::GetFeedbackSummaryRequest range;
  range.set_from_unix_seconds(absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilSecond(2026, 11, 27, 0, 0, 0), absl::UTCTimeZone())));
  const v1::FeedbackSummary summary = FeedbackSummary(range);
  bool found = false;
  for (const v1::RuleFeedback& entry : summary.rules()) {
    if (entry.rule_id() != rule) continue;
    found = true;
    EXPECT_GE(entry.overridden(), 1);
    EXPECT_GT(entry.override_rate(), 0);
    ASSERT_FALSE(entry.override_reasons().empty());
    EXPECT_EQ(entry.override_reasons(0).code(), "benefit-outweighs-risk");
  }
  EXPECT_TRUE(found) << rule;
}

TEST_F(CdsHooksTest, FeedbackFixturesAreAcceptedAndBadFeedbackIs400) {
  // The specification's feedback shapes, about a card this service issued,
  // are accepted; the same about a card it never issued is refused.
  for (const char* name :
       {"feedback_accepted.txt", "feedback_overridden_no_reason.txt",
        "feedback_overridden_with_reason.txt"}) {
    const std::string text = Fixture(name);
    const std::string body =
        text.substr(text.find("\n{") + 1);  // after the "POST" line
    // The example carries comments, so the uuid is read from the text.
    const size_t card = body.find("\"card\"");
    ASSERT_NE(card, std::string::npos) << name;
    const size_t open = body.find('"', body.find(':', card)) + 1;
    const std::string foreign = body.substr(open, body.find('"', open) - open);
    std::vector<Value> cards =
        Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));
    ASSERT_FALSE(cards.empty());
    const std::string ours =
        absl::StrReplaceAll(body, {{foreign, Field(cards[0], "uuid").string_value()}});

    auto [status, json] = Post(
        absl::StrCat("/cds-services/", kOrderSignService, "/feedback"), ours);
    EXPECT_EQ(status, 200) << name << ": "
                           << Field(json, "error").string_value();
    auto [foreign_status, foreign_json] = Post(
        absl::StrCat("/cds-services/", kOrderSignService, "/feedback"), body);
    EXPECT_EQ(foreign_status, 400) << name;
    EXPECT_THAT(Field(foreign_json, "error").string_value(),
                HasSubstr("feedback[0].card"));
  }
  // Malformed entries name the field at fault.
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"feedback":[{"card":"x","outcome":"accepted"}]})",
            "feedback[0].outcomeTimestamp"},
           {R"({"feedback":[{"card":"x","outcome":"ignored"}]})",
            "feedback[0].outcome"}}) {
    auto [status, json] = Post(
        absl::StrCat("/cds-services/", kOrderSignService, "/feedback"), body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_THAT(Field(json, "error").string_value(), HasSubstr(field));
  }
}

// A clinician's free text (the reason's display, the comment) may name the
// patient: posted through the HTTP port, it is in no file of the database
// (WAL included) and in nothing GetFeedbackSummary returns; the offered
// reason's code is kept.
TEST_F(CdsHooksTest, FeedbackFreeTextIsNeitherStoredNorReturned) {
  constexpr char kPatient[] = "Jane Doe MRN 12345";
  std::vector<Value> cards =
      Cards(kOrderSignService, Request(kYoungMan, {HaloperidolIm()}));
  ASSERT_FALSE(cards.empty());
  const std::string feedback = absl::StrCat(
      R"({"feedback":[{"card":")", Field(cards[0], "uuid").string_value(),
      R"(","outcome":"overridden","overrideReason":{"reason":{"code":"tolerated-before","system":"urn:dystonia-risk:override-reason","display":")",
      kPatient, R"("},"userComment":")", kPatient,
      R"("},"outcomeTimestamp":"2026-11-28T10:00:00Z"}]})");

  auto [status, json] = Post(
      absl::StrCat("/cds-services/", kOrderSignService, "/feedback"), feedback);
  ASSERT_EQ(status, 200) << Field(json, "error").string_value();

  const v1::FeedbackSummary summary = FeedbackSummary();
  EXPECT_THAT(summary.DebugString(), ::testing::Not(HasSubstr(kPatient)));
  EXPECT_THAT(summary.DebugString(), HasSubstr("tolerated-before"));
  for (const auto& file :
       std::filesystem::recursive_directory_iterator(db_path_)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_THAT(bytes.str(), ::testing::Not(HasSubstr(kPatient)))
        << file.path();
  }
}

// One request holds at most 100 entries (30,000 were accepted before).
TEST_F(CdsHooksTest, FeedbackOfMoreThanAHundredEntriesIs400) {
  std::string entries;
  for (int i = 0; i < 101; ++i) {
    absl::StrAppend(&entries, i == 0 ? "" : ",",
                    R"({"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"accepted","outcomeTimestamp":"2026-11-28T10:00:00Z"})");
  }

  auto [status, json] =
      Post(absl::StrCat("/cds-services/", kOrderSignService, "/feedback"),
           absl::StrCat(R"({"feedback":[)", entries, "]}"));

  EXPECT_EQ(status, 400);
  EXPECT_THAT(Field(json, "error").string_value(), HasSubstr("at most 100"));
}

}  // namespace
}  // namespace dystonia::cds_hooks
