#ifndef DYSTONIA_SERVICE_CDS_HOOKS_FHIR_COURSE_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_FHIR_COURSE_H_

// How long a FHIR medication order is for, as the engine's Course: a single
// dose or a short course is judged for acute dystonia only, so reading it
// keeps one IM dose for agitation from raising a tardive warning.

#include "dystonia/v1/common.pb.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// The longest course a short one may be, in days ("a few days").
inline constexpr double kShortCourseMaxDays = 7;

// The course an order (R4/R5 MedicationRequest, STU3 MedicationOrder) says:
// - courseOfTherapyType "continuous" is LONG_TERM and "acute" is SHORT
//   ("seasonal" recurs every year: not said);
// - a dosageInstruction whose timing is one dose (repeat.count 1, or a
//   timing code ONCE or STAT) is SINGLE_DOSE;
// - a timing repeat.boundsDuration or a dispenseRequest.expectedSupplyDuration
//   of at most kShortCourseMaxDays is SHORT.
// `asNeeded` alone says nothing of the course: as-needed use may go on for
// months. When the order says more than one thing, the longest course wins,
// so that a contradiction never drops a tardive judgement. UNSPECIFIED when
// it says nothing.
v1::Course CourseOf(const json::Value& order);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_FHIR_COURSE_H_
