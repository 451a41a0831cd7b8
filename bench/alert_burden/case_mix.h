#ifndef DYSTONIA_BENCH_ALERT_BURDEN_CASE_MIX_H_
#define DYSTONIA_BENCH_ALERT_BURDEN_CASE_MIX_H_

// The order mix of the alert-burden benchmark: CDS Hooks order-sign requests
// (R4 MedicationRequest drafts, prefetched active MedicationRequests and the
// Patient) in the proportions bench/README.md ("Alert burden") derives from
// published descriptions of each population. The list is fixed (no random
// numbers), so every run judges the same orders.

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace dystonia::bench {

struct BurdenCase {
  // The population the order comes from, e.g. "emergency-single-dose".
  std::string group;
  // Unique within the mix, for messages.
  std::string id;
  // The order-sign request body (JSON text).
  std::string request;
};

// The groups in the order AlertBurdenCaseMix lists them.
std::vector<std::string> AlertBurdenGroups();

// The mix; `today` dates the prefetched active orders (their authoredOn is
// today minus the days on therapy).
std::vector<BurdenCase> AlertBurdenCaseMix(absl::Time today);

}  // namespace dystonia::bench

#endif  // DYSTONIA_BENCH_ALERT_BURDEN_CASE_MIX_H_
