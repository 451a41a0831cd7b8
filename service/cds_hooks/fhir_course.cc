#include "service/cds_hooks/fhir_course.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace dystonia::cds_hooks {
namespace {

using json::Elements;
using json::Get;
using json::Number;
using json::Text;
using json::Value;

// How long each course is, for "the longest course wins".
int Length(v1::Course course) {
  switch (course) {
    case v1::COURSE_SINGLE_DOSE:
      return 1;
    case v1::COURSE_SHORT:
      return 2;
    case v1::COURSE_LONG_TERM:
      return 3;
    default:
      return 0;
  }
}

void Consider(v1::Course said, v1::Course* course) {
  if (Length(said) > Length(*course)) *course = said;
}

// A FHIR Duration (value with a UCUM unit code, or the unit text) in days;
// negative when it cannot be read.
double DurationDays(const Value* duration) {
  if (duration == nullptr) return -1;
  const Value* value = Get(*duration, "value");
  if (value == nullptr) return -1;
  std::string unit = Text(Get(*duration, "code"));
  if (unit.empty()) unit = absl::AsciiStrToLower(Text(Get(*duration, "unit")));
  const double amount = Number(value);
  if (unit == "d" || unit == "day" || unit == "days") return amount;
  if (unit == "h" || unit == "hour" || unit == "hours") return amount / 24;
  if (unit == "min" || unit == "minute" || unit == "minutes") {
    return amount / (24 * 60);
  }
  if (unit == "wk" || unit == "week" || unit == "weeks") return amount * 7;
  if (unit == "mo" || unit == "month" || unit == "months") return amount * 30;
  if (unit == "a" || unit == "year" || unit == "years") return amount * 365;
  return -1;
}

v1::Course CourseOfDuration(const Value* duration) {
  const double days = DurationDays(duration);
  if (days >= 0 && days <= kShortCourseMaxDays) return v1::COURSE_SHORT;
  return v1::COURSE_UNSPECIFIED;
}

bool IsOneDoseCode(const Value* code) {
  if (code == nullptr) return false;
  auto one_dose = [](std::string word) {
    word = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(word));
    return word == "ONCE" || word == "STAT";
  };
  if (one_dose(Text(Get(*code, "text")))) return true;
  for (const Value* coding : Elements(Get(*code, "coding"))) {
    if (one_dose(Text(Get(*coding, "code")))) return true;
  }
  return false;
}

v1::Course CourseOfTiming(const Value* timing) {
  if (timing == nullptr) return v1::COURSE_UNSPECIFIED;
  v1::Course course = v1::COURSE_UNSPECIFIED;
  if (IsOneDoseCode(Get(*timing, "code"))) course = v1::COURSE_SINGLE_DOSE;
  if (const Value* repeat = Get(*timing, "repeat")) {
    const Value* count = Get(*repeat, "count");
    const Value* count_max = Get(*repeat, "countMax");
    if (count != nullptr && Number(count) == 1 &&
        (count_max == nullptr || Number(count_max) <= 1)) {
      Consider(v1::COURSE_SINGLE_DOSE, &course);
    }
    Consider(CourseOfDuration(Get(*repeat, "boundsDuration")), &course);
  }
  return course;
}

v1::Course CourseOfTherapyType(const Value* type) {
  if (type == nullptr) return v1::COURSE_UNSPECIFIED;
  for (const Value* coding : Elements(Get(*type, "coding"))) {
    const std::string code = Text(Get(*coding, "code"));
    if (code == "continuous") return v1::COURSE_LONG_TERM;
    if (code == "acute") return v1::COURSE_SHORT;
  }
  return v1::COURSE_UNSPECIFIED;
}

}  // namespace

v1::Course CourseOf(const Value& order) {
  v1::Course course = CourseOfTherapyType(Get(order, "courseOfTherapyType"));
  for (const Value* dosage : Elements(Get(order, "dosageInstruction"))) {
    Consider(CourseOfTiming(Get(*dosage, "timing")), &course);
  }
  if (const Value* dispense = Get(order, "dispenseRequest")) {
    Consider(CourseOfDuration(Get(*dispense, "expectedSupplyDuration")),
             &course);
  }
  return course;
}

}  // namespace dystonia::cds_hooks
