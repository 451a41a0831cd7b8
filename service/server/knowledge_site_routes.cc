#include "service/server/knowledge_site_routes.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace dystonia {
namespace {

constexpr absl::string_view kPrefix = "/kb";

void AddPageHeaders(HttpAnswer& answer) {
  answer.headers.emplace_back(
      "Content-Security-Policy",
      std::string(KnowledgeSiteRoutes::kContentSecurityPolicy));
  answer.headers.emplace_back("X-Content-Type-Options", "nosniff");
  answer.headers.emplace_back("Referrer-Policy", "no-referrer");
  // The served version can change at any time: revalidate every page.
  answer.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace

bool KnowledgeSiteRoutes::Handles(absl::string_view path) {
  return path == kPrefix || absl::StartsWith(path, "/kb/");
}

std::shared_ptr<const KnowledgeSite> KnowledgeSiteRoutes::CurrentSite(
    std::string* version) const {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = knowledge_->Current();
  if (snapshot == nullptr) return nullptr;
  *version = snapshot->version();
  absl::MutexLock lock(&mutex_);
  if (built_ == nullptr || built_version_ != snapshot->version()) {
    KnowledgeSiteOptions options;
    if (store_ != nullptr) {
      absl::StatusOr<KnowledgeSiteOptions> stored =
          StoredVersionSiteOptions(*store_, snapshot->info().sequence());
      // The pages stand without the changes page; a store that cannot be
      // read now shows no changes rather than no site.
      if (stored.ok()) options = *std::move(stored);
    }
    built_ = std::make_shared<const KnowledgeSite>(
        BuildKnowledgeSite(snapshot->bundle(), snapshot->info(), options));
    built_version_ = snapshot->version();
  }
  return built_;
}

HttpAnswer KnowledgeSiteRoutes::Serve(absl::string_view path) const {
  if (path == kPrefix) {
    // Relative, so it also works behind a proxy that adds a prefix.
    HttpAnswer answer;
    answer.status = 301;
    answer.content_type = "text/plain; charset=utf-8";
    answer.body = "moved to kb/\n";
    answer.headers.emplace_back("Location", "kb/");
    return answer;
  }
  absl::string_view file = path;
  absl::ConsumePrefix(&file, "/kb/");
  if (file.empty()) file = "index.html";
  std::string version;
  std::shared_ptr<const KnowledgeSite> site = CurrentSite(&version);
  if (site == nullptr) {
    return ErrorAnswer(503, "the server has no knowledge version yet");
  }
  auto found = site->find(std::string(file));
  if (found == site->end()) return ErrorAnswer(404, "not found");
  HttpAnswer answer;
  answer.content_type = found->second.content_type;
  answer.body = found->second.bytes;
  AddPageHeaders(answer);
  return answer;
}

}  // namespace dystonia
