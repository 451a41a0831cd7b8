#ifndef DYSTONIA_SERVICE_CDS_HOOKS_FHIR_MEDICATION_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_FHIR_MEDICATION_H_

// A FHIR medication order (R4 and R5 MedicationRequest, STU3
// MedicationOrder) as the engine's Medication: codes before text, the
// referenced Medication resolved, the route and daily dose read.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// Returns the knowledge base's drug id for a medication ("" when it is not
// recognized), so that the mapping can prefer codes the service knows and
// tell a continued order from a new one without knowing the knowledge base.
using DrugIdentifier = std::function<std::string(const v1::Medication&)>;

// A resource the request carries, with the fullUrl of its Bundle entry (for
// references by "urn:uuid:...").
struct Referable {
  std::string full_url;
  const json::Value* resource = nullptr;
};

// The resources of a Bundle (entry[].resource), of an array of resources or
// of bundles, or the resource itself, with their entries' fullUrl.
std::vector<Referable> Referables(const json::Value* value);

// The resource of `resource_type` a reference of `from` points at: "#id" in
// `from`'s `contained`; a Bundle entry by its fullUrl ("urn:uuid:...", an
// absolute URL); or "Type/id" (relative or absolute) among `everything`.
// Null when none is there (the service never fetches a reference).
const json::Value* ResolveReference(const json::Value& from,
                                    const std::string& reference,
                                    const std::vector<Referable>& everything,
                                    absl::string_view resource_type);

// A MedicationRequest or (STU3) MedicationOrder.
bool IsMedicationOrder(const json::Value& resource);

// A status that means the order is not being given (FHIR R4 and R5
// MedicationRequest.status).
bool IsStoppedStatus(const std::string& status);

// One order as a Medication: R4 medicationCodeableConcept or
// medicationReference, R5 medication (a CodeableReference). A reference is
// resolved in `contained`, by Bundle fullUrl or by "Medication/id" among
// `everything`. `identify` (may be null) picks the first coding it
// recognizes, so that a second coding or a misspelled text cannot hide a
// known code.
v1::Medication MedicationFrom(const json::Value& order,
                              const std::vector<Referable>& everything,
                              const DrugIdentifier* identify);

// Nothing identifies the medication: no code, text or resolvable reference.
bool IsUnreadable(const v1::Medication& medication);

// How an order reads in a card: its text or code, else `reference`.
std::string OrderLabel(const v1::Medication& medication,
                       const std::string& reference);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_FHIR_MEDICATION_H_
