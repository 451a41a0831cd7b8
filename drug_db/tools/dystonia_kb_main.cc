// dystonia-kb: validates the text knowledge base and imports it into the
// RocksDB store.
//
//   dystonia-kb validate [--knowledge_dir DIR]
//   dystonia-kb import   [--knowledge_dir DIR] [--db_path DIR]
//   dystonia-kb info     [--db_path DIR]
//   dystonia-kb versions [--db_path DIR]
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"

ABSL_FLAG(std::string, db_path, "data/dystonia-db",
          "RocksDB directory of the drug store");
ABSL_FLAG(std::string, knowledge_dir, "drug_db/knowledge",
          "Directory of the text knowledge base (*.textproto)");

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "dystonia-kb: " << status.message() << "\n";
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

void PrintVersion(const dystonia::v1::KnowledgeVersionInfo& info) {
  std::cout << info.version() << "  imported_at=" << info.imported_at_unix_seconds()
            << "  origin=" << info.origin() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "dystonia-kb validate|import|info|versions [--knowledge_dir DIR] "
      "[--db_path DIR]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::cerr << absl::ProgramUsageMessage() << "\n";
    return 2;
  }
  const std::string command = args[1];
  const std::string knowledge_dir = absl::GetFlag(FLAGS_knowledge_dir);

  if (command == "validate") {
    auto bundle = dystonia::ReadAndValidateKnowledgeDirectory(knowledge_dir);
    if (!bundle.ok()) return Fail(bundle.status());
    std::cout << knowledge_dir << ": valid, " << bundle->drug_size()
              << " drugs, " << bundle->drug_class_size() << " classes, "
              << bundle->citation_size() << " citations\n";
    return 0;
  }

  auto store = dystonia::DrugStore::Open(absl::GetFlag(FLAGS_db_path));
  if (!store.ok()) return Fail(store.status());

  if (command == "import") {
    auto info = dystonia::ImportKnowledgeDirectory(**store, knowledge_dir);
    if (!info.ok()) return Fail(info.status());
    std::cout << "imported " << knowledge_dir << " as version "
              << info->version() << "\n";
    return 0;
  }
  if (command == "info") {
    auto snapshot = dystonia::KnowledgeSnapshot::Load(**store);
    if (!snapshot.ok()) return Fail(snapshot.status());
    const auto& bundle = (*snapshot)->bundle();
    std::cout << "version " << (*snapshot)->version() << ": "
              << bundle.drug_size() << " drugs, " << bundle.drug_class_size()
              << " classes, " << bundle.citation_size() << " citations, "
              << bundle.modifier_size() << " modifiers, "
              << bundle.interaction_size() << " interactions, "
              << bundle.recommendation_size() << " recommendations, "
              << (*snapshot)->sorted_names().size()
              << " names (generic, synonyms, brands, forms)\n";
    return 0;
  }
  if (command == "versions") {
    auto versions = (*store)->ListVersions();
    if (!versions.ok()) return Fail(versions.status());
    auto active = (*store)->ActiveVersion();
    for (const auto& info : *versions) {
      std::cout << (active.ok() && active->sequence() == info.sequence() ? "* "
                                                                         : "  ");
      PrintVersion(info);
    }
    return 0;
  }
  std::cerr << "dystonia-kb: unknown command '" << command << "'\n"
            << absl::ProgramUsageMessage() << "\n";
  return 2;
}
