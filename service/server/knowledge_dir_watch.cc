#include "service/server/knowledge_dir_watch.h"

#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_admin.h"
#include "service/server/knowledge_watch.h"

namespace dystonia {

std::unique_ptr<KnowledgeDirWatch> KnowledgeDirWatch::Start(
    std::string directory, absl::Duration period, KnowledgeAdmin* admin,
    const KnowledgeHolder* holder) {
  std::unique_ptr<KnowledgeDirWatch> watch(
      new KnowledgeDirWatch(std::move(directory), period, admin, holder));
  watch->thread_ = std::thread([raw = watch.get()] { raw->Run(); });
  return watch;
}

KnowledgeDirWatch::KnowledgeDirWatch(std::string directory,
                                     absl::Duration period,
                                     KnowledgeAdmin* admin,
                                     const KnowledgeHolder* holder)
    : directory_(std::move(directory)),
      period_(period),
      admin_(admin),
      holder_(holder) {}

KnowledgeDirWatch::~KnowledgeDirWatch() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

void KnowledgeDirWatch::Run() {
  while (!stop_.WaitFor(period_)) ImportIfChanged();
}

void KnowledgeDirWatch::ImportIfChanged() {
  // A ConfigMap update swaps the whole directory at once (an atomic symlink
  // swap), so a read sees the old bundle or the new one, never a mix.
  absl::StatusOr<v1::KnowledgeBundle> bundle =
      ReadAndValidateKnowledgeDirectory(directory_);
  if (!bundle.ok()) {
    const std::string why(bundle.status().message());
    if (why != last_refused_) {
      std::cerr << "dystonia-server: " << directory_
                << " refused: " << why << "; still serving the previous version\n";
      last_refused_ = why;
    }
    return;
  }
  last_refused_.clear();
  SortBundle(&*bundle);
  const std::string seen = BundleSha256(*bundle);
  // The directory is imported when it changes, not whenever the served
  // version differs from it: an admin write made since stands until the next
  // bundle appears. The first look imports a bundle the store does not
  // serve (a pod restarted with a newer ConfigMap).
  const bool first_look = last_seen_.empty();
  if (seen == last_seen_) return;
  last_seen_ = seen;
  std::shared_ptr<const KnowledgeSnapshot> current = holder_->Current();
  if (first_look && current != nullptr &&
      BundleSha256(current->bundle()) == seen) {
    return;  // already serving it
  }
  absl::StatusOr<AuditedWrite> imported = admin_->ImportBundle(
      *bundle, "watch of --knowledge_dir",
      absl::StrCat("a new bundle appeared in ", directory_));
  if (!imported.ok()) {
    std::cerr << "dystonia-server: " << directory_
              << " refused: " << imported.status().message() << "\n";
    return;
  }
  std::cerr << "dystonia-server: imported " << directory_ << " as version "
            << imported->version.version() << "\n";
}

}  // namespace dystonia
