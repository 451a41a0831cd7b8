#include "drug_db/site/knowledge_site.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_diff.h"
#include "drug_db/knowledge_diff_render.h"
#include "drug_db/site/site_assets.h"
#include "drug_db/site/site_context.h"
#include "drug_db/site/site_pages.h"

namespace dystonia {

std::string SiteContentType(absl::string_view path) {
  if (absl::EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (absl::EndsWith(path, ".json")) return "application/json";
  if (absl::EndsWith(path, ".png")) return "image/png";
  if (absl::EndsWith(path, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

KnowledgeSite BuildKnowledgeSite(const v1::KnowledgeBundle& bundle,
                                 const v1::KnowledgeVersionInfo& info,
                                 const KnowledgeSiteOptions& options) {
  const site::SiteContext context(bundle, info);
  KnowledgeSite files;
  auto add = [&files](const std::string& path, std::string bytes) {
    files[path] = SiteFile{SiteContentType(path), std::move(bytes)};
  };
  for (const auto& [path, bytes] : site::EmbeddedSiteAssets()) {
    add(std::string(path), std::string(bytes));
  }
  add("index.html", site::RenderIndexPage(context));
  add("citations.html", site::RenderCitationsPage(context));
  add("changes.html", site::RenderChangesPage(context, options.changes_html));
  add("search-index.js", site::RenderSearchIndexJs(context));
  for (const auto& drug : bundle.drug()) {
    add(site::DrugPath(drug.id()), site::RenderDrugPage(context, drug));
  }
  for (const auto& drug_class : bundle.drug_class()) {
    add(site::ClassPath(drug_class.id()),
        site::RenderClassPage(context, drug_class));
  }
  for (const auto& condition : bundle.condition()) {
    add(site::ConditionPath(condition.id()),
        site::RenderConditionPage(context, condition));
  }
  return files;
}

absl::Status WriteKnowledgeSite(const KnowledgeSite& site,
                                const std::string& directory) {
  namespace fs = std::filesystem;
  for (const auto& [path, file] : site) {
    const fs::path relative(path);
    bool plain = !path.empty() && relative.is_relative();
    for (const auto& part : relative) {
      if (part == ".." || part == ".") plain = false;
    }
    if (!plain) {
      return absl::InvalidArgumentError(
          absl::StrCat("site path '", path, "' is not a plain relative path"));
    }
    const fs::path target = fs::path(directory) / relative;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error) {
      return absl::InternalError(absl::StrCat("cannot create ",
                                              target.parent_path().string(),
                                              ": ", error.message()));
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
    out.close();
    if (!out) {
      return absl::InternalError(
          absl::StrCat("cannot write ", target.string()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<KnowledgeSiteOptions> StoredVersionSiteOptions(
    const DrugStore& store, int64_t sequence) {
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store.ListVersions();
  if (!versions.ok()) return versions.status();
  int64_t previous = 0;
  for (const v1::KnowledgeVersionInfo& info : *versions) {
    if (info.sequence() < sequence) {
      previous = std::max<int64_t>(previous, info.sequence());
    }
  }
  KnowledgeSiteOptions options;
  if (previous == 0) return options;
  absl::StatusOr<KnowledgeDiff> diff =
      DiffStoredVersions(store, previous, sequence);
  if (!diff.ok()) return diff.status();
  options.changes_html = RenderKnowledgeDiffHtmlFragment(*diff);
  return options;
}

}  // namespace dystonia
