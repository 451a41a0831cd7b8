#include "drug_db/knowledge_export.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_import.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::BundledKnowledgeDir;
using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::drug_db_testing::WriteFile;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class KnowledgeExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DrugStore>> store =
        DrugStore::Open(NewTempDir("export-store"));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  std::unique_ptr<DrugStore> store_;
};

TEST_F(KnowledgeExportTest, BundledKnowledgeRoundTripsThroughExport) {
  ASSERT_THAT(ImportKnowledgeDirectory(*store_, BundledKnowledgeDir()), IsOk());
  const std::string out = NewTempDir("export-bundled");

  ASSERT_THAT(ExportKnowledge(*store_, 0, out), IsOk());

  auto reread = ReadAndValidateKnowledgeDirectory(out);
  ASSERT_THAT(reread, IsOk());
  auto stored = store_->ReadActive();
  ASSERT_THAT(stored, IsOk());
  SortBundle(&*reread);
  EXPECT_TRUE(MessageDifferencer::Equals(*reread, stored->bundle));
  // Imported again, it is the same knowledge base.
  auto again = DrugStore::Open(NewTempDir("export-reimport"));
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT(ImportKnowledgeDirectory(**again, out), IsOk());
  auto reimported = (*again)->ReadActive();
  ASSERT_THAT(reimported, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(reimported->bundle, stored->bundle));
  EXPECT_EQ(reimported->name_index.size(), stored->name_index.size());
}

TEST_F(KnowledgeExportTest, WritesOneFilePerKind) {
  auto files = RenderKnowledgeFiles(MinimalBundle());

  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.first);
  EXPECT_THAT(
      names,
      ElementsAre("manifest.textproto", "citations.textproto",
                  "classes.textproto", "drugs.textproto", "modifiers.textproto",
                  "interactions.textproto", "recommendations.textproto",
                  "conditions.textproto", "cautions.textproto"));
  EXPECT_THAT(files[3].second, HasSubstr("id: \"alphazine\""));
  EXPECT_THAT(files[3].second, Not(HasSubstr("manifest")));
}

TEST_F(KnowledgeExportTest, EntriesAreSortedById) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  bundle.mutable_drug()->SwapElements(0, 1);  // betazol before alphazine

  const std::string drugs = RenderKnowledgeFiles(bundle)[3].second;

  EXPECT_LT(drugs.find("\"alphazine\""), drugs.find("\"betazol\""));
}

// A pharmacist's edit shows in `diff -r` as a change to one file.
TEST_F(KnowledgeExportTest, EditChangesOnlyItsKindsFile) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "test"), IsOk());
  KnowledgeAdmin admin(store_.get());
  v1::Drug drug = MinimalBundle().drug(1);
  drug.add_brands("Betax Forte");
  ASSERT_THAT(admin.UpsertDrug(drug, "pharmacist", "new brand"), IsOk());
  const std::string before = NewTempDir("export-before");
  const std::string after = NewTempDir("export-after");

  ASSERT_THAT(ExportKnowledge(*store_, 1, before), IsOk());
  ASSERT_THAT(ExportKnowledge(*store_, 0, after), IsOk());

  for (const char* name :
       {"manifest.textproto", "citations.textproto", "classes.textproto",
        "modifiers.textproto", "interactions.textproto",
        "recommendations.textproto"}) {
    EXPECT_EQ(ReadText(before + "/" + name), ReadText(after + "/" + name))
        << name;
  }
  EXPECT_THAT(ReadText(before + "/drugs.textproto"),
              Not(HasSubstr("Betax Forte")));
  EXPECT_THAT(ReadText(after + "/drugs.textproto"), HasSubstr("Betax Forte"));
}

TEST_F(KnowledgeExportTest, ExportOfMissingVersionIsNotFound) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "test"), IsOk());

  EXPECT_THAT(ExportKnowledge(*store_, 9, NewTempDir("export-missing")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(KnowledgeExportTest, DirectoryWithOtherTextprotoIsFailedPrecondition) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "test"), IsOk());
  const std::string out = NewTempDir("export-foreign");
  WriteFile(out + "/antipsychotics.textproto", "");

  EXPECT_THAT(ExportKnowledge(*store_, 0, out),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(KnowledgeExportTest, ExportingTwiceIntoTheSameDirectoryReplaces) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "test"), IsOk());
  const std::string out = NewTempDir("export-twice");
  ASSERT_THAT(ExportKnowledge(*store_, 0, out), IsOk());

  EXPECT_THAT(ExportKnowledge(*store_, 0, out), IsOk());
  EXPECT_THAT(ReadAndValidateKnowledgeDirectory(out), IsOk());
}

}  // namespace
}  // namespace dystonia
