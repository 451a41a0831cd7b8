// Issue 22's course of therapy on the bundled knowledge base: one IM
// haloperidol dose for agitation is judged for acute dystonia in full and
// raises no tardive finding; a short course likewise; a long-term start keeps
// its tardive risk to monitor; a course never hides an exposure already
// established, nor a depot injection's.

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using ::testing::Contains;
using ::testing::HasSubstr;

v1::CheckResponse Judge(v1::Course course, v1::Route route,
                        v1::MedicationStatus status, int days_on_therapy) {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(19);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  v1::Medication* haloperidol = request.add_medications();
  haloperidol->set_name("haloperidol");
  haloperidol->set_route(route);
  haloperidol->set_status(status);
  haloperidol->set_days_on_therapy(days_on_therapy);
  haloperidol->set_course(course);
  v1::CheckResponse response;
  EXPECT_TRUE(RiskEngine::Assess(*BundledKnowledge(), request, &response).ok());
  return response;
}

v1::CheckResponse ProposedIm(v1::Course course) {
  return Judge(course, v1::ROUTE_INTRAMUSCULAR, v1::MEDICATION_STATUS_PROPOSED,
               0);
}

bool HasTardiveFinding(const v1::CheckResponse& response) {
  for (const v1::Finding& finding : response.findings()) {
    if (finding.kind() == v1::Finding::TARDIVE_DYSKINESIA) return true;
  }
  return false;
}

TEST(CourseOfTherapyTest, ASingleImDoseIsJudgedForAcuteDystoniaOnly) {
  const v1::CheckResponse unspecified = ProposedIm(v1::COURSE_UNSPECIFIED);
  const v1::CheckResponse single = ProposedIm(v1::COURSE_SINGLE_DOSE);

  EXPECT_EQ(single.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  EXPECT_EQ(single.acute_dystonia().SerializeAsString(),
            unspecified.acute_dystonia().SerializeAsString());
  EXPECT_TRUE(HasTardiveFinding(unspecified));  // as before: to monitor
  EXPECT_FALSE(HasTardiveFinding(single));
  EXPECT_EQ(single.tardive_dyskinesia().level(), v1::RISK_LEVEL_NONE);
  EXPECT_THAT(single.tardive_dyskinesia().factors(),
              Contains(HasSubstr("haloperidol: a single dose, not judged for "
                                 "tardive dyskinesia")));
}

TEST(CourseOfTherapyTest, AShortCourseRaisesNoTardiveFinding) {
  const v1::CheckResponse response = ProposedIm(v1::COURSE_SHORT);
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  EXPECT_FALSE(HasTardiveFinding(response));
  EXPECT_THAT(response.tardive_dyskinesia().factors(),
              Contains(HasSubstr("a short course")));
}

TEST(CourseOfTherapyTest, ALongTermStartKeepsItsTardiveRiskToMonitor) {
  const v1::CheckResponse unspecified = ProposedIm(v1::COURSE_UNSPECIFIED);
  const v1::CheckResponse long_term = ProposedIm(v1::COURSE_LONG_TERM);
  EXPECT_TRUE(HasTardiveFinding(long_term));
  EXPECT_EQ(long_term.tardive_dyskinesia().SerializeAsString(),
            unspecified.tardive_dyskinesia().SerializeAsString());
}

TEST(CourseOfTherapyTest, AnEstablishedExposureIsJudgedWhateverTheCourse) {
  // A year of oral haloperidol sent as "short" contradicts itself: the days
  // given show the exposure, so the tardive judgement stands.
  const v1::CheckResponse response = Judge(v1::COURSE_SHORT, v1::ROUTE_ORAL,
                                           v1::MEDICATION_STATUS_ACTIVE, 365);
  EXPECT_TRUE(HasTardiveFinding(response));
  EXPECT_GE(response.tardive_dyskinesia().level(), v1::RISK_LEVEL_MODERATE);
}

TEST(CourseOfTherapyTest, ADepotInjectionIsNeverBrief) {
  const v1::CheckResponse response =
      Judge(v1::COURSE_SINGLE_DOSE, v1::ROUTE_LONG_ACTING_INJECTABLE,
            v1::MEDICATION_STATUS_PROPOSED, 0);
  EXPECT_TRUE(HasTardiveFinding(response));
}

TEST(CourseOfTherapyTest, TheBasicViewSaysNothingOfIt) {
  v1::CheckRequest request;
  request.set_view(v1::CHECK_VIEW_BASIC);
  request.mutable_patient()->set_age_years(19);
  v1::Medication* haloperidol = request.add_medications();
  haloperidol->set_name("haloperidol");
  haloperidol->set_course(v1::COURSE_SINGLE_DOSE);
  v1::CheckResponse response;
  ASSERT_TRUE(RiskEngine::Assess(*BundledKnowledge(), request, &response).ok());
  EXPECT_FALSE(HasTardiveFinding(response));
  EXPECT_TRUE(response.tardive_dyskinesia().factors().empty());
}

}  // namespace
}  // namespace dystonia
