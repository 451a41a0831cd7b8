#ifndef DYSTONIA_BENCH_ALERT_BURDEN_SCENARIO_ORDERS_H_
#define DYSTONIA_BENCH_ALERT_BURDEN_SCENARIO_ORDERS_H_

// A clinical-suite scenario (tests/clinical/scenarios.md) as the order-sign
// request a prescriber's EHR would send for it, so the alert-burden
// benchmark can check that every HIGH-risk scenario still warns.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/clinical/scenario_table.h"

namespace dystonia::bench {

// True when the scenario expects HIGH acute or HIGH tardive risk.
bool IsHighRiskScenario(const clinical::Scenario& scenario);

// The order-sign request for `scenario`: its PROPOSED medications are the
// draft orders and its ACTIVE ones are prefetched (authored days_on_therapy
// days before `today`); a scenario with only active medications becomes a
// refill, a continuous draft of its first one. kUnimplemented, saying why,
// for what an order-sign request does not carry (a prior dystonia flag, a
// weight, a daily dose, a dose increase, NDC or ATC fields, a stated course).
absl::StatusOr<std::string> ScenarioAsOrderSign(
    const clinical::Scenario& scenario, absl::Time today);

}  // namespace dystonia::bench

#endif  // DYSTONIA_BENCH_ALERT_BURDEN_SCENARIO_ORDERS_H_
