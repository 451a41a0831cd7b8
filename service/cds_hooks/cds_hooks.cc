#include "service/cds_hooks/cds_hooks.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/json_util.h"
#include "drug_db/condition_codes.h"
#include "drug_db/name_normalizer.h"
#include "service/engine/name_resolver.h"
#include "service/engine/request_validator.h"
#include "service/engine/risk_engine.h"
#include "service/engine/utf8_text.h"

namespace dystonia::cds_hooks {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

// RxNorm as EHRs write it: the FHIR URI, its https form and the HL7 OID.
constexpr absl::string_view kRxNormSystems[] = {
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "https://www.nlm.nih.gov/research/umls/rxnorm",
    "urn:oid:2.16.840.1.113883.6.88"};
// NDC: the FHIR URI and the HL7 OID.
constexpr absl::string_view kNdcSystems[] = {"http://hl7.org/fhir/sid/ndc",
                                             "urn:oid:2.16.840.1.113883.6.69"};
constexpr char kAtcSystem[] = "http://www.whocc.no/atc";
constexpr char kBirthSexExtension[] =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";
constexpr char kRuleSystem[] = "urn:dystonia-risk:rule";
// CDS Hooks: a card's summary is under 140 characters.
constexpr size_t kMaxCardSummaryCharacters = 140;
constexpr char kOverrideSystem[] = "urn:dystonia-risk:override-reason";
// Used when the request carries no birthDate: no age factor applies.
constexpr double kAgeWhenUnknown = 40;

// ---------------------------------------------------------------- reading JSON
// leniently

const Value* Get(const Value& object, absl::string_view name) {
  if (object.kind_case() != Value::kStructValue) return nullptr;
  const auto& fields = object.struct_value().fields();
  auto it = fields.find(std::string(name));
  return it == fields.end() ? nullptr : &it->second;
}

std::string Text(const Value* value) {
  if (value == nullptr) return "";
  if (value->kind_case() == Value::kStringValue) return value->string_value();
  if (value->kind_case() == Value::kNumberValue)
    return absl::StrCat(value->number_value());
  return "";
}

double Number(const Value* value) {
  if (value == nullptr) return 0;
  if (value->kind_case() == Value::kNumberValue) return value->number_value();
  double parsed = 0;
  if (value->kind_case() == Value::kStringValue &&
      absl::SimpleAtod(value->string_value(), &parsed)) {
    return parsed;
  }
  return 0;
}

// The elements of a JSON array, or the one value when it is not an array.
std::vector<const Value*> Elements(const Value* value) {
  std::vector<const Value*> out;
  if (value == nullptr) return out;
  if (value->kind_case() == Value::kListValue) {
    for (const Value& element : value->list_value().values())
      out.push_back(&element);
  } else if (value->kind_case() == Value::kStructValue) {
    out.push_back(value);
  }
  return out;
}

// A resource the request carries, with the fullUrl of its Bundle entry (for
// references by "urn:uuid:...").
struct Referable {
  std::string full_url;
  const Value* resource = nullptr;
};

// The resources of a Bundle (entry[].resource), of an array of resources or
// of bundles, or the resource itself, with their entries' fullUrl.
std::vector<Referable> Referables(const Value* value) {
  std::vector<Referable> out;
  for (const Value* element : Elements(value)) {
    if (Text(Get(*element, "resourceType")) == "Bundle") {
      for (const Value* entry : Elements(Get(*element, "entry"))) {
        if (const Value* resource = Get(*entry, "resource"))
          out.push_back({Text(Get(*entry, "fullUrl")), resource});
      }
    } else if (const Value* resource = Get(*element, "resource")) {
      out.push_back({Text(Get(*element, "fullUrl")), resource});
    } else {
      out.push_back({"", element});
    }
  }
  return out;
}

bool IsMedicationOrder(const Value& resource) {
  const std::string type = Text(Get(resource, "resourceType"));
  return type == "MedicationRequest" || type == "MedicationOrder";
}

// "2014-09-17", "2014-09-17T10:00:00Z": the date part as a civil day.
std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  if (text.size() < 10) return std::nullopt;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text.substr(0, 10), &day)) return std::nullopt;
  return day;
}

// ---------------------------------------------------------------- the patient

struct AgeRange {
  double youngest = kAgeWhenUnknown;
  double oldest = kAgeWhenUnknown;
  bool known = false;
  bool partial = false;
  // The birth date gives an age below 0 or above the engine's limit.
  bool impossible = false;
};

// Whole years from `birth` to `on`.
int YearsBetween(absl::CivilDay birth, absl::CivilDay on) {
  int years = static_cast<int>(on.year() - birth.year());
  if (on.month() < birth.month() ||
      (on.month() == birth.month() && on.day() < birth.day())) {
    --years;
  }
  return years;
}

// birthDate "YYYY", "YYYY-MM" or "YYYY-MM-DD": the youngest and oldest the
// patient can be on `on`.
AgeRange AgeFrom(const std::string& birth_date, absl::CivilDay on) {
  AgeRange range;
  absl::CivilYear year;
  absl::CivilMonth month;
  absl::CivilDay day;
  if (birth_date.size() >= 10 &&
      absl::ParseCivilTime(birth_date.substr(0, 10), &day)) {
    range.youngest = range.oldest = YearsBetween(day, on);
  } else if (birth_date.size() == 7 &&
             absl::ParseCivilTime(birth_date, &month)) {
    const absl::CivilDay first(month);
    const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
    range.youngest = YearsBetween(last, on);
    range.oldest = YearsBetween(first, on);
    range.partial = true;
  } else if (birth_date.size() == 4 &&
             absl::ParseCivilTime(birth_date, &year)) {
    range.youngest = YearsBetween(absl::CivilDay(year.year(), 12, 31), on);
    range.oldest = YearsBetween(absl::CivilDay(year.year(), 1, 1), on);
    range.partial = true;
  } else {
    return range;
  }
  // A birth date after the order (a data-entry slip) gives no age: judging
  // it as a newborn would raise infant contraindications on an adult.
  if (range.oldest < 0 || range.youngest < 0 ||
      range.oldest > kMaxAgeYears) {
    range = AgeRange();
    range.impossible = true;
    return range;
  }
  range.known = true;
  return range;
}

v1::Sex SexOf(const Value& patient) {
  for (const Value* extension : Elements(Get(patient, "extension"))) {
    if (Text(Get(*extension, "url")) == kBirthSexExtension) {
      const std::string code = Text(Get(*extension, "valueCode"));
      if (code == "M") return v1::SEX_MALE;
      if (code == "F") return v1::SEX_FEMALE;
      if (code == "UNK") return v1::SEX_UNKNOWN;
      return v1::SEX_OTHER;
    }
  }
  const std::string gender = Text(Get(patient, "gender"));
  if (gender == "male") return v1::SEX_MALE;
  if (gender == "female") return v1::SEX_FEMALE;
  if (gender == "other") return v1::SEX_OTHER;
  if (gender == "unknown") return v1::SEX_UNKNOWN;
  return v1::SEX_UNSPECIFIED;
}

// ---------------------------------------------------------------- medications

std::string Shortened(const std::string& text, size_t max_characters) {
  std::string cut = text;
  TruncateUtf8(&cut, max_characters);
  return cut;
}

template <size_t N>
bool OneOf(absl::string_view system, const absl::string_view (&systems)[N]) {
  return std::find(std::begin(systems), std::end(systems), system) !=
         std::end(systems);
}

// Fills name, rxcui, ndc and atc_code from a CodeableConcept. Codes come
// before text: with `identify`, the first coding it recognizes (RxNorm at any
// level, NDC or ATC, in the order written) is the one sent, so a second
// coding or a misspelled text cannot hide a known code; without it, or when
// none is known, the first code of each system is sent.
void FromConcept(const Value& concept, const DrugIdentifier* identify,
                 v1::Medication* medication) {
  bool recognized = false;
  for (const Value* coding : Elements(Get(concept, "coding"))) {
    const std::string system = Text(Get(*coding, "system"));
    const std::string code = Text(Get(*coding, "code"));
    // A malformed code is skipped: one bad coding degrades that order (its
    // other codings and text still count), never the whole request.
    v1::Medication trial;
    if (OneOf(system, kRxNormSystems) && IsWellFormedRxcui(NormalizeRxcui(code))) {
      trial.set_rxcui(code);
    } else if (OneOf(system, kNdcSystems) && !NdcCandidates(code).empty()) {
      trial.set_ndc(code);
    } else if (system == kAtcSystem &&
               IsWellFormedAtcCode(NormalizeAtcCode(code))) {
      trial.set_atc_code(code);
    }
    if (medication->name().empty())
      medication->set_name(Text(Get(*coding, "display")));
    if (code.empty() || recognized ||
        (trial.rxcui().empty() && trial.ndc().empty() &&
         trial.atc_code().empty())) {
      continue;
    }
    if (identify != nullptr && !(*identify)(trial).empty()) {
      recognized = true;
      medication->set_rxcui(trial.rxcui());
      medication->set_ndc(trial.ndc());
      medication->set_atc_code(trial.atc_code());
      continue;
    }
    if (medication->rxcui().empty()) medication->set_rxcui(trial.rxcui());
    if (medication->ndc().empty()) medication->set_ndc(trial.ndc());
    if (medication->atc_code().empty()) {
      medication->set_atc_code(trial.atc_code());
    }
  }
  const std::string text = Text(Get(concept, "text"));
  if (!text.empty()) medication->set_name(text);
}

// ---------------------------------------------------------------- conditions

// A FHIR Condition as a patient condition: its text, and the coding of the
// first system the service reads, in order SNOMED CT, ICD-10-CM, ICD-10 (a
// problem list often codes one condition in several systems).
std::optional<v1::Condition> ConditionFrom(const Value& resource) {
  // A refuted or mistaken entry is not the patient's condition. A resolved
  // one still counts: a past dystonic reaction or tardive dyskinesia is
  // exactly the history that matters.
  const Value* verification = Get(resource, "verificationStatus");
  for (const Value* coding : Elements(
           verification == nullptr ? nullptr : Get(*verification, "coding"))) {
    const std::string status = Text(Get(*coding, "code"));
    if (status == "refuted" || status == "entered-in-error") return std::nullopt;
  }
  const Value* code = Get(resource, "code");
  if (code == nullptr) return std::nullopt;
  v1::Condition condition;
  static constexpr absl::string_view kReadSystems[] = {
      kSnomedCtSystem, kIcd10CmSystem, kIcd10System};
  std::string display;
  for (absl::string_view wanted : kReadSystems) {
    for (const Value* coding : Elements(Get(*code, "coding"))) {
      if (Text(Get(*coding, "system")) != wanted) continue;
      const std::string value = Text(Get(*coding, "code"));
      if (value.empty()) continue;
      condition.set_system(std::string(wanted));
      condition.set_code(value);
      display = Text(Get(*coding, "display"));
      break;
    }
    if (!condition.code().empty()) break;
  }
  for (const Value* coding : Elements(Get(*code, "coding"))) {
    if (!display.empty()) break;
    display = Text(Get(*coding, "display"));
  }
  const std::string text = Text(Get(*code, "text"));
  condition.set_text(!text.empty() ? text : display);
  if (condition.text().empty() && condition.code().empty()) return std::nullopt;
  // The engine takes at most 200 characters: a longer text is cut rather
  // than the whole request refused.
  TruncateUtf8(condition.mutable_text(), kMaxNameCharacters);
  return condition;
}

// The Medication a reference points at: "#id" in `contained`; a Bundle
// entry by its fullUrl ("urn:uuid:...", an absolute URL); or
// "Medication/id" (relative or absolute) among `everything`.
const Value* ResolveMedication(const Value& order, const std::string& reference,
                               const std::vector<Referable>& everything) {
  if (reference.empty()) return nullptr;
  if (absl::StartsWith(reference, "#")) {
    for (const Value* contained : Elements(Get(order, "contained"))) {
      if (Text(Get(*contained, "id")) == reference.substr(1)) return contained;
    }
    return nullptr;
  }
  for (const Referable& candidate : everything) {
    if (Text(Get(*candidate.resource, "resourceType")) != "Medication") {
      continue;
    }
    if (!candidate.full_url.empty() && candidate.full_url == reference) {
      return candidate.resource;
    }
    const std::string id = Text(Get(*candidate.resource, "id"));
    if (!id.empty() &&
        absl::EndsWith(reference, absl::StrCat("Medication/", id))) {
      return candidate.resource;
    }
  }
  return nullptr;
}

// SNOMED CT route codes, read in the FHIR "SNOMED CT Route Codes" value set
// (hl7.org/fhir/stu3/valueset-route-codes.html, expansion of 19 Apr 2017).
struct SnomedRoute {
  absl::string_view code;
  v1::Route route;
};
constexpr SnomedRoute kSnomedRoutes[] = {
    {"26643006", v1::ROUTE_ORAL},         {"78421000", v1::ROUTE_INTRAMUSCULAR},
    {"47625008", v1::ROUTE_INTRAVENOUS},  {"37161004", v1::ROUTE_RECTAL},
    {"45890007", v1::ROUTE_TRANSDERMAL},  {"37839007", v1::ROUTE_SUBLINGUAL},
    {"34206005", v1::ROUTE_OTHER},        {"46713006", v1::ROUTE_OTHER},
    {"54471007", v1::ROUTE_OTHER}};

// The route of a dosageInstruction.route: a SNOMED CT code first, then the
// words and common abbreviations of its text and displays (IM, IV, PO, PR,
// SL, SC).
v1::Route RouteFrom(const Value* route) {
  if (route == nullptr) return v1::ROUTE_UNSPECIFIED;
  for (const Value* coding : Elements(Get(*route, "coding"))) {
    if (Text(Get(*coding, "system")) != kSnomedCtSystem) continue;
    const std::string code = Text(Get(*coding, "code"));
    for (const SnomedRoute& known : kSnomedRoutes) {
      if (known.code == code) return known.route;
    }
  }
  std::string words = absl::AsciiStrToLower(Text(Get(*route, "text")));
  for (const Value* coding : Elements(Get(*route, "coding"))) {
    absl::StrAppend(&words, " ",
                    absl::AsciiStrToLower(Text(Get(*coding, "display"))), " ",
                    absl::AsciiStrToLower(Text(Get(*coding, "code"))));
  }
  absl::flat_hash_set<std::string> tokens;
  for (absl::string_view token :
       absl::StrSplit(words, absl::ByAnyChar(" ,;/()-."), absl::SkipEmpty())) {
    tokens.insert(std::string(token));
  }
  if (absl::StrContains(words, "intramuscular") || tokens.contains("im")) {
    return v1::ROUTE_INTRAMUSCULAR;
  }
  if (absl::StrContains(words, "intravenous") || tokens.contains("iv")) {
    return v1::ROUTE_INTRAVENOUS;
  }
  if (absl::StrContains(words, "oral") || absl::StrContains(words, "mouth") ||
      tokens.contains("po")) {
    return v1::ROUTE_ORAL;
  }
  if (absl::StrContains(words, "rectal") || absl::StrContains(words, "rectum") ||
      tokens.contains("pr")) {
    return v1::ROUTE_RECTAL;
  }
  if (absl::StrContains(words, "transdermal")) return v1::ROUTE_TRANSDERMAL;
  if (absl::StrContains(words, "sublingual") || tokens.contains("sl")) {
    return v1::ROUTE_SUBLINGUAL;
  }
  if (!tokens.empty()) return v1::ROUTE_OTHER;
  return v1::ROUTE_UNSPECIFIED;
}

// Milligrams a day from the first dosage instruction, when its dose is in
// mg and its timing says how often; 0 otherwise.
double DailyDoseMg(const Value& dosage) {
  const Value* quantity =
      Get(dosage, "doseQuantity");  // STU3 and the R4 example
  for (const Value* dose_and_rate : Elements(Get(dosage, "doseAndRate"))) {
    if (quantity == nullptr) quantity = Get(*dose_and_rate, "doseQuantity");
  }
  if (quantity == nullptr) return 0;
  const std::string unit = absl::AsciiStrToLower(Text(Get(*quantity, "code")) +
                                                 Text(Get(*quantity, "unit")));
  if (!absl::StartsWith(unit, "mg")) return 0;
  const double value = Number(Get(*quantity, "value"));
  const Value* timing = Get(dosage, "timing");
  const Value* repeat = timing == nullptr ? nullptr : Get(*timing, "repeat");
  if (repeat == nullptr) return 0;
  const double frequency = std::max(1.0, Number(Get(*repeat, "frequency")));
  const double period = Number(Get(*repeat, "period"));
  const std::string unit_of_period = Text(Get(*repeat, "periodUnit"));
  if (period <= 0) return 0;
  double per_day = 0;
  if (unit_of_period == "d") per_day = frequency / period;
  if (unit_of_period == "h") per_day = frequency * 24 / period;
  if (unit_of_period == "wk") per_day = frequency / (7 * period);
  return value * per_day;
}

// One MedicationRequest as a Medication.
v1::Medication MedicationFrom(const Value& order,
                              const std::vector<Referable>& everything,
                              const DrugIdentifier* identify) {
  v1::Medication medication;
  // R4 medicationCodeableConcept / medicationReference; R5 medication, a
  // CodeableReference holding a concept or a reference.
  const Value* r5 = Get(order, "medication");
  const Value* concept = Get(order, "medicationCodeableConcept");
  if (concept == nullptr && r5 != nullptr) concept = Get(*r5, "concept");
  if (concept != nullptr) FromConcept(*concept, identify, &medication);
  const Value* reference = Get(order, "medicationReference");
  if (reference == nullptr && r5 != nullptr) reference = Get(*r5, "reference");
  if (reference != nullptr) {
    const std::string target = Text(Get(*reference, "reference"));
    if (const Value* resolved = ResolveMedication(order, target, everything)) {
      if (const Value* code = Get(*resolved, "code"))
        FromConcept(*code, identify, &medication);
    }
    if (medication.name().empty())
      medication.set_name(Text(Get(*reference, "display")));
  }
  const std::vector<const Value*> dosages =
      Elements(Get(order, "dosageInstruction"));
  if (!dosages.empty()) {
    medication.set_route(RouteFrom(Get(*dosages[0], "route")));
    medication.set_daily_dose_mg(DailyDoseMg(*dosages[0]));
  }
  return medication;
}

std::string NewCardUuid() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  const uint64_t high = absl::Uniform<uint64_t>(*gen);
  const uint64_t low = absl::Uniform<uint64_t>(*gen);
  // Version 4 (random), variant 1.
  return absl::StrFormat(
      "%08x-%04x-4%03x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
      high & 0x0fff, 0x8000 | ((low >> 48) & 0x3fff), low & 0xffffffffffffULL);
}

Value StringValue(const std::string& text) {
  Value value;
  value.set_string_value(text);
  return value;
}

void Put(Struct* object, const std::string& name, Value value) {
  (*object->mutable_fields())[name] = std::move(value);
}

void Put(Struct* object, const std::string& name, const std::string& text) {
  Put(object, name, StringValue(text));
}

std::string Indicator(const v1::Finding& finding) {
  if (finding.contraindicated()) return "critical";
  if (finding.level() >= v1::RISK_LEVEL_MODERATE) return "warning";
  return "info";
}

std::string MarkdownDetail(const v1::Finding& finding,
                           const std::vector<std::string>& notes) {
  std::string detail =
      finding.detail().empty() ? finding.summary() : finding.detail();
  if (!finding.factors().empty()) {
    absl::StrAppend(&detail, "\n\n**What raised it**\n");
    for (const std::string& factor : finding.factors())
      absl::StrAppend(&detail, "\n- ", factor);
  }
  if (!finding.recommendations().empty()) {
    absl::StrAppend(&detail, "\n\n**Recommendations**\n");
    for (const std::string& text : finding.recommendations())
      absl::StrAppend(&detail, "\n- ", text);
  }
  if (!finding.citations().empty()) {
    absl::StrAppend(&detail, "\n\n**Sources**\n");
    for (const v1::Citation& citation : finding.citations()) {
      absl::StrAppend(&detail, "\n- ", citation.title());
      if (!citation.section().empty())
        absl::StrAppend(&detail, ": ", citation.section());
      if (!citation.publisher().empty())
        absl::StrAppend(&detail, " (", citation.publisher());
      if (citation.year() > 0) absl::StrAppend(&detail, ", ", citation.year());
      if (!citation.publisher().empty()) absl::StrAppend(&detail, ")");
    }
  }
  for (const std::string& note : notes)
    absl::StrAppend(&detail, "\n\n_", note, "_");
  return detail;
}

Value OverrideReasons() {
  static const std::pair<const char*, const char*> kReasons[] = {
      {"benefit-outweighs-risk", "Benefit outweighs the risk for this patient"},
      {"tolerated-before", "Patient has tolerated this medication before"},
      {"prophylaxis-or-monitoring", "Prophylaxis or monitoring is in place"},
      {"not-applicable", "Not applicable to this patient"}};
  Value list;
  for (const auto& [code, display] : kReasons) {
    Value reason;
    Put(reason.mutable_struct_value(), "code", std::string(code));
    Put(reason.mutable_struct_value(), "system", std::string(kOverrideSystem));
    Put(reason.mutable_struct_value(), "display", std::string(display));
    *list.mutable_list_value()->add_values() = std::move(reason);
  }
  return list;
}

// `url`, when given, is the first cited source with an address: where a
// clinician learns more about the evidence behind the card.
Value Source(const std::string& rule_id, const std::string& display,
             const std::string& url = "") {
  Value source;
  Struct* object = source.mutable_struct_value();
  Put(object, "label",
      std::string("dystonia-risk drug-induced dystonia check"));
  if (!url.empty()) Put(object, "url", url);
  Value topic;
  Put(topic.mutable_struct_value(), "system", std::string(kRuleSystem));
  Put(topic.mutable_struct_value(), "code", rule_id);
  Put(topic.mutable_struct_value(), "display", display);
  Put(object, "topic", std::move(topic));
  return source;
}

Value Card(const std::string& uuid, const std::string& summary,
           const std::string& indicator, const std::string& detail,
           Value source, Value links) {
  Value card;
  Struct* object = card.mutable_struct_value();
  Put(object, "uuid", uuid);
  std::string cut = summary;
  TruncateUtf8(&cut, kMaxCardSummaryCharacters);
  Put(object, "summary", cut);
  Put(object, "indicator", indicator);
  Put(object, "detail", detail);
  Put(object, "source", std::move(source));
  if (links.list_value().values_size() > 0)
    Put(object, "links", std::move(links));
  Put(object, "overrideReasons", OverrideReasons());
  return card;
}


bool Intersects(const v1::Finding& finding, const std::vector<int>& indexes) {
  for (int index : finding.medication_indexes()) {
    if (std::find(indexes.begin(), indexes.end(), index) != indexes.end())
      return true;
  }
  return false;
}

// How an order reads in a card: its text or code, else its reference.
std::string OrderLabel(const v1::Medication& medication,
                       const std::string& reference) {
  if (!medication.name().empty()) return medication.name();
  if (!medication.rxcui().empty()) return absl::StrCat("RxCUI ", medication.rxcui());
  if (!medication.ndc().empty()) return absl::StrCat("NDC ", medication.ndc());
  if (!medication.atc_code().empty()) return absl::StrCat("ATC ", medication.atc_code());
  return reference;
}

// A status that means the order is not being given (FHIR R4 and R5
// MedicationRequest.status).
bool IsStoppedStatus(const std::string& status) {
  return status == "cancelled" || status == "entered-in-error" ||
         status == "stopped" || status == "completed" || status == "revoked";
}

}  // namespace

absl::StatusOr<HookCall> MapHookRequest(const Value& body, absl::Time now,
                                        const DrugIdentifier* identify) {
  if (body.kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError("the body is not a JSON object");
  }
  const Value* context = Get(body, "context");
  if (context == nullptr || context->kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError("context: is missing or not an object");
  }
  HookCall call;
  call.hook = Text(Get(body, "hook"));
  // CDS Hooks 2.0 requires hookInstance, and the order hooks
  // context.patientId.
  if (Text(Get(body, "hookInstance")).empty()) {
    return absl::InvalidArgumentError("hookInstance: is missing");
  }
  if (Text(Get(*context, "patientId")).empty()) {
    return absl::InvalidArgumentError("context.patientId: is missing");
  }
  const Value* prefetch = Get(body, "prefetch");

  // Every resource the request carries, for medicationReference.
  std::vector<Referable> everything = Referables(Get(*context, "draftOrders"));
  for (const Referable& legacy : Referables(Get(*context, "medications")))
    everything.push_back(legacy);
  std::vector<const Value*> drafts;
  for (const Referable& draft : everything) drafts.push_back(draft.resource);
  std::vector<const Value*> prefetched;
  const Value* patient = nullptr;
  if (prefetch != nullptr && prefetch->kind_case() == Value::kStructValue) {
    for (const auto& [name, value] : prefetch->struct_value().fields()) {
      for (const Referable& found : Referables(&value)) {
        if (Text(Get(*found.resource, "resourceType")) == "Patient") {
          patient = found.resource;
        } else {
          prefetched.push_back(found.resource);
          everything.push_back(found);
        }
      }
    }
  }

  // "Now" is the time of the request: a draft's authoredOn may be days old
  // (a re-signed order) and says nothing of today's age or exposure.
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());

  std::vector<std::string> selections;
  if (const Value* list = Get(*context, "selections")) {
    if (list->kind_case() == Value::kListValue) {
      for (const Value& selection : list->list_value().values()) {
        selections.push_back(Text(&selection));
      }
    }
  }
  call.has_selections = !selections.empty();

  // Active medications from prefetch, by drug, so that a draft of the same
  // drug continues that therapy rather than starting a new one.
  struct Active {
    v1::Medication medication;
    std::string drug_id;
    bool continued = false;
  };
  std::vector<Active> active;
  for (const Value* resource : prefetched) {
    if (!IsMedicationOrder(*resource) ||
        Text(Get(*resource, "status")) != "active")
      continue;
    Active entry;
    entry.medication = MedicationFrom(*resource, everything, identify);
    if (entry.medication.name().empty() && entry.medication.rxcui().empty() &&
        entry.medication.ndc().empty() && entry.medication.atc_code().empty()) {
      call.not_judged.push_back(absl::StrCat(
          "active order ", Text(Get(*resource, "resourceType")), "/",
          Text(Get(*resource, "id")), ": no medication could be read"));
      continue;
    }
    entry.medication.set_status(v1::MEDICATION_STATUS_ACTIVE);
    if (auto started = ParseDay(Text(Get(*resource, "authoredOn")))) {
      entry.medication.set_days_on_therapy(
          static_cast<int32_t>(std::max<int64_t>(0, today - *started)));
    }
    if (identify != nullptr) entry.drug_id = (*identify)(entry.medication);
    active.push_back(std::move(entry));
  }

  for (const Value* order : drafts) {
    if (!IsMedicationOrder(*order)) continue;  // diet, imaging: not ours
    const std::string reference = absl::StrCat(
        Text(Get(*order, "resourceType")), "/", Text(Get(*order, "id")));
    v1::Medication medication = MedicationFrom(*order, everything, identify);
    const std::string status = Text(Get(*order, "status"));
    if (IsStoppedStatus(status)) {
      call.not_judged.push_back(absl::StrCat(
          OrderLabel(medication, reference), ": order ", status,
          ", not judged"));
      continue;
    }
    if (medication.name().empty() && medication.rxcui().empty() &&
        medication.ndc().empty() && medication.atc_code().empty()) {
      call.not_judged.push_back(absl::StrCat(
          reference, ": no medication could be read (no code, text or "
                     "resolvable reference)"));
      continue;
    }
    medication.set_status(v1::MEDICATION_STATUS_PROPOSED);
    // A draft of a drug the patient already takes continues that therapy:
    // judged as the active order (its start date), not as a new start, and
    // not as a second blocker of itself.
    if (identify != nullptr) {
      const std::string drug_id = (*identify)(medication);
      for (Active& entry : active) {
        if (drug_id.empty() || entry.drug_id != drug_id || entry.continued) {
          continue;
        }
        entry.continued = true;
        medication.set_status(v1::MEDICATION_STATUS_ACTIVE);
        medication.set_days_on_therapy(
            entry.medication.days_on_therapy());
        if (medication.route() == v1::ROUTE_UNSPECIFIED) {
          medication.set_route(entry.medication.route());
        }
        call.notes.push_back(absl::StrCat(
            OrderLabel(medication, reference),
            " continues an active order of the same drug: judged as "
            "continuing therapy"));
        break;
      }
    }
    const int index = call.check.medications_size();
    *call.check.add_medications() = std::move(medication);
    call.draft_indexes.push_back(index);
    if (std::find(selections.begin(), selections.end(), reference) !=
        selections.end()) {
      call.selected_indexes.push_back(index);
    }
  }
  if (call.draft_indexes.empty())
    return call;  // diet or imaging orders, or none to judge: no risk cards
  // The active medications the drafts do not continue, within the engine's
  // limit: the drafts always fit.
  int left_out = 0;
  for (Active& entry : active) {
    if (entry.continued) continue;
    if (call.check.medications_size() >= kMaxMedications) {
      ++left_out;
      continue;
    }
    *call.check.add_medications() = std::move(entry.medication);
  }
  if (left_out > 0) {
    call.notes.push_back(absl::StrCat(
        left_out, " active medications were left out of the judgement (at "
                  "most ", kMaxMedications, " medications per request)."));
  }

  // The patient's conditions from prefetch (problem list, diagnoses).
  for (const Value* resource : prefetched) {
    if (Text(Get(*resource, "resourceType")) != "Condition") continue;
    if (call.check.patient().conditions_size() >= kMaxHookConditions) {
      call.notes.push_back(absl::StrCat(
          "Only the first ", kMaxHookConditions,
          " of the patient's conditions were read."));
      break;
    }
    if (std::optional<v1::Condition> condition = ConditionFrom(*resource)) {
      *call.check.mutable_patient()->add_conditions() = *std::move(condition);
    }
  }

  AgeRange age;
  if (patient != nullptr) {
    age = AgeFrom(Text(Get(*patient, "birthDate")), today);
    call.check.mutable_patient()->set_sex(SexOf(*patient));
  }
  if (age.impossible) {
    call.notes.push_back(absl::StrCat(
        "The patient's birth date (", Text(Get(*patient, "birthDate")),
        ") gives an impossible age: judged without age factors."));
  } else if (!age.known) {
    call.notes.push_back(
        "The patient's birth date was not available: judged without age "
        "factors.");
  }
  if (call.check.patient().sex() == v1::SEX_UNSPECIFIED) {
    call.notes.push_back(
        "The patient's sex was not available: judged without sex factors.");
  }
  call.check.mutable_patient()->set_age_years(age.youngest);
  if (age.partial && age.oldest != age.youngest) {
    call.older_check = call.check;
    call.older_check->mutable_patient()->set_age_years(age.oldest);
    call.notes.push_back(absl::StrFormat(
        "Birth date %s is partial: the patient is %d or %d. Acute dystonia was "
        "judged at %d and "
        "tardive dyskinesia at %d, the higher-risk side of each.",
        Text(Get(*patient, "birthDate")), static_cast<int>(age.youngest),
        static_cast<int>(age.oldest), static_cast<int>(age.youngest),
        static_cast<int>(age.oldest)));
  }
  return call;
}

Value BuildCards(const HookCall& call, const std::string& service_id,
                 const v1::CheckResponse& response,
                 const v1::CheckResponse* older, absl::Time now,
                 std::vector<v1::CardIssue>* issues,
                 const std::string& source_url) {
  std::vector<const v1::Finding*> findings;
  for (const v1::Finding& finding : response.findings()) {
    if (older != nullptr && finding.kind() == v1::Finding::TARDIVE_DYSKINESIA)
      continue;
    findings.push_back(&finding);
  }
  if (older != nullptr) {
    for (const v1::Finding& finding : older->findings()) {
      if (finding.kind() == v1::Finding::TARDIVE_DYSKINESIA)
        findings.push_back(&finding);
    }
  }
  Value cards;
  ListValue* list = cards.mutable_list_value();
  const int64_t issued = absl::ToUnixSeconds(now);
  auto issue = [&](const std::string& uuid, const std::string& rule_id) {
    v1::CardIssue record;
    record.set_card_uuid(uuid);
    record.set_service_id(service_id);
    record.set_rule_id(rule_id);
    record.set_issued_unix_seconds(issued);
    issues->push_back(std::move(record));
  };
  // order-select with selections judges every order but shows cards only for
  // the selected ones; selections that match no order select nothing.
  const bool order_select = service_id == kOrderSelectService &&
                            (call.has_selections ||
                             !call.selected_indexes.empty());
  std::vector<std::string> notes = call.notes;
  if (response.unrecognized_conditions_size() > 0) {
    std::vector<std::string> texts;
    for (const v1::UnrecognizedCondition& unrecognized :
         response.unrecognized_conditions()) {
      texts.push_back(unrecognized.text());
    }
    notes.push_back(absl::StrCat(
        "Not taken into account (condition not recognized): ",
        absl::StrJoin(texts, "; "), "."));
  }
  for (const v1::Finding* finding : findings) {
    if (order_select && !Intersects(*finding, call.selected_indexes)) continue;
    if (!Intersects(*finding, call.draft_indexes) &&
        finding->kind() != v1::Finding::TARDIVE_DYSKINESIA) {
      continue;  // an acute finding only about medications already taken
    }
    Value links;
    for (const v1::Citation& citation : finding->citations()) {
      if (citation.url().empty() || links.list_value().values_size() >= 5)
        continue;
      Value link;
      Put(link.mutable_struct_value(), "label",
          Shortened(citation.title(), 120));
      Put(link.mutable_struct_value(), "url", citation.url());
      Put(link.mutable_struct_value(), "type", std::string("absolute"));
      *links.mutable_list_value()->add_values() = std::move(link);
    }
    const std::string uuid = NewCardUuid();
    *list->add_values() =
        Card(uuid, finding->summary(), Indicator(*finding),
             MarkdownDetail(*finding, notes),
             Source(finding->id(), v1::Finding::Kind_Name(finding->kind()),
                    source_url),
             std::move(links));
    issue(uuid, finding->id());
  }
  if (response.unrecognized_size() > 0 || !call.not_judged.empty()) {
    std::vector<std::string> names;
    std::string detail =
        "These orders were not checked, so no dystonia judgement covers "
        "them:\n";
    for (const v1::UnrecognizedMedication& unrecognized :
         response.unrecognized()) {
      names.push_back(unrecognized.name());
      absl::StrAppend(&detail, "\n- ", unrecognized.name(),
                      ": not recognized");
      if (!unrecognized.suggestions().empty()) {
        absl::StrAppend(&detail, " (did you mean ",
                        absl::StrJoin(unrecognized.suggestions(), ", "), "?)");
      }
    }
    for (const std::string& not_judged : call.not_judged) {
      names.push_back(not_judged.substr(0, not_judged.find(':')));
      absl::StrAppend(&detail, "\n- ", not_judged);
    }
    const std::string uuid = NewCardUuid();
    *list->add_values() =
        Card(uuid,
             absl::StrCat("Not checked for dystonia risk: ",
                          absl::StrJoin(names, ", ")),
             "info", detail,
             Source("unrecognized-medications", "UNRECOGNIZED"), Value());
    issue(uuid, "unrecognized-medications");
  }
  Value body;
  Put(body.mutable_struct_value(), "cards", std::move(cards));
  return body;
}

Value DiscoveryDocument() {
  Value services;
  for (const auto& [id, hook, title] :
       {std::tuple<const char*, const char*, const char*>{
            kOrderSelectService, "order-select",
            "Drug-induced dystonia risk of the selected orders"},
        {kOrderSignService, "order-sign",
         "Drug-induced dystonia risk before signing"}}) {
    Value service;
    Struct* object = service.mutable_struct_value();
    Put(object, "id", std::string(id));
    Put(object, "hook", std::string(hook));
    Put(object, "title", std::string(title));
    Put(object, "description",
        std::string(
            "Flags acute dystonia and tardive dyskinesia/dystonia risk from "
            "antipsychotics, dopamine-blocking antiemetics and other agents, "
            "with "
            "the factors, recommendations and cited sources behind each "
            "flag."));
    Value prefetch;
    Put(prefetch.mutable_struct_value(), "patient",
        std::string("Patient/{{context.patientId}}"));
    Put(prefetch.mutable_struct_value(), "medications",
        std::string(
            "MedicationRequest?patient={{context.patientId}}&status=active"));
    Put(prefetch.mutable_struct_value(), "conditions",
        std::string(
            "Condition?patient={{context.patientId}}&clinical-status=active"));
    Put(object, "prefetch", std::move(prefetch));
    *services.mutable_list_value()->add_values() = std::move(service);
  }
  Value body;
  Put(body.mutable_struct_value(), "services", std::move(services));
  return body;
}

absl::StatusOr<std::vector<v1::CardFeedback>> MapFeedback(
    const Value& body, const std::string& service_id, absl::Time now) {
  const Value* list = Get(body, "feedback");
  if (list == nullptr || list->kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError("feedback: is missing or not an array");
  }
  std::vector<v1::CardFeedback> out;
  for (int i = 0; i < list->list_value().values_size(); ++i) {
    const Value& entry = list->list_value().values(i);
    const std::string where = absl::StrCat("feedback[", i, "]");
    v1::CardFeedback feedback;
    feedback.set_card_uuid(Text(Get(entry, "card")));
    if (feedback.card_uuid().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".card: is missing"));
    }
    const std::string outcome = Text(Get(entry, "outcome"));
    if (outcome == "accepted") {
      feedback.set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
    } else if (outcome == "overridden") {
      feedback.set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".outcome: '", outcome, "' is not accepted or overridden"));
    }
    if (const Value* override_reason = Get(entry, "overrideReason")) {
      if (const Value* reason = Get(*override_reason, "reason")) {
        feedback.set_override_reason_code(Text(Get(*reason, "code")));
        feedback.set_override_reason_system(Text(Get(*reason, "system")));
        feedback.set_override_reason_display(Text(Get(*reason, "display")));
      }
    }
    // CDS Hooks 2.0: outcomeTimestamp is required.
    const std::string timestamp = Text(Get(entry, "outcomeTimestamp"));
    absl::Time outcome_time = now;
    std::string error;
    if (timestamp.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".outcomeTimestamp: is missing"));
    }
    if (!absl::ParseTime(absl::RFC3339_full, timestamp, &outcome_time,
                         &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".outcomeTimestamp: '", timestamp,
                       "' is not an RFC 3339 time"));
    }
    feedback.set_service_id(service_id);
    feedback.set_outcome_unix_seconds(absl::ToUnixSeconds(outcome_time));
    feedback.set_received_unix_seconds(absl::ToUnixSeconds(now));
    out.push_back(std::move(feedback));
  }
  return out;
}

v1::FeedbackSummary SummarizeFeedback(
    const std::vector<v1::CardFeedback>& feedback, int64_t from, int64_t to) {
  struct Counts {
    int64_t accepted = 0;
    int64_t overridden = 0;
    std::map<std::tuple<std::string, std::string, std::string>, int64_t>
        reasons;
  };
  std::map<std::string, Counts> by_rule;
  v1::FeedbackSummary summary;
  summary.set_from_unix_seconds(from);
  summary.set_to_unix_seconds(to);
  for (const v1::CardFeedback& entry : feedback) {
    const int64_t at = entry.outcome_unix_seconds();
    if ((from > 0 && at < from) || (to > 0 && at >= to)) continue;
    Counts& counts =
        by_rule[entry.rule_id().empty() ? "(unknown card)" : entry.rule_id()];
    summary.set_feedback_count(summary.feedback_count() + 1);
    if (entry.outcome() == v1::FEEDBACK_OUTCOME_OVERRIDDEN) {
      ++counts.overridden;
      ++counts.reasons[{entry.override_reason_code(),
                        entry.override_reason_system(),
                        entry.override_reason_display()}];
    } else {
      ++counts.accepted;
    }
  }
  for (const auto& [rule, counts] : by_rule) {
    v1::RuleFeedback* rule_feedback = summary.add_rules();
    rule_feedback->set_rule_id(rule);
    rule_feedback->set_accepted(counts.accepted);
    rule_feedback->set_overridden(counts.overridden);
    rule_feedback->set_feedback_count(counts.accepted + counts.overridden);
    rule_feedback->set_override_rate(static_cast<double>(counts.overridden) /
                                     rule_feedback->feedback_count());
    std::vector<
        std::pair<int64_t, std::tuple<std::string, std::string, std::string>>>
        reasons;
    for (const auto& [reason, count] : counts.reasons)
      reasons.push_back({count, reason});
    std::stable_sort(
        reasons.begin(), reasons.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [count, reason] : reasons) {
      v1::OverrideReasonCount* out = rule_feedback->add_override_reasons();
      out->set_code(std::get<0>(reason));
      out->set_system(std::get<1>(reason));
      out->set_display(std::get<2>(reason));
      out->set_count(count);
    }
  }
  std::stable_sort(summary.mutable_rules()->begin(),
                   summary.mutable_rules()->end(),
                   [](const v1::RuleFeedback& a, const v1::RuleFeedback& b) {
                     return a.feedback_count() > b.feedback_count();
                   });
  return summary;
}

namespace {

HttpAnswer JsonAnswer(int status, const Value& value) {
  HttpAnswer answer;
  answer.status = status;
  google::protobuf::util::JsonPrintOptions options;
  (void)google::protobuf::util::MessageToJsonString(value, &answer.json,
                                                    options);
  return answer;
}

HttpAnswer Error(int status, const std::string& message) {
  Value body;
  Put(body.mutable_struct_value(), "error", message);
  return JsonAnswer(status, body);
}

// Drops "// ..." line comments outside strings: the CDS Hooks specification's
// own examples carry them, and being lenient on input costs nothing.
std::string WithoutLineComments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      out.push_back('\n');
    } else {
      if (c == '"') in_string = true;
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<Value> ParseJson(const std::string& text) {
  // JSON is UTF-8 (RFC 8259); protobuf's parser lets invalid bytes through
  // into strings that cards would echo, making the answer invalid JSON.
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(
        "the body is not valid UTF-8 (JSON must be UTF-8, RFC 8259)");
  }
  Value value;
  auto status = google::protobuf::util::JsonStringToMessage(
      WithoutLineComments(text), &value);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not JSON: ", std::string(status.message())));
  }
  return value;
}

}  // namespace

HttpAnswer ErrorAnswer(int status, const std::string& message) {
  return Error(status, message);
}

HttpAnswer CdsHooksService::Handle(const std::string& method,
                                   const std::string& path,
                                   const std::string& body) const {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  if (trimmed == "/cds-services") {
    if (method != "GET") return Error(405, "use GET for discovery");
    return JsonAnswer(200, DiscoveryDocument());
  }
  const std::vector<std::string> parts = absl::StrSplit(trimmed, '/');
  // "", "cds-services", id [, "feedback"]
  if (parts.size() < 3 || parts.size() > 4 || parts[1] != "cds-services" ||
      (parts[2] != kOrderSelectService && parts[2] != kOrderSignService) ||
      (parts.size() == 4 && parts[3] != "feedback")) {
    return Error(404, absl::StrCat("no CDS service at ", path));
  }
  if (method != "POST") return Error(405, "use POST");
  return parts.size() == 4 ? Feedback(parts[2], body) : Hook(parts[2], body);
}

HttpAnswer CdsHooksService::Hook(const std::string& service_id,
                                 const std::string& body) const {
  absl::StatusOr<Value> json = ParseJson(body);
  if (!json.ok()) return Error(400, std::string(json.status().message()));
  const absl::Time now = absl::Now();
  std::shared_ptr<const KnowledgeSnapshot> knowledge = knowledge_->Current();
  if (knowledge == nullptr)
    return Error(503, "the knowledge base is loading; retry shortly");
  const DrugIdentifier identify =
      [&knowledge](const v1::Medication& medication) -> std::string {
    const Resolution resolution = NameResolver::Resolve(*knowledge, medication);
    return resolution.drug < 0
               ? std::string()
               : knowledge->drugs()[resolution.drug].drug->id();
  };
  absl::StatusOr<HookCall> call = MapHookRequest(*json, now, &identify);
  if (!call.ok()) return Error(400, std::string(call.status().message()));
  // CDS Hooks 2.0: the hook named must be the service's.
  const std::string expected_hook =
      service_id == kOrderSelectService ? "order-select" : "order-sign";
  if (call->hook != expected_hook) {
    return Error(400, absl::StrCat("hook: '", call->hook, "' is not ",
                                   expected_hook, ", the hook of ",
                                   service_id));
  }
  if (call->draft_indexes.empty() && call->not_judged.empty()) {
    Value no_cards;
    (*no_cards.mutable_struct_value()->mutable_fields())["cards"]
        .mutable_list_value();
    return JsonAnswer(200, no_cards);
  }
  v1::CheckResponse response;
  absl::Status status = absl::OkStatus();
  if (!call->draft_indexes.empty()) {
    status = RiskEngine::Assess(*knowledge, call->check, &response);
  }
  if (!status.ok()) return Error(400, std::string(status.message()));
  v1::CheckResponse older;
  if (call->older_check && !call->draft_indexes.empty()) {
    status = RiskEngine::Assess(*knowledge, *call->older_check, &older);
    if (!status.ok()) return Error(400, std::string(status.message()));
  }
  std::vector<v1::CardIssue> issues;
  Value cards =
      BuildCards(*call, service_id, response,
                 call->older_check ? &older : nullptr, now, &issues,
                 options_.knowledge_url);
  if (!issues.empty()) (void)store_->RecordCardIssues(issues);
  return JsonAnswer(200, cards);
}

HttpAnswer CdsHooksService::Feedback(const std::string& service_id,
                                     const std::string& body) const {
  absl::StatusOr<Value> json = ParseJson(body);
  if (!json.ok()) return Error(400, std::string(json.status().message()));
  absl::StatusOr<std::vector<v1::CardFeedback>> feedback =
      MapFeedback(*json, service_id, absl::Now());
  if (!feedback.ok())
    return Error(400, std::string(feedback.status().message()));
  for (size_t i = 0; i < feedback->size(); ++i) {
    v1::CardFeedback& entry = (*feedback)[i];
    absl::StatusOr<v1::CardIssue> issue =
        store_->FindCardIssue(entry.card_uuid());
    if (!issue.ok() || issue->service_id() != service_id) {
      return Error(400, absl::StrCat("feedback[", i, "].card: '",
                                     entry.card_uuid(),
                                     "' is not a card this service issued"));
    }
    entry.set_rule_id(issue->rule_id());
  }
  absl::Status stored = store_->RecordFeedback(*feedback);
  if (!stored.ok()) return Error(500, std::string(stored.message()));
  Value empty;
  empty.mutable_struct_value();
  return JsonAnswer(200, empty);
}

}  // namespace dystonia::cds_hooks
