// alert-burden: cards per 100 orders of a published case mix through the
// CDS Hooks order-sign service, and the HIGH-risk clinical scenarios that
// lost their warning (bench/README.md, "Alert burden").
//
//   alert-burden [KNOWLEDGE_DIR [SCENARIOS_MD]]
//
// Exit 0 when every HIGH-risk scenario still warns, 1 when one lost its
// warning, 2 when the benchmark cannot run.
#include <cstdio>
#include <string>

#include "bench/alert_burden/alert_burden.h"

int main(int argc, char** argv) {
  if (argc > 3) {
    std::fprintf(stderr, "usage: %s [KNOWLEDGE_DIR [SCENARIOS_MD]]\n", argv[0]);
    return 2;
  }
  dystonia::bench::AlertBurdenOptions options;
  options.knowledge_dir =
      argc > 1 ? argv[1] : DYSTONIA_SOURCE_DIR "/drug_db/knowledge";
  options.scenarios_file =
      argc > 2 ? argv[2] : DYSTONIA_SOURCE_DIR "/tests/clinical/scenarios.md";
  auto report = dystonia::bench::MeasureAlertBurden(options);
  if (!report.ok()) {
    std::fprintf(stderr, "alert-burden: %s\n",
                 report.status().ToString().c_str());
    return 2;
  }
  std::fputs(dystonia::bench::FormatAlertBurden(*report).c_str(), stdout);
  return report->lost_alerts.empty() ? 0 : 1;
}
