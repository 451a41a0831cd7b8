#ifndef DYSTONIA_BENCH_ALERT_BURDEN_ALERT_BURDEN_H_
#define DYSTONIA_BENCH_ALERT_BURDEN_ALERT_BURDEN_H_

// The alert-burden benchmark (issue 22): every order of the case mix runs
// through the CDS Hooks order-sign service in process (a real DrugStore on a
// temporary RocksDB seeded with the knowledge directory), counting cards by
// indicator; and every HIGH-risk clinical scenario that an order can express
// must still yield a warning or critical card.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dystonia::bench {

struct CardCounts {
  int orders = 0;
  int critical = 0;
  int warning = 0;
  int info = 0;
  // Cards whose topic is TARDIVE_DYSKINESIA, whatever their indicator.
  int tardive = 0;
};

struct AlertBurdenReport {
  std::vector<std::string> groups;
  std::map<std::string, CardCounts> by_group;
  CardCounts overall;
  int high_risk_scenarios_checked = 0;
  // "<scenario id>: <why>" for HIGH-risk scenarios an order cannot express.
  std::vector<std::string> not_expressible;
  // "<scenario id>: <indicators seen>" for HIGH-risk scenarios whose order
  // got no warning or critical card.
  std::vector<std::string> lost_alerts;
};

struct AlertBurdenOptions {
  // The knowledge directory the temporary store is seeded with.
  std::string knowledge_dir;
  // The clinical suite's table (tests/clinical/scenarios.md).
  std::string scenarios_file;
};

// Runs the benchmark. An error when the store, knowledge or scenario table
// cannot be read, or when the service refuses a request (naming it).
absl::StatusOr<AlertBurdenReport> MeasureAlertBurden(
    const AlertBurdenOptions& options);

// The report as text: cards per 100 orders by indicator, overall and per
// group, the tardive cards, and the lost alerts.
std::string FormatAlertBurden(const AlertBurdenReport& report);

}  // namespace dystonia::bench

#endif  // DYSTONIA_BENCH_ALERT_BURDEN_ALERT_BURDEN_H_
