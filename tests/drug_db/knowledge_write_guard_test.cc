#include "drug_db/knowledge_write_guard.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The minimal bundle (dopamine blocker alphazine, ordinary betazol), a
// combination containing alphazine and 20 ordinary drugs, so that one
// ordinary drug is under 10 % of the 23.
v1::KnowledgeBundle TwentyThreeDrugs() {
  v1::KnowledgeBundle bundle = MinimalBundle();
  v1::Drug* combination = bundle.add_drug();
  combination->set_id("gammax");
  combination->add_ingredient_ids("alphazine");
  combination->add_ingredient_ids("betazol");
  for (int i = 0; i < 20; ++i) {
    bundle.add_drug()->set_id(absl::StrCat("ordinary-", i));
  }
  return bundle;
}

TEST(KnowledgeWriteGuardTest, BlankReasonIsInvalidArgumentNamingReason) {
  EXPECT_THAT(RequireReason(""), StatusIs(absl::StatusCode::kInvalidArgument));
  absl::Status blank = RequireReason(" \t\n");
  EXPECT_THAT(blank, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(blank.message()), HasSubstr("reason"));
  EXPECT_THAT(RequireReason("new label"), IsOk());
}

TEST(KnowledgeWriteGuardTest, DroppedDrugIdsAreThoseTheNewBundleLacks) {
  v1::KnowledgeBundle after = TwentyThreeDrugs();
  after.mutable_drug()->DeleteSubrange(0, 2);  // alphazine, betazol

  EXPECT_THAT(DroppedDrugIds(TwentyThreeDrugs(), after),
              ElementsAre("alphazine", "betazol"));
  EXPECT_THAT(DroppedDrugIds(TwentyThreeDrugs(), TwentyThreeDrugs()),
              IsEmpty());
}

TEST(KnowledgeWriteGuardTest, DroppingOneOrdinaryDrugOfManyIsAllowed) {
  EXPECT_THAT(CheckDroppedDrugs(TwentyThreeDrugs(), {"ordinary-3"},
                                DropGuard::kEnforce),
              IsOk());
}

TEST(KnowledgeWriteGuardTest, DroppingADopamineBlockerIsFailedPrecondition) {
  absl::Status dropped =
      CheckDroppedDrugs(TwentyThreeDrugs(), {"alphazine"}, DropGuard::kEnforce);

  EXPECT_THAT(dropped, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(dropped.message()),
              HasSubstr("1 of them dopamine blockers (alphazine)"));
}

TEST(KnowledgeWriteGuardTest,
     DroppingACombinationOfABlockerIsFailedPrecondition) {
  EXPECT_THAT(
      CheckDroppedDrugs(TwentyThreeDrugs(), {"gammax"}, DropGuard::kEnforce),
      StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(KnowledgeWriteGuardTest, DroppingMoreThanTheShareIsFailedPrecondition) {
  const std::vector<std::string> three = {"ordinary-1", "ordinary-2",
                                          "ordinary-3"};  // 13 % of 23

  absl::Status dropped =
      CheckDroppedDrugs(TwentyThreeDrugs(), three, DropGuard::kEnforce);

  EXPECT_THAT(dropped, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(dropped.message()),
              HasSubstr("3 of 23 drugs (ordinary-1, ordinary-2, ordinary-3)"));
}

TEST(KnowledgeWriteGuardTest, MessageNamesOnlyTheFirstFewIds) {
  const v1::KnowledgeBundle before = TwentyThreeDrugs();

  absl::Status dropped =
      CheckDroppedDrugs(before, DroppedDrugIds(before, v1::KnowledgeBundle()),
                        DropGuard::kEnforce);

  EXPECT_THAT(std::string(dropped.message()),
              HasSubstr("23 of 23 drugs (alphazine, betazol, gammax, "
                        "ordinary-0, ordinary-1, ...)"));
}

TEST(KnowledgeWriteGuardTest, ForceAllowsAnyDrop) {
  const v1::KnowledgeBundle before = TwentyThreeDrugs();

  EXPECT_THAT(
      CheckDroppedDrugs(before, DroppedDrugIds(before, v1::KnowledgeBundle()),
                        DropGuard::kForce),
      IsOk());
}

}  // namespace
}  // namespace dystonia
