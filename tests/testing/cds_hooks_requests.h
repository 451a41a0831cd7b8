#ifndef DYSTONIA_TESTS_TESTING_CDS_HOOKS_REQUESTS_H_
#define DYSTONIA_TESTS_TESTING_CDS_HOOKS_REQUESTS_H_

// CDS Hooks request bodies shared by the tests.

#include <string>

#include "absl/strings/str_cat.h"

namespace dystonia::testing {

// An order-sign call for a 19-year-old man given IM haloperidol (two
// cards), plus `extra_orders`: more draft Bundle entries, each
// `{"resource":...}`, written after a comma.
inline std::string HaloperidolImOrderSign(const std::string& extra_orders = "") {
  return absl::StrCat(
      R"({"hook":"order-sign","hookInstance":"0b6f1a2e-1c55-4a7e-8f1d-7d9e8a6b5c41",)"
      R"("context":{"userId":"Practitioner/1","patientId":"p1","draftOrders":)"
      R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest",)"
      R"("id":"m1","status":"draft","intent":"order","medicationCodeableConcept":)"
      R"({"text":"haloperidol"},"dosageInstruction":[{"route":{"text":"IM"}}]}})",
      extra_orders.empty() ? "" : ",", extra_orders,
      R"(]}},)"
      R"("prefetch":{"patient":{"resourceType":"Patient","id":"p1","gender":"male",)"
      R"("birthDate":"2007-03-01"},"medications":null,"conditions":null}})");
}

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_CDS_HOOKS_REQUESTS_H_
