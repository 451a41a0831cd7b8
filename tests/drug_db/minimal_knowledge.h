#ifndef DYSTONIA_TESTS_DRUG_DB_MINIMAL_KNOWLEDGE_H_
#define DYSTONIA_TESTS_DRUG_DB_MINIMAL_KNOWLEDGE_H_

// Test helpers shared by the drug_db tests: a minimal valid knowledge bundle
// in text format, unique temp directories and file writing.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

#include "tests/testing/knowledge_fixture.h"

namespace dystonia::drug_db_testing {

// A valid bundle: a manifest, one citation, one class and two drugs, one field
// per line so tests can point at lines. Entries are in id order, as the store
// returns them.
inline std::string MinimalBundleText(absl::string_view version = "1.0") {
  return absl::StrCat("manifest {\n  version: \"", version, "\"\n",
                      R"txt(  title: "minimal test knowledge base"
}
citation {
  id: "label-alphazine"
  kind: LABEL
  title: "Alphazine prescribing information"
  year: 2020
}
drug_class {
  id: "fga"
  name: "first-generation antipsychotic"
  roles: CLASS_ROLE_DOPAMINE_BLOCKER
  roles: CLASS_ROLE_ANTIPSYCHOTIC
  atc_prefixes: "N05A"
}
drug {
  id: "alphazine"
  name: "alphazine"
  synonyms: "alphazine lactate"
  brands: "Alphax"
  brands: "Alphax Depot"
  rxcuis: "1111"
  atc_codes: "N05AD01"
  class_ids: "fga"
  acute {
    level: RISK_LEVEL_HIGH
    evidence: EVIDENCE_LEVEL_LABELED_WARNING
    citation_ids: "label-alphazine"
  }
  tardive {
    level: RISK_LEVEL_NONE
    evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
  }
}
drug {
  id: "betazol"
  name: "betazol"
  brands: "Betax"
  rxcuis: "2222"
  atc_codes: "A03FA01"
  acute {
    level: RISK_LEVEL_NONE
  }
  tardive {
    level: RISK_LEVEL_NONE
  }
}
)txt");
}

// Parses text format into a bundle; fails the test on a syntax error.
inline v1::KnowledgeBundle ParseBundle(const std::string& text) {
  v1::KnowledgeBundle bundle;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &bundle))
      << text;
  return bundle;
}

inline v1::KnowledgeBundle MinimalBundle(absl::string_view version = "1.0") {
  return ParseBundle(MinimalBundleText(version));
}

// Returns the 1-based line of the first line of `text` containing `needle`,
// or 0.
inline int LineOf(absl::string_view text, absl::string_view needle) {
  int line = 0;
  for (absl::string_view row : absl::StrSplit(text, '\n')) {
    ++line;
    if (absl::StrContains(row, needle)) return line;
  }
  return 0;
}

using ::dystonia::testing::NewTempDir;

inline void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(out) << "cannot write " << path;
  out << contents;
}

using ::dystonia::testing::BundledKnowledgeDir;

}  // namespace dystonia::drug_db_testing

#endif  // DYSTONIA_TESTS_DRUG_DB_MINIMAL_KNOWLEDGE_H_
