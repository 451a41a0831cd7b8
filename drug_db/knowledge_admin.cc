#include "drug_db/knowledge_admin.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/knowledge_loader.h"
#include "drug_db/knowledge_snapshot.h"
#include "drug_db/knowledge_validator.h"
#include "drug_db/name_index.h"
#include "drug_db/name_normalizer.h"
#include "drug_db/rxnorm_release.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"

namespace dystonia {
namespace {

// The stored drugs own their names: a clash names the upserted drug as the
// newcomer and the stored one as the owner. (The validator, seeing only the
// merged bundle, names whichever drug comes later as the claimant, which is
// backwards when the upserted drug replaces one earlier in the bundle.)
absl::Status CheckNamesNotOwnedByOthers(const v1::KnowledgeBundle& bundle,
                                        const v1::Drug& drug) {
  struct Owner {
    std::string drug_id;
    std::string kind;
  };
  absl::flat_hash_map<std::string, Owner> owners;
  for (const v1::Drug& other : bundle.drug()) {
    if (other.id() == drug.id()) continue;
    owners.emplace(NormalizeName(other.name()), Owner{other.id(), "name"});
    for (const std::string& synonym : other.synonyms()) {
      owners.emplace(NormalizeName(synonym), Owner{other.id(), "synonym"});
    }
    for (const std::string& brand : other.brands()) {
      owners.emplace(NormalizeName(brand), Owner{other.id(), "brand"});
    }
  }
  auto check = [&](const std::string& raw,
                   absl::string_view field) -> absl::Status {
    auto owner = owners.find(NormalizeName(raw));
    if (owner == owners.end()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", raw, "' of '", drug.id(), "' is already a ",
                     owner->second.kind, " of '", owner->second.drug_id, "'"));
  };
  absl::Status free = check(drug.name(), "name");
  for (const std::string& synonym : drug.synonyms()) {
    if (free.ok()) free = check(synonym, "synonym");
  }
  for (const std::string& brand : drug.brands()) {
    if (free.ok()) free = check(brand, "brand");
  }
  return free;
}

constexpr int kDefaultAuditLimit = 100;

template <typename Entries>
void SortById(Entries* entries) {
  std::sort(entries->pointer_begin(), entries->pointer_end(),
            [](const auto* a, const auto* b) { return a->id() < b->id(); });
}

// Returns the index of the entry with `id`, or -1.
template <typename Entries>
int IndexOf(const Entries& entries, absl::string_view id) {
  for (int i = 0; i < entries.size(); ++i) {
    if (entries.Get(i).id() == id) return i;
  }
  return -1;
}

bool Names(const v1::Scope& scope, absl::string_view drug_id) {
  return std::find(scope.drug_ids().begin(), scope.drug_ids().end(), drug_id) !=
         scope.drug_ids().end();
}

// Everything in `bundle` that names drug `drug_id`, in words a pharmacist
// can act on. The validator would also refuse the deletion, but as "unknown
// drug" from the referrer's side, which does not say what to change first.
std::vector<std::string> ReferencesTo(const v1::KnowledgeBundle& bundle,
                                      absl::string_view drug_id) {
  std::vector<std::string> references;
  for (const v1::Drug& drug : bundle.drug()) {
    if (std::find(drug.ingredient_ids().begin(), drug.ingredient_ids().end(),
                  drug_id) != drug.ingredient_ids().end()) {
      references.push_back(
          absl::StrCat("combination '", drug.id(), "' (ingredient_ids)"));
    }
  }
  for (const v1::RiskModifier& modifier : bundle.modifier()) {
    if (Names(modifier.scope(), drug_id)) {
      references.push_back(
          absl::StrCat("modifier '", modifier.id(), "' (scope)"));
    }
    if (Names(modifier.condition().co_medication(), drug_id)) {
      references.push_back(absl::StrCat("modifier '", modifier.id(),
                                        "' (condition.co_medication)"));
    }
  }
  for (const v1::Interaction& interaction : bundle.interaction()) {
    if (Names(interaction.substrate(), drug_id)) {
      references.push_back(
          absl::StrCat("interaction '", interaction.id(), "' (substrate)"));
    }
    if (Names(interaction.perpetrator(), drug_id)) {
      references.push_back(
          absl::StrCat("interaction '", interaction.id(), "' (perpetrator)"));
    }
  }
  for (const v1::Recommendation& recommendation : bundle.recommendation()) {
    if (Names(recommendation.scope(), drug_id)) {
      references.push_back(
          absl::StrCat("recommendation '", recommendation.id(), "' (scope)"));
    }
  }
  for (const v1::Caution& caution : bundle.caution()) {
    if (Names(caution.drugs(), drug_id)) {
      references.push_back(
          absl::StrCat("caution '", caution.id(), "' (drugs)"));
    }
    if (Names(caution.co_medication(), drug_id)) {
      references.push_back(
          absl::StrCat("caution '", caution.id(), "' (co_medication)"));
    }
  }
  return references;
}

std::string Origin(absl::string_view action, absl::string_view target,
                   absl::string_view actor) {
  return absl::StrCat(action, " ", target, " by ", actor);
}

}  // namespace

void SortBundle(v1::KnowledgeBundle* bundle) {
  SortById(bundle->mutable_citation());
  SortById(bundle->mutable_drug_class());
  SortById(bundle->mutable_drug());
  SortById(bundle->mutable_modifier());
  SortById(bundle->mutable_interaction());
  SortById(bundle->mutable_recommendation());
  SortById(bundle->mutable_condition());
  SortById(bundle->mutable_caution());
}

std::string ToText(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

KnowledgeAdmin::KnowledgeAdmin(DrugStore* store,
                               const KnowledgeAdminOptions& options)
    : store_(store), options_(options) {}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::ImportRxNorm(
    const std::string& rrf_dir, const std::string& release,
    absl::string_view actor, absl::string_view reason, int* added) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::MutexLock lock(&mutex_);
  return Edit("import-rxnorm", rrf_dir, actor, reason,
              [&](v1::KnowledgeBundle* bundle, v1::AuditEntry*) {
                RxNormReadOptions options;
                options.release = release;
                absl::StatusOr<RxNormProducts> products =
                    ReadRxNormRelease(rrf_dir, *bundle, options);
                if (!products.ok()) return products.status();
                const int count = ApplyRxNormProducts(*products, bundle);
                if (added != nullptr) *added = count;
                return absl::OkStatus();
              });
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::Edit(
    absl::string_view action, absl::string_view target, absl::string_view actor,
    absl::string_view reason,
    const std::function<absl::Status(v1::KnowledgeBundle*, v1::AuditEntry*)>&
        edit) {
  absl::StatusOr<StoredKnowledge> active = store_->ReadActive();
  if (!active.ok()) return active.status();
  v1::KnowledgeBundle before = std::move(active->bundle);
  SortBundle(&before);
  v1::KnowledgeBundle bundle = before;
  v1::AuditEntry audit;
  audit.set_actor(std::string(actor));
  audit.set_action(std::string(action));
  audit.set_target(std::string(target));
  audit.set_reason(std::string(reason));
  absl::Status edited = edit(&bundle, &audit);
  if (!edited.ok()) return edited;
  SortBundle(&bundle);
  // Writing the same entry again is no change: a new version would only
  // make the committee's list of versions to review longer.
  if (google::protobuf::util::MessageDifferencer::Equals(before, bundle)) {
    AuditedWrite unchanged;
    unchanged.version = active->info;
    unchanged.unchanged = true;
    return unchanged;
  }

  absl::StatusOr<AuditedWrite> written =
      store_->CommitVersion(bundle, Origin(action, target, actor),
                            std::move(audit), active->info.sequence());
  if (!written.ok()) return written.status();
  Serve(written->version, std::move(bundle));
  return written;
}

void KnowledgeAdmin::Serve(const v1::KnowledgeVersionInfo& info,
                           v1::KnowledgeBundle bundle) {
  if (options_.holder == nullptr) return;
  // Built from memory rather than read back: the write is already durable,
  // and this cannot fail halfway and leave the old version serving.
  StoredKnowledge stored;
  stored.info = info;
  stored.name_index = BuildNameIndex(bundle);
  stored.bundle = std::move(bundle);
  *stored.bundle.mutable_manifest() = info.manifest();
  options_.holder->Set(KnowledgeSnapshot::Build(std::move(stored)));
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::UpsertDrug(
    const v1::Drug& drug, absl::string_view actor, absl::string_view reason) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::MutexLock lock(&mutex_);
  return Edit("upsert_drug", drug.id(), actor, reason,
              [&](v1::KnowledgeBundle* bundle, v1::AuditEntry* audit) {
                absl::Status names_free =
                    CheckNamesNotOwnedByOthers(*bundle, drug);
                if (!names_free.ok()) return names_free;
                const int i = IndexOf(bundle->drug(), drug.id());
                if (i >= 0) {
                  audit->set_previous_value(ToText(bundle->drug(i)));
                  *bundle->mutable_drug(i) = drug;
                } else {
                  *bundle->add_drug() = drug;
                }
                audit->set_new_value(ToText(drug));
                return absl::OkStatus();
              });
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::DeleteDrug(
    absl::string_view drug_id, absl::string_view actor,
    absl::string_view reason, DropGuard guard) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::MutexLock lock(&mutex_);
  return Edit(
      "delete_drug", drug_id, actor, reason,
      [&](v1::KnowledgeBundle* bundle, v1::AuditEntry* audit) {
        const int i = IndexOf(bundle->drug(), drug_id);
        if (i < 0) {
          return absl::NotFoundError(absl::StrCat(
              "drug '", drug_id, "' is not in the knowledge base"));
        }
        std::vector<std::string> references = ReferencesTo(*bundle, drug_id);
        if (!references.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "drug '", drug_id, "' cannot be deleted: it is still named by ",
              absl::StrJoin(references, ", "),
              "; change or remove those first"));
        }
        absl::Status droppable =
            CheckDroppedDrugs(*bundle, {std::string(drug_id)}, guard);
        if (!droppable.ok()) return droppable;
        audit->set_previous_value(ToText(bundle->drug(i)));
        bundle->mutable_drug()->DeleteSubrange(i, 1);
        return absl::OkStatus();
      });
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::UpsertClass(
    const v1::DrugClass& drug_class, absl::string_view actor,
    absl::string_view reason) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::MutexLock lock(&mutex_);
  return Edit("upsert_class", drug_class.id(), actor, reason,
              [&](v1::KnowledgeBundle* bundle, v1::AuditEntry* audit) {
                const int i = IndexOf(bundle->drug_class(), drug_class.id());
                if (i >= 0) {
                  audit->set_previous_value(ToText(bundle->drug_class(i)));
                  *bundle->mutable_drug_class(i) = drug_class;
                } else {
                  *bundle->add_drug_class() = drug_class;
                }
                audit->set_new_value(ToText(drug_class));
                return absl::OkStatus();
              });
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::CommitImport(
    const v1::KnowledgeBundle& bundle, absl::string_view origin,
    absl::string_view actor, absl::string_view reason, DropGuard guard) {
  v1::KnowledgeBundle sorted = bundle;
  SortBundle(&sorted);
  v1::AuditEntry audit;
  audit.set_actor(std::string(actor));
  audit.set_action("import");
  audit.set_reason(std::string(reason));
  absl::StatusOr<StoredKnowledge> previous = store_->ReadActive();
  if (previous.ok()) {
    absl::Status droppable = CheckDroppedDrugs(
        previous->bundle, DroppedDrugIds(previous->bundle, sorted), guard);
    if (!droppable.ok()) return droppable;
    audit.set_previous_value(ToText(previous->info.manifest()));
  } else if (!absl::IsNotFound(previous.status())) {
    return previous.status();
  }
  audit.set_new_value(ToText(sorted.manifest()));
  // An import replaces everything, so a concurrent edit is not lost by it:
  // no expected active version.
  absl::StatusOr<AuditedWrite> written = store_->CommitVersion(
      sorted, absl::StrCat(origin, " by ", actor), std::move(audit));
  if (!written.ok()) return written.status();
  Serve(written->version, std::move(sorted));
  return written;
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::ImportText(
    absl::string_view text, absl::string_view actor, absl::string_view reason,
    DropGuard guard) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  // Parsed and validated through the loader so problems carry line numbers
  // of the submitted text.
  LoadedKnowledge loaded;
  absl::Status parsed = loaded.AddText("request", text);
  if (!parsed.ok()) return parsed;
  absl::Status valid = ValidateKnowledge(loaded.bundle(), &loaded);
  if (!valid.ok()) return valid;
  absl::MutexLock lock(&mutex_);
  return CommitImport(loaded.bundle(), "import text", actor, reason, guard);
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::ImportBundle(
    const v1::KnowledgeBundle& bundle, absl::string_view actor,
    absl::string_view reason, DropGuard guard) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::Status valid = ValidateKnowledge(bundle);
  if (!valid.ok()) return valid;
  absl::MutexLock lock(&mutex_);
  return CommitImport(bundle, "import bundle", actor, reason, guard);
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::ImportDirectory(
    const std::string& directory, absl::string_view actor,
    absl::string_view reason, DropGuard guard) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(directory);
  if (!loaded.ok()) return loaded.status();
  absl::Status valid = ValidateKnowledge(loaded->bundle(), &*loaded);
  if (!valid.ok()) return valid;
  absl::MutexLock lock(&mutex_);
  return CommitImport(loaded->bundle(), absl::StrCat("import ", directory),
                      actor, reason, guard);
}

absl::StatusOr<AuditedWrite> KnowledgeAdmin::Activate(
    int64_t sequence, absl::string_view actor, absl::string_view reason) {
  absl::Status has_reason = RequireReason(reason);
  if (!has_reason.ok()) return has_reason;
  absl::MutexLock lock(&mutex_);
  // Read (and parse) the version before pointing at it, so a damaged
  // version is refused instead of activated.
  absl::StatusOr<StoredKnowledge> stored = store_->ReadVersion(sequence);
  if (!stored.ok()) return stored.status();
  v1::AuditEntry audit;
  audit.set_actor(std::string(actor));
  audit.set_action("activate");
  audit.set_reason(std::string(reason));
  absl::StatusOr<AuditedWrite> written =
      store_->ActivateVersion(sequence, std::move(audit));
  if (!written.ok()) return written.status();
  if (options_.holder != nullptr) {
    options_.holder->Set(KnowledgeSnapshot::Build(*std::move(stored)));
  }
  return written;
}

absl::StatusOr<KnowledgeVersions> KnowledgeAdmin::ListVersions() const {
  KnowledgeVersions result;
  absl::StatusOr<int64_t> active = store_->ActiveSequence();
  if (!active.ok()) return active.status();
  result.active_sequence = *active;
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();
  if (!versions.ok()) return versions.status();
  result.versions = *std::move(versions);
  return result;
}

absl::StatusOr<std::vector<v1::AuditEntry>> KnowledgeAdmin::ReadAuditLog(
    int64_t from_unix_seconds, int64_t to_unix_seconds, int limit) const {
  if (limit < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", limit, " is negative"));
  }
  if (from_unix_seconds < 0 || to_unix_seconds < 0 ||
      (to_unix_seconds != 0 && from_unix_seconds > to_unix_seconds)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "from_unix_seconds ", from_unix_seconds, " and to_unix_seconds ",
        to_unix_seconds, " are not a range (0 means unbounded)"));
  }
  return store_->ReadAuditLog(from_unix_seconds, to_unix_seconds,
                              limit == 0 ? kDefaultAuditLimit : limit);
}

}  // namespace dystonia
