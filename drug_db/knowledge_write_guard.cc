#include "drug_db/knowledge_write_guard.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dystonia {
namespace {

// Enough ids for an operator to recognise the damage; the counts say the rest.
constexpr int kIdsNamed = 5;

absl::flat_hash_set<std::string> DopamineBlockers(
    const v1::KnowledgeBundle& bundle) {
  absl::flat_hash_set<std::string> classes;
  for (const v1::DrugClass& drug_class : bundle.drug_class()) {
    if (std::find(drug_class.roles().begin(), drug_class.roles().end(),
                  v1::CLASS_ROLE_DOPAMINE_BLOCKER) !=
        drug_class.roles().end()) {
      classes.insert(drug_class.id());
    }
  }
  absl::flat_hash_set<std::string> blockers;
  for (const v1::Drug& drug : bundle.drug()) {
    for (const std::string& class_id : drug.class_ids()) {
      if (classes.contains(class_id)) blockers.insert(drug.id());
    }
  }
  // A combination is judged on its ingredients: it blocks if one does.
  for (const v1::Drug& drug : bundle.drug()) {
    for (const std::string& ingredient : drug.ingredient_ids()) {
      if (blockers.contains(ingredient)) blockers.insert(drug.id());
    }
  }
  return blockers;
}

std::string FirstIds(const std::vector<std::string>& ids) {
  const int named = std::min<int>(kIdsNamed, ids.size());
  std::string text = absl::StrJoin(ids.begin(), ids.begin() + named, ", ");
  if (named < static_cast<int>(ids.size())) absl::StrAppend(&text, ", ...");
  return text;
}

}  // namespace

absl::Status RequireReason(absl::string_view reason) {
  if (absl::StripAsciiWhitespace(reason).empty()) {
    return absl::InvalidArgumentError(
        "reason: is empty; every knowledge write must say why (it is kept in "
        "the audit trail)");
  }
  return absl::OkStatus();
}

std::vector<std::string> DroppedDrugIds(const v1::KnowledgeBundle& before,
                                        const v1::KnowledgeBundle& after) {
  absl::flat_hash_set<std::string> kept;
  for (const v1::Drug& drug : after.drug()) kept.insert(drug.id());
  std::vector<std::string> dropped;
  for (const v1::Drug& drug : before.drug()) {
    if (!kept.contains(drug.id())) dropped.push_back(drug.id());
  }
  return dropped;
}

absl::Status CheckDroppedDrugs(const v1::KnowledgeBundle& before,
                               const std::vector<std::string>& dropped,
                               DropGuard guard) {
  if (guard == DropGuard::kForce || dropped.empty()) return absl::OkStatus();
  const absl::flat_hash_set<std::string> blockers = DopamineBlockers(before);
  std::vector<std::string> dropped_blockers;
  for (const std::string& id : dropped) {
    if (blockers.contains(id)) dropped_blockers.push_back(id);
  }
  const bool too_many = static_cast<double>(dropped.size()) >
                        kMaxDroppedDrugShareWithoutForce * before.drug_size();
  if (dropped_blockers.empty() && !too_many) return absl::OkStatus();
  std::string message = absl::StrCat(
      "force: not set, and the write would drop ", dropped.size(), " of ",
      before.drug_size(), " drugs (", FirstIds(dropped), ")");
  if (!dropped_blockers.empty()) {
    absl::StrAppend(&message, ", ", dropped_blockers.size(),
                    " of them dopamine blockers (", FirstIds(dropped_blockers),
                    ")");
  }
  if (too_many) {
    absl::StrAppend(&message, ", more than ",
                    kMaxDroppedDrugShareWithoutForce * 100, " % of the drugs");
  }
  absl::StrAppend(&message,
                  "; check the bundle, or set force if this is intended");
  return absl::FailedPreconditionError(message);
}

}  // namespace dystonia
