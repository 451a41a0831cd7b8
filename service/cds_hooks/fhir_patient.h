#ifndef DYSTONIA_SERVICE_CDS_HOOKS_FHIR_PATIENT_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_FHIR_PATIENT_H_

// The patient as FHIR describes them: age from Patient.birthDate, sex from
// Patient.gender or US Core birth sex, conditions from Condition resources.

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// Used when the request carries no birthDate: no age factor applies.
inline constexpr double kAgeWhenUnknown = 40;

struct AgeRange {
  double youngest = kAgeWhenUnknown;
  double oldest = kAgeWhenUnknown;
  bool known = false;
  // Only the year or the month of birth is known.
  bool partial = false;
  // The birth date gives an age below 0 or above the engine's limit.
  bool impossible = false;
};

// "2014-09-17", "2014-09-17T10:00:00Z": the date part as a civil day.
std::optional<absl::CivilDay> ParseDay(const std::string& text);

// birthDate "YYYY", "YYYY-MM" or "YYYY-MM-DD": the youngest and oldest the
// patient can be on `on`.
AgeRange AgeFrom(const std::string& birth_date, absl::CivilDay on);

// US Core birth sex first, then Patient.gender.
v1::Sex SexOf(const json::Value& patient);

// A FHIR Condition as a patient condition: its text, and the coding of the
// first system the service reads, in order SNOMED CT, ICD-10-CM, ICD-10 (a
// problem list often codes one condition in several systems). None for a
// refuted or mistaken entry, or one with neither text nor code.
std::optional<v1::Condition> ConditionFrom(
    const json::Value& resource);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_FHIR_PATIENT_H_
