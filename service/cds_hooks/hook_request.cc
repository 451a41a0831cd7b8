#include "service/cds_hooks/hook_request.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "service/cds_hooks/fhir_genomics.h"
#include "service/cds_hooks/fhir_patient.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/prefetch.h"
#include "service/engine/request_validator.h"

namespace dystonia::cds_hooks {

using json::Get;
using json::Text;
using json::Value;

absl::Status ValidateHookRequest(const Value& body) {
  if (!body.is_object()) {
    return absl::InvalidArgumentError("the body is not a JSON object");
  }
  const Value* context = Get(body, "context");
  if (context == nullptr || !context->is_object()) {
    return absl::InvalidArgumentError("context: is missing or not an object");
  }
  // CDS Hooks 2.0 requires hookInstance, and the order hooks
  // context.patientId.
  if (Text(Get(body, "hookInstance")).empty()) {
    return absl::InvalidArgumentError("hookInstance: is missing");
  }
  if (Text(Get(*context, "patientId")).empty()) {
    return absl::InvalidArgumentError("context.patientId: is missing");
  }
  return absl::OkStatus();
}

absl::StatusOr<HookCall> MapHookRequest(const Value& body, absl::Time now,
                                        const DrugIdentifier* identify) {
  absl::Status valid = ValidateHookRequest(body);
  if (!valid.ok()) return valid;
  const Value* context = Get(body, "context");
  HookCall call;
  call.hook = Text(Get(body, "hook"));
  const Value* prefetch = Get(body, "prefetch");

  // Every resource the request carries, for medicationReference.
  std::vector<Referable> everything = Referables(Get(*context, "draftOrders"));
  for (const Referable& legacy : Referables(Get(*context, "medications")))
    everything.push_back(legacy);
  std::vector<const Value*> drafts;
  for (const Referable& draft : everything) drafts.push_back(draft.resource);
  std::vector<const Value*> prefetched;
  const Value* patient = nullptr;
  if (prefetch != nullptr && prefetch->is_object()) {
    for (const Value& value : *prefetch) {
      for (const Referable& found : Referables(&value)) {
        if (Text(Get(*found.resource, "resourceType")) == "Patient") {
          patient = found.resource;
        } else {
          prefetched.push_back(found.resource);
          everything.push_back(found);
        }
      }
    }
  }

  // "Now" is the time of the request: a draft's authoredOn may be days old
  // (a re-signed order) and says nothing of today's age or exposure.
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());

  std::vector<std::string> selections;
  if (const Value* list = Get(*context, "selections")) {
    if (list->is_array()) {
      for (const Value& selection : *list) {
        selections.push_back(Text(&selection));
      }
    }
  }
  call.has_selections = !selections.empty();

  // Active medications from prefetch, by drug, so that a draft of the same
  // drug continues that therapy rather than starting a new one.
  struct Active {
    v1::Medication medication;
    std::string drug_id;
    bool continued = false;
  };
  std::vector<Active> active;
  for (const Value* resource : prefetched) {
    if (!IsMedicationOrder(*resource) ||
        Text(Get(*resource, "status")) != "active")
      continue;
    Active entry;
    entry.medication = MedicationFrom(*resource, everything, identify);
    if (IsUnreadable(entry.medication)) {
      call.not_judged.push_back(absl::StrCat(
          "active order ", Text(Get(*resource, "resourceType")), "/",
          Text(Get(*resource, "id")), ": no medication could be read"));
      continue;
    }
    entry.medication.set_status(v1::MEDICATION_STATUS_ACTIVE);
    if (auto started = ParseDay(Text(Get(*resource, "authoredOn")))) {
      entry.medication.set_days_on_therapy(
          static_cast<int32_t>(std::max<int64_t>(0, today - *started)));
    }
    if (identify != nullptr) entry.drug_id = (*identify)(entry.medication);
    active.push_back(std::move(entry));
  }

  for (const Value* order : drafts) {
    if (!IsMedicationOrder(*order)) continue;  // diet, imaging: not ours
    const std::string reference = absl::StrCat(
        Text(Get(*order, "resourceType")), "/", Text(Get(*order, "id")));
    v1::Medication medication = MedicationFrom(*order, everything, identify);
    const std::string status = Text(Get(*order, "status"));
    if (IsStoppedStatus(status)) {
      call.not_judged.push_back(absl::StrCat(
          OrderLabel(medication, reference), ": order ", status,
          ", not judged"));
      continue;
    }
    if (IsUnreadable(medication)) {
      call.not_judged.push_back(absl::StrCat(
          reference, ": no medication could be read (no code, text or "
                     "resolvable reference)"));
      continue;
    }
    medication.set_status(v1::MEDICATION_STATUS_PROPOSED);
    // A draft of a drug the patient already takes continues that therapy:
    // judged as the active order (its start date), not as a new start, and
    // not as a second blocker of itself.
    if (identify != nullptr) {
      const std::string drug_id = (*identify)(medication);
      for (Active& entry : active) {
        if (drug_id.empty() || entry.drug_id != drug_id || entry.continued) {
          continue;
        }
        entry.continued = true;
        medication.set_status(v1::MEDICATION_STATUS_ACTIVE);
        medication.set_days_on_therapy(
            entry.medication.days_on_therapy());
        if (medication.route() == v1::ROUTE_UNSPECIFIED) {
          medication.set_route(entry.medication.route());
        }
        call.notes.push_back(absl::StrCat(
            OrderLabel(medication, reference),
            " continues an active order of the same drug: judged as "
            "continuing therapy"));
        break;
      }
    }
    const int index = call.check.medications_size();
    *call.check.add_medications() = std::move(medication);
    call.draft_indexes.push_back(index);
    if (std::find(selections.begin(), selections.end(), reference) !=
        selections.end()) {
      call.selected_indexes.push_back(index);
    }
  }
  if (call.draft_indexes.empty())
    return call;  // diet or imaging orders, or none to judge: no risk cards
  // The active medications the drafts do not continue, within the engine's
  // limit: the drafts always fit.
  int left_out = 0;
  for (Active& entry : active) {
    if (entry.continued) continue;
    if (call.check.medications_size() >= kMaxMedications) {
      ++left_out;
      continue;
    }
    *call.check.add_medications() = std::move(entry.medication);
  }
  if (left_out > 0) {
    call.notes.push_back(absl::StrCat(
        left_out, " active medications were left out of the judgement (at "
                  "most ", kMaxMedications, " medications per request)."));
  }

  // The patient's conditions from prefetch (problem list, diagnoses).
  for (const Value* resource : prefetched) {
    if (Text(Get(*resource, "resourceType")) != "Condition") continue;
    if (call.check.patient().conditions_size() >= kMaxHookConditions) {
      call.notes.push_back(absl::StrCat(
          "Only the first ", kMaxHookConditions,
          " of the patient's conditions were read."));
      break;
    }
    if (std::optional<v1::Condition> condition = ConditionFrom(*resource)) {
      *call.check.mutable_patient()->add_conditions() = *std::move(condition);
    }
  }

  // The patient's metabolizer phenotypes (under any key: an EHR may send
  // them with the conditions).
  GenomicResults genomics =
      PharmacogenomicsFrom(prefetched, everything, kMaxPharmacogenomicResults);
  for (v1::PharmacogenomicResult& result : genomics.results) {
    *call.check.mutable_patient()->add_pharmacogenomics() = std::move(result);
  }
  for (std::string& note : genomics.notes)
    call.notes.push_back(std::move(note));
  if (const Value* sent =
          prefetch == nullptr ? nullptr : Get(*prefetch, "genomics");
      sent != nullptr &&
      Text(Get(*sent, "resourceType")) == "OperationOutcome") {
    call.notes.push_back(
        "The patient's pharmacogenomic results could not be read: "
        "metabolizer-phenotype statements were not checked.");
  }

  // What the request did not carry is said on the cards, not silently judged
  // without.
  bool has_medications = false;
  bool has_conditions = false;
  for (const Value* resource : prefetched) {
    has_medications = has_medications || IsMedicationOrder(*resource);
    has_conditions = has_conditions ||
                     Text(Get(*resource, "resourceType")) == "Condition";
  }
  for (const std::string& key : MissingPrefetch(body)) {
    if (key == "medications" && !has_medications) {
      call.notes.push_back(
          "The patient's active medications were not available: "
          "interactions with them were not checked.");
    } else if (key == "conditions" && !has_conditions) {
      call.notes.push_back(
          "The patient's conditions were not available: contraindications "
          "by condition were not checked.");
    }
  }

  AgeRange age;
  if (patient != nullptr) {
    age = AgeFrom(Text(Get(*patient, "birthDate")), today);
    call.check.mutable_patient()->set_sex(SexOf(*patient));
  }
  if (age.impossible) {
    call.notes.push_back(absl::StrCat(
        "The patient's birth date (", Text(Get(*patient, "birthDate")),
        ") gives an impossible age: judged without age factors."));
  } else if (!age.known) {
    call.notes.push_back(
        "The patient's birth date was not available: judged without age "
        "factors.");
  }
  if (call.check.patient().sex() == v1::SEX_UNSPECIFIED) {
    call.notes.push_back(
        "The patient's sex was not available: judged without sex factors.");
  }
  // Cards cite each source once however many findings rest on it.
  call.check.set_view(v1::CHECK_VIEW_COMPACT);
  call.check.mutable_patient()->set_age_years(age.youngest);
  if (age.partial && age.oldest != age.youngest) {
    call.older_check = call.check;
    call.older_check->mutable_patient()->set_age_years(age.oldest);
    call.notes.push_back(absl::StrFormat(
        "Birth date %s is partial: the patient is %d or %d. Acute dystonia was "
        "judged at %d and "
        "tardive dyskinesia at %d, the higher-risk side of each.",
        Text(Get(*patient, "birthDate")), static_cast<int>(age.youngest),
        static_cast<int>(age.oldest), static_cast<int>(age.youngest),
        static_cast<int>(age.oldest)));
  }
  return call;
}

}  // namespace dystonia::cds_hooks
