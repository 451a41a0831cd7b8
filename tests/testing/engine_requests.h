#ifndef DYSTONIA_TESTS_TESTING_ENGINE_REQUESTS_H_
#define DYSTONIA_TESTS_TESTING_ENGINE_REQUESTS_H_

// CheckRequests written compactly and findings looked up, for the engine's
// tests (tests/engine on its own small knowledge base, tests/clinical on the
// bundled one).

#include <string>
#include <vector>

#include "dystonia/v1/risk_service.pb.h"

namespace dystonia::testing {

// One medication of a request: a proposed new start unless said otherwise.
struct Med {
  std::string name;
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  v1::MedicationStatus status = v1::MEDICATION_STATUS_PROPOSED;
  int days = 0;
  int increased_days_ago = 0;
  v1::Course course = v1::COURSE_UNSPECIFIED;
};

inline v1::CheckRequest Request(double age, v1::Sex sex,
                                const std::vector<Med>& meds,
                                bool prior_dystonia = false) {
  v1::CheckRequest request;
  request.set_request_id("test");
  request.mutable_patient()->set_age_years(age);
  request.mutable_patient()->set_sex(sex);
  request.mutable_patient()->set_prior_drug_induced_dystonia(prior_dystonia);
  for (const Med& med : meds) {
    v1::Medication* medication = request.add_medications();
    medication->set_name(med.name);
    medication->set_route(med.route);
    medication->set_status(med.status);
    medication->set_days_on_therapy(med.days);
    medication->set_dose_increased_days_ago(med.increased_days_ago);
    medication->set_course(med.course);
  }
  return request;
}

// The first finding of `kind` (about `drug_id`, when given); null if none.
inline const v1::Finding* FindingOf(const v1::CheckResponse& response,
                                    v1::Finding::Kind kind,
                                    const std::string& drug_id = "") {
  for (const v1::Finding& finding : response.findings()) {
    if (finding.kind() != kind) continue;
    if (drug_id.empty()) return &finding;
    for (const std::string& id : finding.drug_ids()) {
      if (id == drug_id) return &finding;
    }
  }
  return nullptr;
}

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_ENGINE_REQUESTS_H_
