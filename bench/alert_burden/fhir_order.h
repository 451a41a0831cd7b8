#ifndef DYSTONIA_BENCH_ALERT_BURDEN_FHIR_ORDER_H_
#define DYSTONIA_BENCH_ALERT_BURDEN_FHIR_ORDER_H_

// Builds the FHIR R4 resources and the order-sign request body the
// alert-burden benchmark sends: one place that knows the JSON shapes.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::bench {

namespace json = cds_hooks::json;

// How long an order says it is for.
enum class OrderCourse {
  kUnsaid,      // nothing said
  kOnceCount,   // timing.repeat.count 1
  kStat,        // timing code STAT
  kThreeDays,   // timing.repeat.boundsDuration 3 days
  kContinuous,  // courseOfTherapyType continuous
};

struct OrderSpec {
  // medicationCodeableConcept.text, e.g. "olanzapine 10 mg injection".
  std::string text;
  // RxNorm code, when given.
  std::string rxcui;
  // dosageInstruction.route.text, e.g. "Intramuscular"; empty for none.
  std::string route;
  OrderCourse course = OrderCourse::kUnsaid;
  // For a prefetched active order: days since it was authored.
  int days_active = 0;
};

struct ConditionSpec {
  std::string system;  // FHIR system URL; empty for a text-only condition
  std::string code;
  std::string text;
};

// A FHIR Patient; `sex` is "male", "female" or "" (not given).
json::Value PatientResource(const std::string& sex, int age, absl::Time today);

// A MedicationRequest with id `id`: a draft when `active` is false, else an
// active order authored `spec.days_active` days before `today`.
json::Value MedicationRequestResource(const std::string& id,
                                      const OrderSpec& spec, bool active,
                                      absl::Time today);

json::Value ConditionResource(const std::string& id, const ConditionSpec& spec);

// The order-sign request body (JSON text).
std::string OrderSignRequest(const json::Value& patient,
                             const std::vector<json::Value>& drafts,
                             const std::vector<json::Value>& active,
                             const std::vector<json::Value>& conditions);

}  // namespace dystonia::bench

#endif  // DYSTONIA_BENCH_ALERT_BURDEN_FHIR_ORDER_H_
