#include "bench/alert_burden/scenario_orders.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/alert_burden/fhir_order.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia::bench {
namespace {

// The dosageInstruction.route text the CDS mapping reads as `route`.
absl::StatusOr<std::string> RouteText(v1::Route route) {
  switch (route) {
    case v1::ROUTE_UNSPECIFIED:
      return std::string();
    case v1::ROUTE_ORAL:
      return std::string("Oral");
    case v1::ROUTE_INTRAMUSCULAR:
      return std::string("Intramuscular");
    case v1::ROUTE_INTRAVENOUS:
      return std::string("Intravenous");
    case v1::ROUTE_LONG_ACTING_INJECTABLE:
      return std::string("depot");
    case v1::ROUTE_RECTAL:
      return std::string("Rectal");
    case v1::ROUTE_TRANSDERMAL:
      return std::string("Transdermal");
    case v1::ROUTE_SUBLINGUAL:
      return std::string("Sublingual");
    default:
      return absl::UnimplementedError("a route FHIR text does not name");
  }
}

// FHIR's administrative genders are the vocabulary's sex words ("male",
// "female", "other", "unknown"); unspecified sends none.
std::string SexText(v1::Sex sex) {
  if (sex == v1::SEX_UNSPECIFIED) return "";
  return ShortEnumName(*v1::Sex_descriptor()->FindValueByNumber(sex));
}

}  // namespace

bool IsHighRiskScenario(const clinical::Scenario& scenario) {
  return scenario.acute == v1::RISK_LEVEL_HIGH ||
         scenario.tardive == v1::RISK_LEVEL_HIGH;
}

absl::StatusOr<std::string> ScenarioAsOrderSign(
    const clinical::Scenario& scenario, absl::Time today) {
  const v1::Patient& patient = scenario.request.patient();
  if (patient.prior_drug_induced_dystonia()) {
    return absl::UnimplementedError("prior dystonia flag");
  }
  if (patient.has_weight_kg()) return absl::UnimplementedError("weight");
  if (!patient.has_age_years()) return absl::UnimplementedError("no age");
  std::vector<json::Value> drafts;
  std::vector<json::Value> active;
  std::vector<OrderSpec> active_specs;
  int index = 0;
  for (const v1::Medication& medication : scenario.request.medications()) {
    ++index;
    if (medication.daily_dose_mg() > 0) {
      return absl::UnimplementedError("daily dose");
    }
    if (medication.dose_increased_days_ago() > 0) {
      return absl::UnimplementedError("dose increase");
    }
    if (!medication.ndc().empty() || !medication.atc_code().empty()) {
      return absl::UnimplementedError("NDC or ATC field");
    }
    if (medication.course() != v1::COURSE_UNSPECIFIED) {
      return absl::UnimplementedError("stated course");
    }
    absl::StatusOr<std::string> route = RouteText(medication.route());
    if (!route.ok()) return route.status();
    OrderSpec spec;
    spec.text = medication.name();
    spec.rxcui = medication.rxcui();
    spec.route = *route;
    const std::string id = absl::StrCat("mr-", index);
    if (medication.status() == v1::MEDICATION_STATUS_ACTIVE) {
      spec.days_active = medication.days_on_therapy();
      active.push_back(MedicationRequestResource(id, spec, true, today));
      active_specs.push_back(spec);
    } else {
      drafts.push_back(MedicationRequestResource(id, spec, false, today));
    }
  }
  if (drafts.empty() && !active_specs.empty()) {
    OrderSpec refill = active_specs.front();
    refill.course = OrderCourse::kContinuous;
    drafts.push_back(MedicationRequestResource("refill", refill, false, today));
  }
  std::vector<json::Value> conditions;
  for (const v1::Condition& condition : patient.conditions()) {
    conditions.push_back(ConditionResource(
        absl::StrCat("cond-", conditions.size() + 1),
        {condition.system(), condition.code(), condition.text()}));
  }
  return OrderSignRequest(
      PatientResource(SexText(patient.sex()),
                      static_cast<int>(patient.age_years()), today),
      drafts, active, conditions);
}

}  // namespace dystonia::bench
