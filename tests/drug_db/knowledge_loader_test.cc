#include "drug_db/knowledge_loader.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::BundledKnowledgeDir;
using ::dystonia::drug_db_testing::LineOf;
using ::dystonia::drug_db_testing::MinimalBundleText;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::drug_db_testing::WriteFile;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr char kManifestText[] = R"txt(manifest {
  version: "1.0"
}
)txt";

constexpr char kCitationsText[] = R"txt(citation {
  id: "label-a"
  kind: LABEL
  title: "Label A"
}
citation {
  id: "label-b"
  kind: LABEL
  title: "Label B"
}
)txt";

constexpr char kDrugsText[] = R"txt(# Two drugs.
drug {
  id: "alphazine"
  name: "alphazine"
  brands: "Alphax"
  brands: "Alphax Depot"
}

drug {
  id: "betazol"
  name: "betazol"
}
)txt";

TEST(KnowledgeLoaderTest, SyntaxErrorNamesFileLineAndColumn) {
  LoadedKnowledge loaded;
  const std::string text = "manifest {\n  version: \"1.0\"\n  bogus: 3\n}\n";

  absl::Status status = loaded.AddText("broken.textproto", text);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  // The position is the contract: a reviewer jumps to it.
  EXPECT_THAT(std::string(status.message()),
              ContainsRegex("broken\\.textproto:3:[0-9]+: "));
}

TEST(KnowledgeLoaderTest, SyntaxErrorColumnIsOneBased) {
  LoadedKnowledge loaded;
  // The value "1.0" starts at column 11 and should follow a ':'.
  const std::string text = "manifest {\n  version \"1.0\"\n}\n";

  absl::Status status = loaded.AddText("broken.textproto", text);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("broken.textproto:2:11: "));
}

TEST(KnowledgeLoaderTest, UnterminatedMessageIsInvalidArgument) {
  LoadedKnowledge loaded;

  absl::Status status =
      loaded.AddText("open.textproto", "drug {\n  id: \"x\"\n");

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("open.textproto:"));
}

TEST(KnowledgeLoaderTest, SecondManifestIsRejected) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("a.textproto", kManifestText), IsOk());

  absl::Status status =
      loaded.AddText("b.textproto", "manifest {\n  version: \"2.0\"\n}\n");

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("b.textproto"));
  EXPECT_EQ(loaded.bundle().manifest().version(), "1.0");
}

TEST(KnowledgeLoaderTest, EntriesFromSeveralFilesMerge) {
  LoadedKnowledge loaded;

  ASSERT_THAT(loaded.AddText("manifest.textproto", kManifestText), IsOk());
  ASSERT_THAT(loaded.AddText("citations.textproto", kCitationsText), IsOk());
  ASSERT_THAT(loaded.AddText("drugs.textproto", kDrugsText), IsOk());

  const v1::KnowledgeBundle& bundle = loaded.bundle();
  EXPECT_EQ(bundle.manifest().version(), "1.0");
  ASSERT_EQ(bundle.citation_size(), 2);
  EXPECT_EQ(bundle.citation(0).id(), "label-a");
  EXPECT_EQ(bundle.citation(1).id(), "label-b");
  ASSERT_EQ(bundle.drug_size(), 2);
  EXPECT_EQ(bundle.drug(0).id(), "alphazine");
  EXPECT_EQ(bundle.drug(1).id(), "betazol");
}

TEST(KnowledgeLoaderTest, LocateGivesFileAndLineOfEntry) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("manifest.textproto", kManifestText), IsOk());
  ASSERT_THAT(loaded.AddText("citations.textproto", kCitationsText), IsOk());
  ASSERT_THAT(loaded.AddText("drugs.textproto", kDrugsText), IsOk());

  const std::string manifest = loaded.Locate(EntryKind::kManifest, 0);
  const std::string second_citation = loaded.Locate(EntryKind::kCitation, 1);
  const std::string second_drug = loaded.Locate(EntryKind::kDrug, 1);

  EXPECT_EQ(manifest, "manifest.textproto:1");
  EXPECT_EQ(second_citation,
            absl::StrCat("citations.textproto:",
                         LineOf(kCitationsText, "id: \"label-b\"") - 1));
  EXPECT_EQ(second_drug,
            absl::StrCat("drugs.textproto:",
                         LineOf(kDrugsText, "id: \"betazol\"") - 1));
}

TEST(KnowledgeLoaderTest, LocateCountsEntriesAcrossFiles) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("a.textproto", kCitationsText), IsOk());
  ASSERT_THAT(
      loaded.AddText("b.textproto", "citation {\n  id: \"label-c\"\n}\n"),
      IsOk());

  const std::string third_citation = loaded.Locate(EntryKind::kCitation, 2);

  EXPECT_EQ(third_citation, "b.textproto:1");
}

TEST(KnowledgeLoaderTest, LocateGivesFileAndLineOfField) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("drugs.textproto", kDrugsText), IsOk());

  const std::string name = loaded.Locate(EntryKind::kDrug, 0, "name");
  const std::string first_brand =
      loaded.Locate(EntryKind::kDrug, 0, "brands", 0);
  const std::string second_brand =
      loaded.Locate(EntryKind::kDrug, 0, "brands", 1);

  EXPECT_EQ(name, absl::StrCat("drugs.textproto:",
                               LineOf(kDrugsText, "name: \"alphazine\"")));
  EXPECT_EQ(first_brand,
            absl::StrCat("drugs.textproto:", LineOf(kDrugsText, "\"Alphax\"")));
  EXPECT_EQ(second_brand, absl::StrCat("drugs.textproto:",
                                       LineOf(kDrugsText, "\"Alphax Depot\"")));
}

TEST(KnowledgeLoaderTest, LocateOfAbsentFieldFallsBackToEntry) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("drugs.textproto", kDrugsText), IsOk());

  const std::string rxcuis = loaded.Locate(EntryKind::kDrug, 1, "rxcuis", 0);

  EXPECT_EQ(rxcuis, absl::StrCat("drugs.textproto:",
                                 LineOf(kDrugsText, "id: \"betazol\"") - 1));
}

TEST(KnowledgeLoaderTest, LocateOfUnknownEntryIsEmpty) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("drugs.textproto", kDrugsText), IsOk());

  const std::string missing = loaded.Locate(EntryKind::kDrug, 7);
  const std::string no_modifiers = loaded.Locate(EntryKind::kModifier, 0);

  EXPECT_EQ(missing, "");
  EXPECT_EQ(no_modifiers, "");
}

TEST(KnowledgeLoaderTest, LoadsDirectoryInNameOrder) {
  const std::string dir = NewTempDir("knowledge");
  WriteFile(dir + "/b_drugs.textproto", kDrugsText);
  WriteFile(dir + "/a_manifest.textproto", kManifestText);
  WriteFile(dir + "/notes.txt", "not a textproto {");

  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(dir);

  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->bundle().manifest().version(), "1.0");
  EXPECT_EQ(loaded->bundle().drug_size(), 2);
  EXPECT_EQ(loaded->Locate(EntryKind::kDrug, 1),
            absl::StrCat(dir, "/b_drugs.textproto:",
                         LineOf(kDrugsText, "id: \"betazol\"") - 1));
}

TEST(KnowledgeLoaderTest, SyntaxErrorInDirectoryNamesTheFile) {
  const std::string dir = NewTempDir("knowledge");
  WriteFile(dir + "/a.textproto", MinimalBundleText());
  WriteFile(dir + "/b.textproto", "drug {\n  id: \"x\"\n  name \"y\"\n}\n");

  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(dir);

  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr(absl::StrCat(dir, "/b.textproto:3:")));
}

TEST(KnowledgeLoaderTest, MissingDirectoryIsNotFound) {
  const std::string dir = NewTempDir("knowledge") + "/does-not-exist";

  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(dir);

  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kNotFound));
}

TEST(KnowledgeLoaderTest, DirectoryWithoutTextprotoIsNotFound) {
  const std::string dir = NewTempDir("knowledge");
  WriteFile(dir + "/README.md", "nothing here");

  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(dir);

  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kNotFound));
}

TEST(KnowledgeLoaderTest, LoadsBundledKnowledgeBase) {
  absl::StatusOr<LoadedKnowledge> loaded =
      LoadKnowledgeDirectory(BundledKnowledgeDir());

  ASSERT_THAT(loaded, IsOk());
  EXPECT_FALSE(loaded->bundle().manifest().version().empty());
  EXPECT_GT(loaded->bundle().drug_size(), 0);
  EXPECT_THAT(loaded->Locate(EntryKind::kManifest, 0),
              HasSubstr("manifest.textproto:"));
}

// Where a code was verified is written as a comment on its line; the loader
// keeps it with the code, so GetDrug and the knowledge site can show it.
TEST(KnowledgeLoaderTest, TheCommentOnACodesLineIsWhereItWasVerified) {
  LoadedKnowledge loaded;
  ASSERT_THAT(loaded.AddText("drugs.textproto", R"txt(drug {
  id: "alphazine"
  # A heading comment belongs to no code.
  rxcuis: "111"  # repo/a@0123abcd drug.sql: RxNorm:111
  rxcuis: "222"
  atc_codes: "N05AX99"  # WHO ATC index (repo/b atc.md)
  products { system: NDC code: "12345678901" name: "x # y" }  # openFDA https://api.fda.gov/drug/ndc.json?search=x (read 2026-12-04)
  products { system: RXNORM code: "333" verified_in: "kept as written" }  # not this
}
condition {
  id: "parkinsons"
  codes { system: "http://snomed.info/sct" code: "49049000" }  # VSAC value set in repo/c (db5a7e14)
}
)txt"),
              IsOk());

  const v1::Drug& drug = loaded.bundle().drug(0);
  ASSERT_EQ(drug.code_sources_size(), 2);  // "222" has no comment
  EXPECT_EQ(drug.code_sources(0).code(), "111");
  EXPECT_EQ(drug.code_sources(0).verified_in(),
            "repo/a@0123abcd drug.sql: RxNorm:111");
  EXPECT_EQ(drug.code_sources(1).code(), "N05AX99");
  EXPECT_EQ(drug.code_sources(1).verified_in(),
            "WHO ATC index (repo/b atc.md)");
  // A '#' inside a quoted name is not the comment.
  EXPECT_EQ(drug.products(0).verified_in(),
            "openFDA https://api.fda.gov/drug/ndc.json?search=x (read "
            "2026-12-04)");
  // A value written in the entry itself wins (an export carries it so).
  EXPECT_EQ(drug.products(1).verified_in(), "kept as written");
  EXPECT_EQ(loaded.bundle().condition(0).codes(0).verified_in(),
            "VSAC value set in repo/c (db5a7e14)");
}

TEST(KnowledgeLoaderTest, EveryBundledCodeSaysWhereItWasVerified) {
  absl::StatusOr<LoadedKnowledge> loaded =
      LoadKnowledgeDirectory(BundledKnowledgeDir());
  ASSERT_THAT(loaded, IsOk());
  for (const v1::Drug& drug : loaded->bundle().drug()) {
    EXPECT_EQ(drug.code_sources_size(),
              drug.rxcuis_size() + drug.atc_codes_size())
        << drug.id();
    for (const v1::ProductCode& product : drug.products()) {
      EXPECT_FALSE(product.verified_in().empty())
          << drug.id() << " " << product.code();
    }
  }
  for (const v1::ClinicalCondition& condition : loaded->bundle().condition()) {
    for (const v1::ConditionCode& code : condition.codes()) {
      EXPECT_FALSE(code.verified_in().empty())
          << condition.id() << " " << code.code();
    }
  }
}

}  // namespace
}  // namespace dystonia
