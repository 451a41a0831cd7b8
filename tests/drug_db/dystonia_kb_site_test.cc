// `dystonia-kb site` end to end: the real binary imports the bundled
// knowledge into a RocksDB in a temp directory and writes the site of a
// version chosen by sequence, by version string or by default.
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_process.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

class DystoniaKbSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::NewTempDir("kb-site-cli");
    int exit_code = -1;
    const std::string output = Kb(
        absl::StrCat("import --knowledge_dir=", testing::BundledKnowledgeDir(),
                     " --reason='site test'"),
        &exit_code);
    ASSERT_EQ(exit_code, 0) << output;
  }

  std::string Kb(const std::string& arguments, int* exit_code) {
    return testing::RunCommand(
        absl::StrCat(DYSTONIA_BINARY_DIR, "/drug_db/dystonia-kb ", arguments,
                     " --db_path=", dir_, "/db"),
        exit_code);
  }

  std::string dir_;
};

TEST_F(DystoniaKbSiteTest, WritesTheActiveVersionsSite) {
  int exit_code = -1;
  const std::string output =
      Kb(absl::StrCat("site --out ", dir_, "/site"), &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("wrote the knowledge site of version "));
  for (const char* file :
       {"index.html", "citations.html", "changes.html", "site.css",
        "search.js", "search-index.js", "drugs/haloperidol.html",
        "drugs/metoclopramide.html"}) {
    EXPECT_TRUE(std::filesystem::exists(absl::StrCat(dir_, "/site/", file)))
        << file;
  }
  EXPECT_THAT(testing::ReadFile(dir_ + "/site/drugs/haloperidol.html"),
              HasSubstr("<table id=\"tiers\">"));
}

TEST_F(DystoniaKbSiteTest, ChoosesAVersionBySequenceOrVersionString) {
  int exit_code = -1;
  std::string output =
      Kb(absl::StrCat("site --version 1 --out ", dir_, "/by-sequence"),
         &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  const std::string versions = Kb("versions", &exit_code);
  ASSERT_EQ(exit_code, 0) << versions;
  // "* 2026.11.27+1  imported_at=..."
  const std::string version = versions.substr(2, versions.find(' ', 2) - 2);
  output = Kb(absl::StrCat("site --version=", version, " --out ", dir_,
                           "/by-name"),
              &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr(version));
  EXPECT_THAT(testing::ReadFile(dir_ + "/by-name/index.html"),
              HasSubstr(version));
}

TEST_F(DystoniaKbSiteTest, ErrorsNameTheFlag) {
  int exit_code = -1;
  std::string output = Kb("site", &exit_code);
  EXPECT_EQ(exit_code, 2);
  EXPECT_THAT(output, HasSubstr("--out"));
  output = Kb(absl::StrCat("site --version 99 --out ", dir_, "/none"),
              &exit_code);
  EXPECT_EQ(exit_code, 2);
  EXPECT_THAT(output, HasSubstr("--version: no stored version \"99\""));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none"));
}

}  // namespace
}  // namespace dystonia
