// How long a FHIR order is for (service/cds_hooks/fhir_course): each field
// issue 22 names, R4 shapes, and contradictions resolved toward the longer
// course so that no tardive judgement is lost.
#include "service/cds_hooks/fhir_course.h"

#include <string>

#include "gtest/gtest.h"

namespace dystonia::cds_hooks {
namespace {

v1::Course CourseOfJson(const std::string& order) {
  absl::StatusOr<json::Value> parsed = json::Parse(order);
  EXPECT_TRUE(parsed.ok()) << order;
  return parsed.ok() ? CourseOf(*parsed) : v1::COURSE_UNSPECIFIED;
}

constexpr char kCourseSystem[] =
    "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy";

std::string CourseOfTherapyType(const std::string& code) {
  return std::string(R"({"resourceType":"MedicationRequest",)") +
         R"("courseOfTherapyType":{"coding":[{"system":")" + kCourseSystem +
         R"(","code":")" + code + R"("}]}})";
}

TEST(FhirCourseTest, NothingSaidIsUnspecified) {
  EXPECT_EQ(CourseOfJson(R"({"resourceType":"MedicationRequest"})"),
            v1::COURSE_UNSPECIFIED);
}

TEST(FhirCourseTest, CourseOfTherapyType) {
  EXPECT_EQ(CourseOfJson(CourseOfTherapyType("continuous")),
            v1::COURSE_LONG_TERM);
  EXPECT_EQ(CourseOfJson(CourseOfTherapyType("acute")), v1::COURSE_SHORT);
  // Seasonal use recurs: it says nothing that would drop a judgement.
  EXPECT_EQ(CourseOfJson(CourseOfTherapyType("seasonal")),
            v1::COURSE_UNSPECIFIED);
}

TEST(FhirCourseTest, OneDoseByCountOrCode) {
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"repeat":
                {"count":1}}}]})"),
            v1::COURSE_SINGLE_DOSE);
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"repeat":
                {"count":1,"countMax":4}}}]})"),
            v1::COURSE_UNSPECIFIED);
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"code":
                {"coding":[{"code":"ONCE"}]}}}]})"),
            v1::COURSE_SINGLE_DOSE);
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"code":
                {"text":"stat"}}}]})"),
            v1::COURSE_SINGLE_DOSE);
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"code":
                {"coding":[{"code":"BID"}]}}}]})"),
            v1::COURSE_UNSPECIFIED);
}

TEST(FhirCourseTest, AFewDaysIsShortByBoundsOrSupply) {
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"repeat":
                {"frequency":3,"period":1,"periodUnit":"d",
                 "boundsDuration":{"value":5,"unit":"days","system":
                 "http://unitsofmeasure.org","code":"d"}}}}]})"),
            v1::COURSE_SHORT);
  EXPECT_EQ(CourseOfJson(R"({"dispenseRequest":{"expectedSupplyDuration":
                {"value":72,"unit":"hours"}}})"),
            v1::COURSE_SHORT);
  EXPECT_EQ(CourseOfJson(R"({"dispenseRequest":{"expectedSupplyDuration":
                {"value":30,"code":"d"}}})"),
            v1::COURSE_UNSPECIFIED);
  EXPECT_EQ(CourseOfJson(R"({"dispenseRequest":{"expectedSupplyDuration":
                {"value":1,"code":"wk"}}})"),
            v1::COURSE_SHORT);
  // A duration in a unit it cannot read says nothing.
  EXPECT_EQ(CourseOfJson(R"({"dispenseRequest":{"expectedSupplyDuration":
                {"value":2,"unit":"fortnights"}}})"),
            v1::COURSE_UNSPECIFIED);
}

TEST(FhirCourseTest, AsNeededAloneSaysNothing) {
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"asNeededBoolean":true}]})"),
            v1::COURSE_UNSPECIFIED);
}

TEST(FhirCourseTest, TheLongerCourseWinsAContradiction) {
  EXPECT_EQ(CourseOfJson(R"({"courseOfTherapyType":{"coding":[{"code":
                "continuous"}]},"dosageInstruction":[{"timing":{"repeat":
                {"count":1}}}]})"),
            v1::COURSE_LONG_TERM);
  EXPECT_EQ(CourseOfJson(R"({"dosageInstruction":[{"timing":{"repeat":
                {"count":1}}}],"dispenseRequest":{"expectedSupplyDuration":
                {"value":3,"code":"d"}}})"),
            v1::COURSE_SHORT);
}

TEST(FhirCourseTest, MistypedFieldsAreIgnored) {
  EXPECT_EQ(CourseOfJson(R"({"courseOfTherapyType":"continuous",
                "dosageInstruction":"once","dispenseRequest":[1,2]})"),
            v1::COURSE_UNSPECIFIED);
}

}  // namespace
}  // namespace dystonia::cds_hooks
