#ifndef DYSTONIA_TESTS_CLINICAL_SCENARIO_TABLE_H_
#define DYSTONIA_TESTS_CLINICAL_SCENARIO_TABLE_H_

// The clinical scenario suite is a Markdown table (scenarios.md) that a
// pharmacist can read and review; this parses it into Check requests and
// expectations.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia::clinical {

struct Scenario {
  // Unique, [a-z0-9-]: the test's name.
  std::string id;
  // Line of the table row, for failure messages.
  int line = 0;
  v1::CheckRequest request;
  v1::RiskLevel acute = v1::RISK_LEVEL_UNSPECIFIED;
  v1::RiskLevel tardive = v1::RISK_LEVEL_UNSPECIFIED;
  // Finding kinds that must be present / must be absent.
  std::vector<v1::Finding::Kind> present;
  std::vector<v1::Finding::Kind> absent;
  // Kinds of which a finding must be a labelled contraindication.
  std::vector<v1::Finding::Kind> contraindicated;
  // Per medication, in order: the Drug id it must resolve to, or "?" for a
  // medication that must come back unrecognized.
  std::vector<std::string> assessed;
  // Where the expectation comes from.
  std::string source;
};

// gtest prints the row, not the struct's bytes.
inline void PrintTo(const Scenario& scenario, std::ostream* os) {
  *os << scenario.id << " (scenarios.md:" << scenario.line << ")";
}

// Parses the table rows after the header and separator. Each row:
// | id | patient | medications | acute | tardive | findings | assessed | source
// | patient: "<M|F|-> <age|->" plus "prior" for a prior drug-induced dystonia,
//   "wt:<N>kg" for the weight, "cond:<text>" ("_" for spaces) or
//   "cond:sct|<code>", "cond:icd10cm|<code>", "cond:icd10|<code>" for a
//   condition, "pgx:<GENE>=<phenotype>" ("pgx:CYP2D6=poor") for a
//   pharmacogenomic result.
// medications: ";"-separated; each is a name followed by options:
//   @im @iv @lai @oral @rectal @patch @sl   route
//   active:<N>d    ACTIVE for N days (default: PROPOSED)
//   inc:<N>d       dose increased N days ago
//   dose:<N>mg     daily dose
//   rxcui:<id> ndc:<code> atc:<code>   codes (the name may then be empty)
// levels: NONE, LOW, MODERATE, HIGH.
// findings: ","-separated Finding kinds; "!KIND" must be absent; "KIND!ci"
// must be present as a labelled contraindication; "-" none.
absl::StatusOr<std::vector<Scenario>> ParseScenarioTable(
    absl::string_view markdown);

}  // namespace dystonia::clinical

#endif  // DYSTONIA_TESTS_CLINICAL_SCENARIO_TABLE_H_
