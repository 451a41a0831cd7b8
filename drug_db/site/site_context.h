#ifndef DYSTONIA_DRUG_DB_SITE_SITE_CONTEXT_H_
#define DYSTONIA_DRUG_DB_SITE_SITE_CONTEXT_H_

// What every page renderer of the knowledge site shares: lookups by id into
// the bundle, readable labels for the enums, links between pages and the
// page frame. Internal to drug_db/site.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia::site {

// A claim that rests on a citation: the page that makes it (relative to the
// site root) and what it is ("haloperidol: acute liability").
struct CitationUse {
  std::string href;
  std::string label;
};

// The bundle with its entries indexed by id. Holds pointers into `bundle`,
// which must outlive it.
struct SiteContext {
  explicit SiteContext(const v1::KnowledgeBundle& bundle,
                       const v1::KnowledgeVersionInfo& info);

  const v1::KnowledgeBundle& bundle;
  const v1::KnowledgeVersionInfo& info;
  std::map<std::string, const v1::Drug*> drugs;
  std::map<std::string, const v1::DrugClass*> classes;
  std::map<std::string, const v1::ClinicalCondition*> conditions;
  std::map<std::string, const v1::Citation*> citations;
  // Citation id -> the claims resting on it, in bundle order.
  std::map<std::string, std::vector<CitationUse>> citation_uses;
};

// Site-relative paths of the pages.
std::string DrugPath(absl::string_view drug_id);
std::string ClassPath(absl::string_view class_id);
std::string ConditionPath(absl::string_view condition_id);
std::string CitationAnchor(absl::string_view citation_id);

// <a href="ROOT+path">escaped text</a>; `root` is "" on top-level pages and
// "../" one folder down, so links stay relative.
std::string Link(absl::string_view root, absl::string_view path,
                 absl::string_view text);
// A link to the drug's page, or its escaped id when the bundle lacks it.
std::string DrugLink(const SiteContext& context, absl::string_view root,
                     absl::string_view drug_id);
std::string ClassLink(const SiteContext& context, absl::string_view root,
                      absl::string_view class_id);
std::string ConditionLink(const SiteContext& context, absl::string_view root,
                          absl::string_view condition_id);

// Where a code was verified (Drug.code_sources, ProductCode.verified_in,
// ConditionCode.verified_in), escaped, its http(s) URLs as links, in a span
// that wraps long URLs; "not recorded" when empty.
std::string VerifiedInHtml(absl::string_view verified_in);

// "HIGH", "labelled warning", "intramuscular", "label", "dopamine blocker".
std::string LevelLabel(v1::RiskLevel level);
std::string EvidenceLabel(v1::EvidenceLevel evidence);
std::string RouteLabel(v1::Route route);
std::string SyndromeLabel(v1::Syndrome syndrome);
std::string CitationKindLabel(v1::Citation::Kind kind);
std::string ClassRoleLabel(v1::ClassRole role);

// Whether `drug` is in `scope` (by id or by one of its classes; an empty
// scope holds every drug).
bool InScope(const v1::Scope& scope, const v1::Drug& drug);
// "every drug" or the listed classes and drugs, as links.
std::string ScopeHtml(const SiteContext& context, absl::string_view root,
                      const v1::Scope& scope);

// Comma-separated links to the citations page entries of `ids`.
std::string CitationRefs(absl::string_view root,
                         const google::protobuf::RepeatedPtrField<std::string>& ids);
// One <li> for a citation: title, section, publisher, year, identifiers,
// and its URL as a link when it is http(s).
std::string CitationItem(const v1::Citation& citation);

// The whole <li> of citation `id`, or its escaped id when this version
// lacks it.
std::string CitationListItem(const SiteContext& context, absl::string_view id);

// Whether `drug` is a member of class `class_id`.
bool InClass(const v1::Drug& drug, absl::string_view class_id);

// A comma-separated, escaped list; "—" when empty.
std::string JoinEscaped(const google::protobuf::RepeatedPtrField<std::string>& items);

// The whole HTML document: head (title, site.css), a navigation bar, then
// `body_html` in <main>.
std::string RenderPage(const SiteContext& context, absl::string_view title,
                       absl::string_view root, absl::string_view body_html);

}  // namespace dystonia::site

#endif  // DYSTONIA_DRUG_DB_SITE_SITE_CONTEXT_H_
