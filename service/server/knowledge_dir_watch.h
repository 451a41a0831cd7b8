#ifndef DYSTONIA_SERVICE_SERVER_KNOWLEDGE_DIR_WATCH_H_
#define DYSTONIA_SERVICE_SERVER_KNOWLEDGE_DIR_WATCH_H_

// --watch_knowledge_dir: imports and activates a new knowledge bundle that
// appears in --knowledge_dir (a Kubernetes ConfigMap mount is updated in
// place), so a site that keeps its knowledge in git can roll it out without
// the admin API. A bundle that does not validate is refused and logged; the
// server keeps serving what it had.

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_holder.h"
#include "service/server/stop_signal.h"

namespace dystonia {

class KnowledgeDirWatch {
 public:
  // Looks at `directory` every `period` on its own thread. `admin` and
  // `holder` outlive this.
  static std::unique_ptr<KnowledgeDirWatch> Start(std::string directory,
                                                  absl::Duration period,
                                                  KnowledgeAdmin* admin,
                                                  const KnowledgeHolder* holder);
  // Stops looking and joins.
  ~KnowledgeDirWatch();

 private:
  KnowledgeDirWatch(std::string directory, absl::Duration period,
                    KnowledgeAdmin* admin, const KnowledgeHolder* holder);
  void Run();
  // Imports the directory when its bundle differs from the one served.
  void ImportIfChanged();

  const std::string directory_;
  const absl::Duration period_;
  KnowledgeAdmin* const admin_;
  const KnowledgeHolder* const holder_;
  std::string last_refused_;  // why the last bundle was refused (logged once)
  std::string last_seen_;     // SHA-256 of the last bundle read ("" at first)
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_KNOWLEDGE_DIR_WATCH_H_
