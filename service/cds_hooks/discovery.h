#ifndef DYSTONIA_SERVICE_CDS_HOOKS_DISCOVERY_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_DISCOVERY_H_

// The CDS services this service offers, their hooks and prefetch templates,
// and the discovery document (GET /cds-services) that announces them.

#include <string>

#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

inline constexpr char kOrderSelectService[] = "dystonia-risk-order-select";
inline constexpr char kOrderSignService[] = "dystonia-risk-order-sign";
// CDS Hooks 1.0's medication-prescribe, which order-select replaced; some
// EHRs still send it (drafts in context.medications).
inline constexpr char kMedicationPrescribeService[] =
    "dystonia-risk-medication-prescribe";

// A prefetch key and its FHIR query template. The services need the
// patient (age and sex), the active medications (interactions, continued
// therapy) and the active conditions (contraindications), and read the
// pharmacogenomic results when there are any (phenotype statements).
// `resource_type` is what the query returns (an EHR that keys its prefetch
// otherwise still sends these resources). An `optional` key that cannot be
// read from the fhirServer is said on the cards instead of failing the call:
// most patients have no pharmacogenomic results, and the orders can be
// judged without them.
struct PrefetchTemplate {
  const char* key;
  const char* query;
  const char* resource_type;
  bool optional = false;
};
inline constexpr PrefetchTemplate kPrefetchTemplates[] = {
    {"patient", "Patient/{{context.patientId}}", "Patient"},
    {"medications",
     "MedicationRequest?patient={{context.patientId}}&status=active",
     "MedicationRequest"},
    {"conditions",
     "Condition?patient={{context.patientId}}&clinical-status=active",
     "Condition"},
    // The Genomics Reporting IG's therapeutic implications (the phenotype)
    // and genotypes (the gene an implication is derived from).
    {"genomics",
     "Observation?patient={{context.patientId}}&code=http://"
     "hl7.org/fhir/uv/genomics-reporting/CodeSystem/"
     "tbd-codes-cs|therapeutic-implication,http://loinc.org|84413-4",
     "Observation", /*optional=*/true}};

// The hook a service answers ("order-select", "order-sign"); "" for an id
// that is not one of ours.
std::string HookOfService(const std::string& service_id);

// The discovery document (GET /cds-services).
json::Value DiscoveryDocument();

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_DISCOVERY_H_
