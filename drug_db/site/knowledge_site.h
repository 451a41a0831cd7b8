#ifndef DYSTONIA_DRUG_DB_SITE_KNOWLEDGE_SITE_H_
#define DYSTONIA_DRUG_DB_SITE_KNOWLEDGE_SITE_H_

// The knowledge browser: a static, self-contained HTML site of one
// knowledge version, built in memory so that `dystonia-kb site` can write it
// and the server can serve it at /kb/. Links are relative and the pages load
// nothing from outside, so the site works from file:// and under any URL
// prefix.
//
//   index.html                 version, counts, clinical model, search
//   drugs/<id>.html            one per drug
//   classes/<id>.html          one per class
//   conditions/<id>.html       one per condition
//   citations.html             every source and the claims resting on it
//   changes.html               against the version before (when given)
//   site.css, search.js        embedded assets (drug_db/site/assets/)
//   search-index.js            the search's index, as a script
//
// Thread-safe: every function is pure.

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "drug_db/drug_store.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

struct KnowledgeSiteOptions {
  // Pre-rendered HTML fragment of the changes against the version before,
  // placed as is in changes.html (trusted: the caller escapes). Default: ""
  // (the page says there is no earlier version to compare).
  std::string changes_html;
};

// The options of the site of stored version `sequence`: its changes page is
// the diff against the stored version before it, with the audit entries
// behind each change (drug_db/knowledge_diff); without an earlier version,
// none.
absl::StatusOr<KnowledgeSiteOptions> StoredVersionSiteOptions(
    const DrugStore& store, int64_t sequence);

struct SiteFile {
  // "text/html; charset=utf-8", "text/css; charset=utf-8", ...
  std::string content_type;
  std::string bytes;
};

// Site-relative path ("index.html", "drugs/haloperidol.html") -> file.
using KnowledgeSite = std::map<std::string, SiteFile>;

// Renders the whole site of `bundle`, whose version is `info`. Every text of
// the bundle is escaped; only http(s) citation URLs become links.
KnowledgeSite BuildKnowledgeSite(const v1::KnowledgeBundle& bundle,
                                 const v1::KnowledgeVersionInfo& info,
                                 const KnowledgeSiteOptions& options = {});

// Writes `site` under `directory` (created when missing; files of the same
// name replaced). kInvalidArgument naming the path when a site path is not
// a plain relative one; kInternal when a file cannot be written.
absl::Status WriteKnowledgeSite(const KnowledgeSite& site,
                                const std::string& directory);

// The Content-Type of a site path by its extension.
std::string SiteContentType(absl::string_view path);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_SITE_KNOWLEDGE_SITE_H_
