#include "service/cds_hooks/discovery.h"

#include <tuple>
#include <utility>

#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

using json::Put;
using json::Value;

std::string HookOfService(const std::string& service_id) {
  if (service_id == kOrderSelectService) return "order-select";
  if (service_id == kOrderSignService) return "order-sign";
  if (service_id == kMedicationPrescribeService) return "medication-prescribe";
  return "";
}

Value DiscoveryDocument() {
  Value services;
  for (const auto& [id, title] :
       {std::pair<const char*, const char*>{
            kOrderSelectService,
            "Drug-induced dystonia risk of the selected orders"},
        {kOrderSignService, "Drug-induced dystonia risk before signing"},
        {kMedicationPrescribeService,
         "Drug-induced dystonia risk of a prescription (CDS Hooks 1.0 "
         "medication-prescribe)"}}) {
    Value service;
    Put(&service, "id", std::string(id));
    Put(&service, "hook", HookOfService(id));
    Put(&service, "title", std::string(title));
    Put(&service, "description",
        std::string(
            "Flags acute dystonia and tardive dyskinesia/dystonia risk from "
            "antipsychotics, dopamine-blocking antiemetics and other agents, "
            "with the factors, recommendations and cited sources behind each "
            "flag."));
    Value prefetch;
    for (const PrefetchTemplate& entry : kPrefetchTemplates)
      Put(&prefetch, entry.key, std::string(entry.query));
    Put(&service, "prefetch", std::move(prefetch));
    // CDS Hooks 2.0: what the EHR must provide beyond the hook.
    Put(&service, "usageRequirements",
        std::string(
            "Send the prefetch (the patient, their active MedicationRequests "
            "and active Conditions, and any pharmacogenomic results: HL7 "
            "Genomics Reporting IG therapeutic-implication Observations "
            "whose implication is a LOINC metabolizer answer such as "
            "LA9657-3 Poor metabolizer, with the gene in a gene-studied "
            "component (LOINC 48018-6) on it or on the genotype it is "
            "derived from), or a fhirServer this service is configured to "
            "read with a fhirAuthorization bearer token that allows "
            "patient/Patient.read, patient/MedicationRequest.read, "
            "patient/Condition.read and patient/Observation.read. Without "
            "either, the orders are judged on what was sent and the cards "
            "say what was missing; a fhirServer that cannot be read gets 412 "
            "(for the genomics prefetch alone, the cards say it could not be "
            "read)."));
    services.push_back(std::move(service));
  }
  Value body;
  Put(&body, "services", std::move(services));
  return body;
}

}  // namespace dystonia::cds_hooks
