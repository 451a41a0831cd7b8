#ifndef DYSTONIA_TESTS_TESTING_KNOWLEDGE_FIXTURE_H_
#define DYSTONIA_TESTS_TESTING_KNOWLEDGE_FIXTURE_H_

#include <memory>
#include <string>

#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "gtest/gtest.h"

namespace dystonia::testing {

// The repository's bundled knowledge base directory.
inline std::string BundledKnowledgeDir() {
  return std::string(DYSTONIA_SOURCE_DIR) + "/drug_db/knowledge";
}

// The bundled knowledge base, validated and indexed once per test binary.
inline std::shared_ptr<const KnowledgeSnapshot> BundledKnowledge() {
  static const std::shared_ptr<const KnowledgeSnapshot> snapshot = [] {
    auto bundle = ReadAndValidateKnowledgeDirectory(BundledKnowledgeDir());
    EXPECT_TRUE(bundle.ok()) << bundle.status();
    return KnowledgeSnapshot::FromBundle(bundle.ok() ? *bundle
                                                     : v1::KnowledgeBundle());
  }();
  return snapshot;
}

// A fresh, empty directory under the test temp dir, removed when the test
// process ends (unless DYSTONIA_KEEP_TEST_DIRS is set).
std::string NewTempDir(const std::string& name);

// Sets `path` to mode 0600, as the server demands of key and token files.
void MakeOwnerOnly(const std::string& path);

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_KNOWLEDGE_FIXTURE_H_
