#include "bench/alert_burden/fhir_order.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dystonia::bench {
namespace {

std::string Day(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay Today(absl::Time today) {
  return absl::ToCivilDay(today, absl::UTCTimeZone());
}

json::Value Bundle(const std::vector<json::Value>& resources) {
  json::Value entries = json::Value::array();
  for (const json::Value& resource : resources) {
    entries.push_back({{"resource", resource}});
  }
  return {
      {"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", entries}};
}

}  // namespace

json::Value PatientResource(const std::string& sex, int age, absl::Time today) {
  const absl::CivilDay now = Today(today);
  // Born mid-year, `age` years ago: the age is `age` on any day of the run.
  const absl::CivilDay born(now.year() - age - 1, now.month(), now.day());
  json::Value patient = {
      {"resourceType", "Patient"}, {"id", "1"}, {"birthDate", Day(born + 183)}};
  if (!sex.empty()) patient["gender"] = sex;
  return patient;
}

json::Value MedicationRequestResource(const std::string& id,
                                      const OrderSpec& spec, bool active,
                                      absl::Time today) {
  json::Value concept = {{"text", spec.text}};
  if (!spec.rxcui.empty()) {
    concept["coding"] = json::Value::array(
        {{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"},
          {"code", spec.rxcui}}});
  }
  json::Value dosage = json::Value::object();
  if (!spec.route.empty()) dosage["route"] = {{"text", spec.route}};
  switch (spec.course) {
    case OrderCourse::kOnceCount:
      dosage["timing"] = {{"repeat", {{"count", 1}}}};
      break;
    case OrderCourse::kStat:
      dosage["timing"] = {
          {"code",
           {{"coding",
             json::Value::array(
                 {{{"system",
                    "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"},
                   {"code", "STAT"}}})}}}};
      break;
    case OrderCourse::kThreeDays:
      dosage["timing"] = {{"repeat",
                           {{"frequency", 1},
                            {"period", 1},
                            {"periodUnit", "d"},
                            {"boundsDuration",
                             {{"value", 3},
                              {"unit", "days"},
                              {"system", "http://unitsofmeasure.org"},
                              {"code", "d"}}}}}};
      break;
    case OrderCourse::kUnsaid:
    case OrderCourse::kContinuous:
      break;
  }
  json::Value order = {
      {"resourceType", "MedicationRequest"},
      {"id", id},
      {"status", active ? "active" : "draft"},
      {"intent", "order"},
      {"subject", {{"reference", "Patient/1"}}},
      {"authoredOn", Day(Today(today) - (active ? spec.days_active : 0))},
      {"medicationCodeableConcept", concept}};
  if (!dosage.empty())
    order["dosageInstruction"] = json::Value::array({dosage});
  if (spec.course == OrderCourse::kContinuous) {
    order["courseOfTherapyType"] = {
        {"coding",
         json::Value::array({{{"system",
                               "http://terminology.hl7.org/CodeSystem/"
                               "medicationrequest-course-of-therapy"},
                              {"code", "continuous"}}})}};
  }
  return order;
}

json::Value ConditionResource(const std::string& id,
                              const ConditionSpec& spec) {
  json::Value code = json::Value::object();
  if (!spec.system.empty()) {
    code["coding"] =
        json::Value::array({{{"system", spec.system}, {"code", spec.code}}});
  }
  if (!spec.text.empty()) code["text"] = spec.text;
  return {{"resourceType", "Condition"},
          {"id", id},
          {"subject", {{"reference", "Patient/1"}}},
          {"code", code}};
}

std::string OrderSignRequest(const json::Value& patient,
                             const std::vector<json::Value>& drafts,
                             const std::vector<json::Value>& active,
                             const std::vector<json::Value>& conditions) {
  json::Value request = {
      {"hook", "order-sign"},
      {"hookInstance", "0b7c1f5e-8a51-4c55-9d2e-5d6f0a7e4b21"},
      {"context",
       {{"userId", "Practitioner/1"},
        {"patientId", "1"},
        {"draftOrders", Bundle(drafts)}}},
      {"prefetch",
       {{"patient", patient},
        {"medications", Bundle(active)},
        {"conditions", Bundle(conditions)}}}};
  return request.dump();
}

}  // namespace dystonia::bench
