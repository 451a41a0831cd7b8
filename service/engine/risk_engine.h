#ifndef DYSTONIA_SERVICE_ENGINE_RISK_ENGINE_H_
#define DYSTONIA_SERVICE_ENGINE_RISK_ENGINE_H_

#include "absl/status/status.h"
#include "drug_db/knowledge_snapshot.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// Judges one patient's medication list for acute dystonia and tardive
// dyskinesia / dystonia risk, following service/engine/CLINICAL_MODEL.md:
//  - the patient's conditions are recognized by code or name; each comes back
//    assessed or unrecognized;
//  - labelled contraindications and cautions (a drug with a condition, under
//    an age, or with another drug) are findings of their own, one per
//    subject, contraindications first;
//  - each recognized drug starts at its liability for the syndrome and route;
//  - acute findings only in the acute window (proposed, started or dose
//    raised within 7 days); tardive findings at full level for established
//    exposure (90 days, 30 at age 60 or over), one step lower otherwise;
//  - patient modifiers (age, sex, risk-factor conditions) cannot lift a
//    liability marked patient_factors_capped above LOW; history modifiers (a
//    previous drug-induced dystonia or EPS) and context modifiers (route,
//    dose in mg/day or mg/kg/day, exposure, a second dopamine blocker, an
//    exposure-raising interaction) apply in full;
//  - anticholinergic prophylaxis in the list lowers acute findings one step,
//    never below LOW;
//  - duplicate dopamine blockade and exposure interactions are findings of
//    their own; each syndrome's summary is the highest of its findings.
// Every medication comes back in `assessed` or `unrecognized`.
//
// Stateless and thread-safe.
class RiskEngine {
 public:
  // Days after a start or dose increase that count as the acute window.
  static constexpr int kAcuteWindowDays = 7;
  // Days of exposure that establish tardive risk (DSM-IV research criteria:
  // 3 months, 1 month at age 60 or over; dsm4-research-tardive).
  static constexpr int kTardiveExposureDays = 90;
  static constexpr int kTardiveExposureDaysOlderAdult = 30;
  static constexpr double kOlderAdultAgeYears = 60;
  // Longest finding summary in characters (code points), for CDS Hooks
  // cards.
  static constexpr int kMaxSummaryLength = 140;

  // Validates `request` and fills `response`. Returns kInvalidArgument
  // naming the field and the reason; `response` is then left cleared.
  static absl::Status Assess(const KnowledgeSnapshot& knowledge,
                             const v1::CheckRequest& request,
                             v1::CheckResponse* response);
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_RISK_ENGINE_H_
