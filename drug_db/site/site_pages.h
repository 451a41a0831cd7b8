#ifndef DYSTONIA_DRUG_DB_SITE_SITE_PAGES_H_
#define DYSTONIA_DRUG_DB_SITE_SITE_PAGES_H_

// The page renderers of the knowledge site, one per page kind. Each returns
// a whole document; every knowledge text in it is escaped. Internal to
// drug_db/site (KnowledgeSite calls them).

#include <string>

#include "absl/strings/string_view.h"
#include "drug_db/site/site_context.h"

namespace dystonia::site {

// index.html: version, counts, sources by kind, the clinical model in
// brief, the search box and the drugs by class.
std::string RenderIndexPage(const SiteContext& context);
// drugs/<id>.html.
std::string RenderDrugPage(const SiteContext& context, const v1::Drug& drug);
// classes/<id>.html.
std::string RenderClassPage(const SiteContext& context,
                            const v1::DrugClass& drug_class);
// conditions/<id>.html.
std::string RenderConditionPage(const SiteContext& context,
                                const v1::ClinicalCondition& condition);
// citations.html: every citation and the claims resting on it.
std::string RenderCitationsPage(const SiteContext& context);
// changes.html: `changes_html` (trusted, pre-rendered) or, when it is
// empty, a note that there is no earlier version to compare.
std::string RenderChangesPage(const SiteContext& context,
                              absl::string_view changes_html);
// search-index.js: sets window.KB_SEARCH_INDEX to [term, kind, drug name,
// page] rows for names, synonyms, brands, forms and codes.
std::string RenderSearchIndexJs(const SiteContext& context);

}  // namespace dystonia::site

#endif  // DYSTONIA_DRUG_DB_SITE_SITE_PAGES_H_
