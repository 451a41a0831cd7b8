#include "drug_db/knowledge_import.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "drug_db/drug_store.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
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
using ::testing::HasSubstr;
using ::testing::Not;

// Entries written in the knowledge files, counted file by file.
struct EntryCounts {
  int manifests = 0;
  int citations = 0;
  int classes = 0;
  int drugs = 0;
  int modifiers = 0;
  int interactions = 0;
  int recommendations = 0;
};

EntryCounts CountEntriesOfEachFile(const std::string& directory) {
  EntryCounts counts;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() != ".textproto") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    v1::KnowledgeBundle file;
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text.str(), &file))
        << entry.path();
    counts.manifests += file.has_manifest() ? 1 : 0;
    counts.citations += file.citation_size();
    counts.classes += file.drug_class_size();
    counts.drugs += file.drug_size();
    counts.modifiers += file.modifier_size();
    counts.interactions += file.interaction_size();
    counts.recommendations += file.recommendation_size();
  }
  return counts;
}

class KnowledgeImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DrugStore>> store =
        DrugStore::Open(NewTempDir("store"));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  // A knowledge directory holding the minimal bundle as one file.
  std::string MinimalKnowledgeDir(absl::string_view version = "1.0") {
    const std::string dir = NewTempDir("knowledge");
    WriteFile(dir + "/bundle.textproto", MinimalBundleText(version));
    return dir;
  }

  std::unique_ptr<DrugStore> store_;
};

TEST_F(KnowledgeImportTest, ImportsTheBundledKnowledgeBase) {
  const EntryCounts expected = CountEntriesOfEachFile(BundledKnowledgeDir());

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      ImportKnowledgeDirectory(*store_, BundledKnowledgeDir());

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->sequence(), 1);
  EXPECT_EQ(info->version(), absl::StrCat(info->manifest().version(), "+1"));
  EXPECT_EQ(info->origin(), absl::StrCat("import ", BundledKnowledgeDir()));
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(expected.manifests, 1);
  EXPECT_EQ(stored->bundle.citation_size(), expected.citations);
  EXPECT_EQ(stored->bundle.drug_class_size(), expected.classes);
  EXPECT_EQ(stored->bundle.drug_size(), expected.drugs);
  EXPECT_EQ(stored->bundle.modifier_size(), expected.modifiers);
  EXPECT_EQ(stored->bundle.interaction_size(), expected.interactions);
  EXPECT_EQ(stored->bundle.recommendation_size(), expected.recommendations);
  EXPECT_GT(stored->name_index.size(), static_cast<size_t>(expected.drugs));
}

TEST_F(KnowledgeImportTest, ReadAndValidateOfTheBundledKnowledgeBaseSucceeds) {
  absl::StatusOr<v1::KnowledgeBundle> bundle =
      ReadAndValidateKnowledgeDirectory(BundledKnowledgeDir());

  ASSERT_THAT(bundle, IsOk());
  EXPECT_FALSE(bundle->manifest().version().empty());
}

TEST_F(KnowledgeImportTest, ImportsATemporaryDirectory) {
  const std::string dir = MinimalKnowledgeDir("4.2");

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      ImportKnowledgeDirectory(*store_, dir);

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), "4.2+1");
}

TEST_F(KnowledgeImportTest, InvalidFileNamesTheFileAndLine) {
  const std::string dir = MinimalKnowledgeDir();
  const std::string broken = R"txt(drug {
  id: "gammazine"
  name: "gammazine"
  rxcuis: "12a4"
  acute { level: RISK_LEVEL_NONE }
  tardive { level: RISK_LEVEL_NONE }
}
)txt";
  WriteFile(dir + "/broken.textproto", broken);

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      ImportKnowledgeDirectory(*store_, dir);

  ASSERT_THAT(info, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(info.status().message()),
              HasSubstr(absl::StrCat(
                  dir, "/broken.textproto:", LineOf(broken, "12a4"), ": ")));
}

TEST_F(KnowledgeImportTest, SyntaxErrorNamesTheFileLineAndColumn) {
  const std::string dir = MinimalKnowledgeDir();
  WriteFile(dir + "/broken.textproto",
            "drug {\n  id: \"x\"\n  name \"y\"\n}\n");

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      ImportKnowledgeDirectory(*store_, dir);

  ASSERT_THAT(info, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(info.status().message()),
              HasSubstr(absl::StrCat(dir, "/broken.textproto:3:")));
}

TEST_F(KnowledgeImportTest, BrokenDirectoryLeavesThePreviousVersionActive) {
  ASSERT_THAT(ImportKnowledgeDirectory(*store_, MinimalKnowledgeDir("1.0")),
              IsOk());
  const std::string broken_dir = MinimalKnowledgeDir("2.0");
  WriteFile(broken_dir + "/broken.textproto",
            "drug {\n  id: \"gammazine\"\n  class_ids: \"no-such-class\"\n}\n");

  ASSERT_THAT(ImportKnowledgeDirectory(*store_, broken_dir), Not(IsOk()));

  absl::StatusOr<v1::KnowledgeVersionInfo> active = store_->ActiveVersion();
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->version(), "1.0+1");
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->size(), 1u);
}

TEST_F(KnowledgeImportTest, MissingDirectoryIsNotFound) {
  const std::string dir = NewTempDir("knowledge") + "/does-not-exist";

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      ImportKnowledgeDirectory(*store_, dir);

  EXPECT_THAT(info, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(KnowledgeImportTest, SeedIfEmptyImportsIntoAnEmptyStore) {
  const std::string dir = MinimalKnowledgeDir("1.0");

  absl::StatusOr<v1::KnowledgeVersionInfo> info = SeedIfEmpty(*store_, dir);

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), "1.0+1");
  EXPECT_THAT(store_->ActiveVersion(), IsOk());
}

TEST_F(KnowledgeImportTest, SeedIfEmptyImportsOnlyOnce) {
  const std::string dir = MinimalKnowledgeDir("1.0");
  absl::StatusOr<v1::KnowledgeVersionInfo> first = SeedIfEmpty(*store_, dir);
  ASSERT_THAT(first, IsOk());

  absl::StatusOr<v1::KnowledgeVersionInfo> second = SeedIfEmpty(*store_, dir);

  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->version(), first->version());
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->size(), 1u);
}

TEST_F(KnowledgeImportTest, SeedIfEmptyKeepsAnExistingVersion) {
  ASSERT_THAT(ImportKnowledgeDirectory(*store_, MinimalKnowledgeDir("1.0")),
              IsOk());

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      SeedIfEmpty(*store_, MinimalKnowledgeDir("2.0"));

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), "1.0+1");
}

TEST_F(KnowledgeImportTest, SeedIfEmptyOfABrokenDirectoryLeavesTheStoreEmpty) {
  const std::string dir = MinimalKnowledgeDir();
  WriteFile(dir + "/broken.textproto", "drug {");

  absl::StatusOr<v1::KnowledgeVersionInfo> info = SeedIfEmpty(*store_, dir);

  EXPECT_THAT(info, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->ActiveVersion(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace dystonia
