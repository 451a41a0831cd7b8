// Shared by the libFuzzer targets: the bundled knowledge base, loaded once,
// and a check that aborts (so libFuzzer records a crash) when a property of
// the code under test does not hold.
#ifndef DYSTONIA_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define DYSTONIA_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"

namespace dystonia::fuzz {

inline void Require(bool holds, const char* property) {
  if (!holds) {
    std::fprintf(stderr, "fuzz: property broken: %s\n", property);
    std::abort();
  }
}

inline std::string BundledKnowledgeDir() {
  return std::string(DYSTONIA_SOURCE_DIR) + "/drug_db/knowledge";
}

// The repository's knowledge base, validated and indexed on first use.
inline const KnowledgeSnapshot& BundledKnowledge() {
  static const std::shared_ptr<const KnowledgeSnapshot> snapshot = [] {
    auto bundle = ReadAndValidateKnowledgeDirectory(BundledKnowledgeDir());
    if (!bundle.ok()) {
      std::fprintf(stderr, "fuzz: bundled knowledge base: %s\n",
                   bundle.status().ToString().c_str());
      std::abort();
    }
    return KnowledgeSnapshot::FromBundle(*bundle);
  }();
  return *snapshot;
}

}  // namespace dystonia::fuzz

#endif  // DYSTONIA_TESTS_FUZZ_FUZZ_SUPPORT_H_
