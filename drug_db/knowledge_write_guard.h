#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_WRITE_GUARD_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_WRITE_GUARD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// The share of the active version's drugs an import or a delete may drop
// without force: more looks like a truncated or wrong bundle, not an edit.
inline constexpr double kMaxDroppedDrugShareWithoutForce = 0.10;

// Whether a write may drop what the drop guard protects.
enum class DropGuard {
  // Refuse (the default of every write).
  kEnforce,
  // The operator said so explicitly (`force` in the request, --force).
  kForce,
};

// The guard a request's `force` field asks for.
inline DropGuard ToDropGuard(bool force) {
  return force ? DropGuard::kForce : DropGuard::kEnforce;
}

// Returns OK when `reason` holds a non-blank text, else kInvalidArgument
// naming `reason`: every knowledge write says why in the audit trail.
absl::Status RequireReason(absl::string_view reason);

// Returns the ids of the drugs in `before` that `after` lacks, in the order
// of `before`.
std::vector<std::string> DroppedDrugIds(const v1::KnowledgeBundle& before,
                                        const v1::KnowledgeBundle& after);

// Returns OK when dropping `dropped` (drug ids of `before`) from `before` is
// harmless, or `guard` is kForce. Otherwise kFailedPrecondition saying how
// many drugs, how many dopamine blockers (a drug in a class with
// CLASS_ROLE_DOPAMINE_BLOCKER, or a combination with such an ingredient)
// and the first few ids would go, when any dopamine blocker or more than
// kMaxDroppedDrugShareWithoutForce of the drugs would.
absl::Status CheckDroppedDrugs(const v1::KnowledgeBundle& before,
                               const std::vector<std::string>& dropped,
                               DropGuard guard);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_WRITE_GUARD_H_
