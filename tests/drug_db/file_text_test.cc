#include "drug_db/file_text.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

TEST(FileTextTest, ReadsEveryByte) {
  const std::string path = testing::NewTempDir("file-text") + "/bytes";
  const std::string bytes("a\0b\r\n\xff", 6);
  std::ofstream(path, std::ios::binary) << bytes;
  absl::StatusOr<std::string> text = ReadFileText(path);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, bytes);
}

TEST(FileTextTest, AMissingFileIsNotFoundNamingIt) {
  const std::string path = testing::NewTempDir("file-text") + "/missing";
  absl::StatusOr<std::string> text = ReadFileText(path);
  ASSERT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(text.status().message(), HasSubstr(path));
}

// An ifstream opens a directory and reads nothing: that must not pass for
// an empty file.
TEST(FileTextTest, ADirectoryIsNotAnEmptyFile) {
  const std::string path = testing::NewTempDir("file-text");
  absl::StatusOr<std::string> text = ReadFileText(path);
  ASSERT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(text.status().message(), HasSubstr("is a directory"));
}

}  // namespace
}  // namespace dystonia
