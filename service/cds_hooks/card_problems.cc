#include "service/cds_hooks/card_problems.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace dystonia::cds_hooks {
namespace {

bool Contains(const std::vector<int>& indexes, int index) {
  return std::find(indexes.begin(), indexes.end(), index) != indexes.end();
}

bool Intersects(const v1::Finding& finding, const std::vector<int>& indexes) {
  for (int index : finding.medication_indexes()) {
    if (Contains(indexes, index)) return true;
  }
  return false;
}

// A draft that starts a drug: the mapping sends a draft continuing an active
// order as ACTIVE.
bool StartsADrug(const HookCall& call, const v1::Finding& finding) {
  for (int index : finding.medication_indexes()) {
    if (!Contains(call.draft_indexes, index)) continue;
    if (index < 0 || index >= call.check.medications_size()) continue;
    if (call.check.medications(index).status() !=
        v1::MEDICATION_STATUS_ACTIVE) {
      return true;
    }
  }
  return false;
}

// What a finding says, whichever order or side it was found from: its kind,
// the drugs and the conditions it is about.
using ProblemKey = std::tuple<int, std::vector<std::string>, std::vector<int>>;

ProblemKey KeyOf(const v1::Finding& finding) {
  std::vector<std::string> drugs(finding.drug_ids().begin(),
                                 finding.drug_ids().end());
  std::sort(drugs.begin(), drugs.end());
  drugs.erase(std::unique(drugs.begin(), drugs.end()), drugs.end());
  std::vector<int> conditions(finding.condition_indexes().begin(),
                              finding.condition_indexes().end());
  std::sort(conditions.begin(), conditions.end());
  return {finding.kind(), std::move(drugs), std::move(conditions)};
}

// Whether `a` speaks louder than `b`: a contraindication, else the level.
bool Louder(const v1::Finding& a, const v1::Finding& b) {
  return std::make_pair(a.contraindicated(), static_cast<int>(a.level())) >
         std::make_pair(b.contraindicated(), static_cast<int>(b.level()));
}

int Loudness(absl::string_view indicator) {
  if (indicator == "critical") return 2;
  if (indicator == "warning") return 1;
  return 0;
}

}  // namespace

absl::string_view CardIndicator(const v1::Finding& finding,
                                bool new_with_order) {
  if (finding.contraindicated()) return "critical";
  if (finding.level() < v1::RISK_LEVEL_MODERATE) return "info";
  switch (finding.kind()) {
    case v1::Finding::ACUTE_DYSTONIA:
      return "warning";
    case v1::Finding::TARDIVE_DYSKINESIA:
      return finding.level() >= v1::RISK_LEVEL_HIGH &&
                     finding.exposure_established()
                 ? "warning"
                 : "info";
    case v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE:
    case v1::Finding::EXPOSURE_INTERACTION:
    case v1::Finding::DRUG_COMBINATION:
    case v1::Finding::DRUG_CONDITION:
    case v1::Finding::DRUG_AGE:
    case v1::Finding::DRUG_PHENOTYPE:
      return new_with_order ? "warning" : "info";
    default:
      return "info";
  }
}

std::vector<CardProblem> CardProblems(const HookCall& call, bool order_select,
                                      const v1::CheckResponse& response,
                                      const v1::CheckResponse* older) {
  // Each finding with the answer it came from (its sources are there).
  std::vector<std::pair<const v1::Finding*, const v1::CheckResponse*>> findings;
  for (const v1::Finding& finding : response.findings()) {
    if (older != nullptr && finding.kind() == v1::Finding::TARDIVE_DYSKINESIA)
      continue;
    findings.emplace_back(&finding, &response);
  }
  if (older != nullptr) {
    for (const v1::Finding& finding : older->findings()) {
      if (finding.kind() == v1::Finding::TARDIVE_DYSKINESIA)
        findings.emplace_back(&finding, older);
    }
  }
  // order-select with selections judges every order but shows cards only for
  // the selected ones; selections that match no order select nothing.
  const bool only_selected =
      order_select && (call.has_selections || !call.selected_indexes.empty());
  std::vector<CardProblem> problems;
  std::map<ProblemKey, size_t> problem_of;
  for (const auto& [finding, answer] : findings) {
    if (!Intersects(*finding, call.draft_indexes)) continue;
    if (only_selected && !Intersects(*finding, call.selected_indexes)) continue;
    const absl::string_view indicator =
        CardIndicator(*finding, StartsADrug(call, *finding));
    auto [at, added] = problem_of.emplace(KeyOf(*finding), problems.size());
    if (added) {
      problems.push_back({finding, answer, {}, indicator});
      continue;
    }
    CardProblem& problem = problems[at->second];
    if (Louder(*finding, *problem.finding)) {
      problem.same_problem.push_back(problem.finding);
      problem.finding = finding;
      problem.answer = answer;
    } else {
      problem.same_problem.push_back(finding);
    }
    if (Loudness(indicator) > Loudness(problem.indicator)) {
      problem.indicator = indicator;
    }
  }
  return problems;
}

}  // namespace dystonia::cds_hooks
