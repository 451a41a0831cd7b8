#include "service/auth/jwks_flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::auth {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::ElementsAre;

TEST(JwksFlagsTest, NoFlagsGiveNoFiles) {
  auto files = JwksFilesFromFlags("", {}, {});

  ASSERT_THAT(files, IsOk());
  EXPECT_TRUE(files->empty());
}

TEST(JwksFlagsTest, JwksFileWithoutIssuersIsInvalidArgument) {
  EXPECT_THAT(JwksFilesFromFlags("/etc/ehr.jwks", {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksFlagsTest, IssuersWithoutJwksFileIsInvalidArgument) {
  EXPECT_THAT(JwksFilesFromFlags("", {"https://ehr.example.org"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksFlagsTest, EmptyIssuerIsInvalidArgument) {
  EXPECT_THAT(JwksFilesFromFlags("/etc/ehr.jwks", {" "}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksFlagsTest, JwksFileTakesItsIssuers) {
  auto files = JwksFilesFromFlags(
      "/etc/ehr.jwks", {"https://ehr.example.org", "https://ehr2.example.org"},
      {});

  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, "/etc/ehr.jwks");
  EXPECT_THAT((*files)[0].issuers, ElementsAre("https://ehr.example.org",
                                               "https://ehr2.example.org"));
}

TEST(JwksFlagsTest, CdsJwksEntriesAreGroupedByFile) {
  auto files = JwksFilesFromFlags(
      "", {},
      {"/etc/a.jwks=https://a.example.org", "/etc/b.jwks=https://b.example.org",
       "/etc/a.jwks=https://a.example.org/fhir?x=1"});

  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "/etc/a.jwks");
  EXPECT_THAT(
      (*files)[0].issuers,
      ElementsAre("https://a.example.org", "https://a.example.org/fhir?x=1"));
  EXPECT_EQ((*files)[1].path, "/etc/b.jwks");
}

TEST(JwksFlagsTest, CdsJwksEntryWithoutIssuerIsInvalidArgument) {
  for (const char* entry : {"/etc/a.jwks", "/etc/a.jwks=", "=https://a"}) {
    EXPECT_THAT(JwksFilesFromFlags("", {}, {entry}),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << entry;
  }
}

}  // namespace
}  // namespace dystonia::auth
