// The modes the server demands of its key and token files and of its
// database directory, on real files in a temp dir.
#include "service/server/file_permissions.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

std::string FileWithMode(const std::string& name, mode_t mode) {
  const std::string path = testing::NewTempDir(name) + "/" + name;
  std::ofstream(path) << "secret\n";
  chmod(path.c_str(), mode);
  return path;
}

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(FilePermissionsTest, OwnerOnlyFileIsRead) {
  const std::string path = FileWithMode("key", 0600);

  absl::StatusOr<std::string> text = ReadSecretFile(path, "--tls_key");

  ASSERT_THAT(text.status(), IsOk());
  EXPECT_EQ(*text, "secret\n");
}

TEST(FilePermissionsTest, ReadableByTheServersOwnGroupIsAccepted) {
  // What Kubernetes makes of a secret with fsGroup: group = the server's.
  const std::string path = FileWithMode("own-group", 0440);

  EXPECT_THAT(CheckSecretFileMode(path, "--tokens_file"), IsOk());
}

TEST(FilePermissionsTest, WorldReadableFileIsRefusedNamingFlagAndMode) {
  const std::string path = FileWithMode("tokens", 0644);

  absl::Status status = CheckSecretFileMode(path, "--tokens_file");

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status.message(), HasSubstr("--tokens_file"));
  EXPECT_THAT(status.message(), HasSubstr("0644"));
}

TEST(FilePermissionsTest, WorldWritableFileIsRefused) {
  const std::string path = FileWithMode("writable", 0666);

  EXPECT_THAT(ReadSecretFile(path, "--follow_token_file").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(FilePermissionsTest, GroupWritableFileIsRefused) {
  const std::string path = FileWithMode("group-writable", 0660);

  EXPECT_THAT(CheckSecretFileMode(path, "--tls_key"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(FilePermissionsTest, MissingFileIsNotFound) {
  EXPECT_THAT(
      CheckSecretFileMode(testing::NewTempDir("missing") + "/key", "--tls_key"),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST(FilePermissionsTest, NewDatabaseDirectoryIsOwnerOnly) {
  const std::string path = testing::NewTempDir("db-parent") + "/data/db";
  const mode_t old_umask = umask(022);

  absl::StatusOr<std::string> warning = PrepareDatabaseDirectory(path);
  umask(old_umask);

  ASSERT_THAT(warning.status(), IsOk());
  EXPECT_EQ(*warning, "");
  EXPECT_EQ(ModeOf(path), 0700u);
}

TEST(FilePermissionsTest, OpenExistingDatabaseDirectoryIsKeptWithAWarning) {
  const std::string path = testing::NewTempDir("open-db");
  chmod(path.c_str(), 0755);

  absl::StatusOr<std::string> warning = PrepareDatabaseDirectory(path);

  ASSERT_THAT(warning.status(), IsOk());
  EXPECT_THAT(*warning, HasSubstr("--db_path"));
  EXPECT_EQ(ModeOf(path), 0755u);
}

TEST(FilePermissionsTest, ClosedExistingDatabaseDirectoryGivesNoWarning) {
  const std::string path = testing::NewTempDir("closed-db");
  chmod(path.c_str(), 0700);

  absl::StatusOr<std::string> warning = PrepareDatabaseDirectory(path);

  ASSERT_THAT(warning.status(), IsOk());
  EXPECT_EQ(*warning, "");
}

TEST(FilePermissionsTest, FileAsDatabaseDirectoryIsInvalidArgument) {
  const std::string path = FileWithMode("not-a-dir", 0600);

  EXPECT_THAT(PrepareDatabaseDirectory(path).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace dystonia
