#include "service/cds_hooks/fhir_medication.h"

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "drug_db/condition_codes.h"
#include "drug_db/name_normalizer.h"
#include "proto/vocabulary/enum_words.h"
#include "service/cds_hooks/fhir_course.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {
namespace {

using json::Elements;
using json::Get;
using json::Number;
using json::Text;
using json::Value;

// RxNorm as EHRs write it: the FHIR URI, its https form and the HL7 OID.
constexpr absl::string_view kRxNormSystems[] = {
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "https://www.nlm.nih.gov/research/umls/rxnorm",
    "urn:oid:2.16.840.1.113883.6.88"};
// NDC: the FHIR URI and the HL7 OID.
constexpr absl::string_view kNdcSystems[] = {"http://hl7.org/fhir/sid/ndc",
                                             "urn:oid:2.16.840.1.113883.6.69"};
constexpr char kAtcSystem[] = "http://www.whocc.no/atc";

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

}  // namespace

const Value* ResolveReference(const Value& from, const std::string& reference,
                              const std::vector<Referable>& everything,
                              absl::string_view resource_type) {
  if (reference.empty()) return nullptr;
  if (absl::StartsWith(reference, "#")) {
    for (const Value* contained : Elements(Get(from, "contained"))) {
      if (Text(Get(*contained, "id")) == reference.substr(1)) return contained;
    }
    return nullptr;
  }
  for (const Referable& candidate : everything) {
    if (Text(Get(*candidate.resource, "resourceType")) != resource_type) {
      continue;
    }
    if (!candidate.full_url.empty() && candidate.full_url == reference) {
      return candidate.resource;
    }
    const std::string id = Text(Get(*candidate.resource, "id"));
    if (!id.empty() &&
        absl::EndsWith(reference, absl::StrCat(resource_type, "/", id))) {
      return candidate.resource;
    }
  }
  return nullptr;
}

namespace {

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
  // A text may name several routes: parenteral ones first (the higher
  // acute risk). A route is named by its word in the text ("intramuscular"
  // in "intramuscularly") or by a token of the API's vocabulary ("im", "po",
  // "mouth": common.proto).
  for (const v1::Route route :
       {v1::ROUTE_INTRAMUSCULAR, v1::ROUTE_INTRAVENOUS, v1::ROUTE_ORAL,
        v1::ROUTE_RECTAL, v1::ROUTE_TRANSDERMAL, v1::ROUTE_SUBLINGUAL}) {
    const auto* value =
        google::protobuf::GetEnumDescriptor<v1::Route>()->FindValueByNumber(
            route);
    if (absl::StrContains(words, ShortEnumName(*value))) return route;
    for (const std::string& token : tokens) {
      if (EnumOfWord<v1::Route>(token) == route) return route;
    }
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

}  // namespace

std::vector<Referable> Referables(const Value* value) {
  std::vector<Referable> out;
  for (const Value* element : Elements(value)) {
    if (Text(Get(*element, "resourceType")) == "Bundle") {
      for (const Value* entry : Elements(Get(*element, "entry"))) {
        if (const Value* resource = Get(*entry, "resource")) {
          out.push_back({Text(Get(*entry, "fullUrl")), resource});
        } else if (!Text(Get(*entry, "resourceType")).empty()) {
          // Some published requests put the resource in the entry itself.
          out.push_back({"", entry});
        }
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

bool IsStoppedStatus(const std::string& status) {
  return status == "cancelled" || status == "entered-in-error" ||
         status == "stopped" || status == "completed" || status == "revoked";
}

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
    if (const Value* resolved =
            ResolveReference(order, target, everything, "Medication")) {
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
  medication.set_course(CourseOf(order));
  return medication;
}

bool IsUnreadable(const v1::Medication& medication) {
  return medication.name().empty() && medication.rxcui().empty() &&
         medication.ndc().empty() && medication.atc_code().empty();
}

std::string OrderLabel(const v1::Medication& medication,
                       const std::string& reference) {
  if (!medication.name().empty()) return medication.name();
  if (!medication.rxcui().empty()) return absl::StrCat("RxCUI ", medication.rxcui());
  if (!medication.ndc().empty()) return absl::StrCat("NDC ", medication.ndc());
  if (!medication.atc_code().empty()) return absl::StrCat("ATC ", medication.atc_code());
  return reference;
}

}  // namespace dystonia::cds_hooks
