#include "bench/alert_burden/alert_burden.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/alert_burden/case_mix.h"
#include "bench/alert_burden/scenario_orders.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::bench {

namespace json = cds_hooks::json;
namespace {

// A directory under the system's temporary one, removed with this object:
// the benchmark keeps nothing (card issues are recorded in its store).
class TemporaryDirectory {
 public:
  static absl::StatusOr<std::unique_ptr<TemporaryDirectory>> Create() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "alert-burden-XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(
          absl::StrCat("cannot create a temporary directory ", pattern));
    }
    return std::unique_ptr<TemporaryDirectory>(new TemporaryDirectory(pattern));
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cards' indicators and topics counted into `counts`; returns whether
// any card was a warning or critical.
bool CountCards(const json::Value& answer, CardCounts* counts,
                std::vector<std::string>* indicators) {
  bool warns = false;
  const json::Value* cards =
      answer.contains("cards") ? &answer["cards"] : nullptr;
  if (cards == nullptr || !cards->is_array()) return false;
  for (const json::Value& card : *cards) {
    const std::string indicator = card.value("indicator", "");
    if (indicators != nullptr) indicators->push_back(indicator);
    if (indicator == "critical") ++counts->critical;
    if (indicator == "warning") ++counts->warning;
    if (indicator == "info") ++counts->info;
    warns = warns || indicator == "critical" || indicator == "warning";
    const json::Value topic = card.contains("source")
                                  ? card["source"].value("topic", json::Value())
                                  : json::Value();
    if (topic.is_object() && topic.value("display", "") == "TARDIVE_DYSKINESIA")
      ++counts->tardive;
  }
  return warns;
}

void Add(const CardCounts& one, CardCounts* total) {
  total->orders += one.orders;
  total->critical += one.critical;
  total->warning += one.warning;
  total->info += one.info;
  total->tardive += one.tardive;
}

std::string PerHundred(int cards, int orders) {
  return orders == 0 ? "-" : absl::StrFormat("%.1f", 100.0 * cards / orders);
}

std::string Row(const std::string& name, const CardCounts& counts) {
  return absl::StrFormat(
      "%-22s %6d %9s %9s %9s %9s %9s\n", name, counts.orders,
      PerHundred(counts.critical, counts.orders),
      PerHundred(counts.warning, counts.orders),
      PerHundred(counts.info, counts.orders),
      PerHundred(counts.critical + counts.warning + counts.info, counts.orders),
      PerHundred(counts.tardive, counts.orders));
}

}  // namespace

absl::StatusOr<AlertBurdenReport> MeasureAlertBurden(
    const AlertBurdenOptions& options) {
  absl::StatusOr<std::string> table = ReadFile(options.scenarios_file);
  if (!table.ok()) return table.status();
  absl::StatusOr<std::vector<clinical::Scenario>> scenarios =
      clinical::ParseScenarioTable(*table);
  if (!scenarios.ok()) return scenarios.status();

  auto directory = TemporaryDirectory::Create();
  if (!directory.ok()) return directory.status();
  auto store = DrugStore::Open((*directory)->path() + "/db");
  if (!store.ok()) return store.status();
  auto seeded = SeedIfEmpty(**store, options.knowledge_dir);
  if (!seeded.ok()) return seeded.status();
  auto snapshot = KnowledgeSnapshot::Load(**store);
  if (!snapshot.ok()) return snapshot.status();
  KnowledgeHolder knowledge;
  knowledge.Set(*std::move(snapshot));
  const cds_hooks::CdsHooksService service(&knowledge, store->get());

  auto ask = [&service](
                 const std::string& id,
                 const std::string& request) -> absl::StatusOr<json::Value> {
    absl::StatusOr<json::Value> answer =
        service.Hook(cds_hooks::kOrderSignService, request);
    if (!answer.ok()) {
      return absl::Status(answer.status().code(),
                          absl::StrCat(id, ": ", answer.status().message()));
    }
    return answer;
  };

  AlertBurdenReport report;
  report.groups = AlertBurdenGroups();
  const absl::Time today = absl::Now();
  for (const BurdenCase& order : AlertBurdenCaseMix(today)) {
    absl::StatusOr<json::Value> answer = ask(order.id, order.request);
    if (!answer.ok()) return answer.status();
    CardCounts counts;
    counts.orders = 1;
    CountCards(*answer, &counts, nullptr);
    Add(counts, &report.by_group[order.group]);
    Add(counts, &report.overall);
  }

  for (const clinical::Scenario& scenario : *scenarios) {
    if (!IsHighRiskScenario(scenario)) continue;
    absl::StatusOr<std::string> request = ScenarioAsOrderSign(scenario, today);
    if (!request.ok()) {
      report.not_expressible.push_back(
          absl::StrCat(scenario.id, ": ", request.status().message()));
      continue;
    }
    ++report.high_risk_scenarios_checked;
    absl::StatusOr<json::Value> answer = ask(scenario.id, *request);
    if (!answer.ok()) return answer.status();
    CardCounts ignored;
    std::vector<std::string> indicators;
    if (!CountCards(*answer, &ignored, &indicators)) {
      report.lost_alerts.push_back(
          absl::StrCat(scenario.id, " (scenarios.md:", scenario.line,
                       "): cards [", absl::StrJoin(indicators, ", "), "]"));
    }
  }
  return report;
}

std::string FormatAlertBurden(const AlertBurdenReport& report) {
  std::string text =
      "Cards per 100 orders (CDS Hooks order-sign, in process)\n";
  absl::StrAppend(&text, absl::StrFormat("%-22s %6s %9s %9s %9s %9s %9s\n",
                                         "group", "orders", "critical",
                                         "warning", "info", "all", "tardive"));
  for (const std::string& group : report.groups) {
    auto it = report.by_group.find(group);
    absl::StrAppend(
        &text,
        Row(group, it == report.by_group.end() ? CardCounts() : it->second));
  }
  absl::StrAppend(&text, Row("overall", report.overall));
  absl::StrAppend(&text, "Tardive cards: ", report.overall.tardive, " in ",
                  report.overall.orders, " orders\n");
  absl::StrAppend(&text, "\nHIGH-risk clinical scenarios checked as orders: ",
                  report.high_risk_scenarios_checked, " (",
                  report.not_expressible.size(),
                  " not expressible as an order-sign request)\n");
  for (const std::string& skipped : report.not_expressible) {
    absl::StrAppend(&text, "  not expressible: ", skipped, "\n");
  }
  absl::StrAppend(&text, "Lost alerts (no warning or critical card): ",
                  report.lost_alerts.size(), "\n");
  for (const std::string& lost : report.lost_alerts) {
    absl::StrAppend(&text, "  LOST: ", lost, "\n");
  }
  return text;
}

}  // namespace dystonia::bench
