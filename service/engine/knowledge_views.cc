#include "service/engine/knowledge_views.h"

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/citation_sources.h"
#include "service/engine/name_resolver.h"
#include "service/engine/request_validator.h"

namespace dystonia {
namespace {

constexpr int kDefaultSearchLimit = 10;
constexpr int kMaxSearchLimit = 100;

absl::Status ValidateQuery(absl::string_view query) {
  if (!IsValidUtf8(query)) {
    return absl::InvalidArgumentError("query: is not valid UTF-8");
  }
  if (absl::StripAsciiWhitespace(query).empty()) {
    return absl::InvalidArgumentError("query: is empty");
  }
  if (CountCodePoints(query) > kMaxNameCharacters) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: ", CountCodePoints(query), " characters, at most ",
                     kMaxNameCharacters));
  }
  return absl::OkStatus();
}

v1::LiabilityView ViewOf(const KnowledgeSnapshot& knowledge,
                         const v1::Liability& liability) {
  v1::LiabilityView view;
  view.set_level(liability.level());
  view.set_evidence(liability.evidence());
  view.set_note(liability.note());
  for (const std::string& id : liability.citation_ids()) {
    if (const v1::Citation* citation = knowledge.FindCitation(id)) {
      *view.add_citations() = *citation;
    }
  }
  return view;
}

}  // namespace

absl::StatusOr<v1::DrugProfile> DescribeDrug(const KnowledgeSnapshot& knowledge,
                                             absl::string_view query) {
  absl::Status valid = ValidateQuery(query);
  if (!valid.ok()) return valid;
  const Resolution resolution = NameResolver::ResolveText(knowledge, query);
  if (resolution.drug < 0) {
    const std::vector<std::string> suggestions =
        NameResolver::Suggest(knowledge, query);
    return absl::NotFoundError(absl::StrCat(
        "query: no drug matches '", query, "'",
        suggestions.empty()
            ? ""
            : absl::StrCat("; did you mean: ", absl::StrJoin(suggestions, ", "))));
  }
  const DrugEntry& entry = knowledge.drugs()[resolution.drug];
  const v1::Drug& drug = *entry.drug;
  v1::DrugProfile profile;
  profile.set_drug_id(drug.id());
  profile.set_name(drug.name());
  profile.mutable_synonyms()->CopyFrom(drug.synonyms());
  profile.mutable_brands()->CopyFrom(drug.brands());
  profile.mutable_forms()->CopyFrom(drug.forms());
  profile.mutable_rxcuis()->CopyFrom(drug.rxcuis());
  profile.mutable_atc_codes()->CopyFrom(drug.atc_codes());
  for (const v1::DrugClass* drug_class : entry.classes) {
    v1::DrugClassView* view = profile.add_classes();
    view->set_id(drug_class->id());
    view->set_name(drug_class->name());
    view->mutable_roles()->CopyFrom(drug_class->roles());
  }
  *profile.mutable_acute() = ViewOf(knowledge, drug.acute());
  *profile.mutable_tardive() = ViewOf(knowledge, drug.tardive());
  for (const v1::RouteLiability& by_route : drug.route_liabilities()) {
    v1::RouteLiabilityView* view = profile.add_route_liabilities();
    view->set_route(by_route.route());
    *view->mutable_acute() = ViewOf(knowledge, by_route.acute());
    *view->mutable_tardive() = ViewOf(knowledge, by_route.tardive());
  }
  profile.mutable_dose_thresholds()->CopyFrom(drug.dose_thresholds());
  for (int c : entry.cautions) {
    const v1::Caution& caution = knowledge.caution(c);
    v1::CautionView* view = profile.add_cautions();
    *view->mutable_caution() = caution;
    for (const std::string& id : caution.citation_ids()) {
      if (const v1::Citation* citation = knowledge.FindCitation(id)) {
        *view->add_citations() = *citation;
      }
    }
  }
  profile.mutable_ingredient_ids()->CopyFrom(drug.ingredient_ids());
  profile.set_matched_name(resolution.matched_name);
  profile.set_match_kind(resolution.match_kind);
  profile.set_knowledge_base_version(knowledge.version());
  return profile;
}

absl::StatusOr<std::vector<v1::DrugMatch>> SearchDrugs(
    const KnowledgeSnapshot& knowledge, absl::string_view query, int limit) {
  absl::Status valid = ValidateQuery(query);
  if (!valid.ok()) return valid;
  if (limit < 0 || limit > kMaxSearchLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: ", limit, " is outside 0..", kMaxSearchLimit));
  }
  return NameResolver::Search(knowledge, query,
                              limit == 0 ? kDefaultSearchLimit : limit);
}

v1::KnowledgeBaseInfo DescribeKnowledgeBase(const KnowledgeSnapshot& knowledge) {
  const v1::KnowledgeBundle& bundle = knowledge.bundle();
  v1::KnowledgeBaseInfo info;
  info.set_version(knowledge.version());
  info.set_title(knowledge.info().manifest().title());
  info.set_schema_version(DrugStore::kSchemaVersion);
  info.set_drug_count(bundle.drug_size());
  info.set_class_count(bundle.drug_class_size());
  info.set_citation_count(bundle.citation_size());
  info.set_modifier_count(bundle.modifier_size());
  info.set_interaction_count(bundle.interaction_size());
  info.set_recommendation_count(bundle.recommendation_size());
  info.set_condition_count(bundle.condition_size());
  info.set_caution_count(bundle.caution_size());
  info.set_rxnorm_release(knowledge.info().manifest().rxnorm_release());
  info.set_name_count(static_cast<int>(knowledge.sorted_names().size()));
  info.set_imported_at_unix_seconds(knowledge.info().imported_at_unix_seconds());
  std::map<v1::Citation::Kind, v1::CitationKindCount> by_kind;
  for (const v1::Citation& citation : bundle.citation()) {
    v1::CitationKindCount& count = by_kind[citation.kind()];
    count.set_kind(citation.kind());
    count.set_citations(count.citations() + 1);
    if (CheckPrimarySource(citation).ok())
      count.set_primary_sources(count.primary_sources() + 1);
  }
  for (const auto& [kind, count] : by_kind) *info.add_citation_kinds() = count;
  std::map<std::string, int> by_publisher;
  for (const v1::Citation& citation : bundle.citation()) {
    by_publisher[citation.publisher().empty() ? "(publisher not recorded)"
                                              : citation.publisher()]++;
    *info.add_citations() = citation;
  }
  for (const auto& [publisher, count] : by_publisher) {
    v1::SourceCount* source = info.add_sources();
    source->set_publisher(publisher);
    source->set_citations(count);
  }
  return info;
}

}  // namespace dystonia
