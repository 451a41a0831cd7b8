#ifndef DYSTONIA_SERVICE_SERVER_KNOWLEDGE_SITE_ROUTES_H_
#define DYSTONIA_SERVICE_SERVER_KNOWLEDGE_SITE_ROUTES_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/site/knowledge_site.h"
#include "service/server/http_routes.h"

namespace dystonia {

// The knowledge browser served live at /kb/: the pages of
// BuildKnowledgeSite for the version the server is serving. The site is
// built on the first request for a version and kept until the serving
// version changes. A path is only ever looked up in the built site's map
// (never on disk), so "/kb/../x" is simply not found. Thread-safe.
class KnowledgeSiteRoutes {
 public:
  // Content-Security-Policy of every page: nothing from outside; scripts,
  // styles and fetches from the site itself, inline ones for self-contained
  // pages (a page with its script inside).
  static constexpr absl::string_view kContentSecurityPolicy =
      "default-src 'none'; script-src 'self' 'unsafe-inline'; "
      "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
      "connect-src 'self'; base-uri 'none'; form-action 'none'; "
      "frame-ancestors 'none'";

  // Neither is owned; both must outlive this. With a `store`, the changes
  // page compares the serving version with the stored one before it;
  // without, it says there is nothing to compare.
  explicit KnowledgeSiteRoutes(const KnowledgeHolder* knowledge,
                               const DrugStore* store = nullptr)
      : knowledge_(knowledge), store_(store) {}

  // Whether `path` (without its query) is the browser's: "/kb" or under
  // "/kb/".
  static bool Handles(absl::string_view path);

  // The answer to GET `path`: "/kb" redirects to "/kb/", "/kb/" is the
  // index, "/kb/<file>" the site's file; 404 for anything the site does not
  // hold, 503 before the server has a knowledge version.
  HttpAnswer Serve(absl::string_view path) const;

 private:
  // The site of the serving version, built now if it is not yet.
  std::shared_ptr<const KnowledgeSite> CurrentSite(std::string* version) const;

  const KnowledgeHolder* knowledge_;
  const DrugStore* store_;
  mutable absl::Mutex mutex_;
  mutable std::string built_version_ ABSL_GUARDED_BY(mutex_);
  mutable std::shared_ptr<const KnowledgeSite> built_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_KNOWLEDGE_SITE_ROUTES_H_
