#include "service/engine/feedback_summary.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace dystonia {

v1::FeedbackSummary SummarizeFeedback(
    const std::vector<v1::CardFeedback>& feedback, int64_t from, int64_t to) {
  struct Counts {
    int64_t accepted = 0;
    int64_t overridden = 0;
    // By (code, system): a display a record may hold from before free text
    // was dropped is not returned.
    std::map<std::tuple<std::string, std::string>, int64_t> reasons;
  };
  std::map<std::string, Counts> by_rule;
  v1::FeedbackSummary summary;
  summary.set_from_unix_seconds(from);
  summary.set_to_unix_seconds(to);
  for (const v1::CardFeedback& entry : feedback) {
    const int64_t at = entry.outcome_unix_seconds();
    if ((from > 0 && at < from) || (to > 0 && at >= to)) continue;
    Counts& counts =
        by_rule[entry.rule_id().empty() ? "(unknown card)" : entry.rule_id()];
    summary.set_feedback_count(summary.feedback_count() + 1);
    if (entry.outcome() == v1::FEEDBACK_OUTCOME_OVERRIDDEN) {
      ++counts.overridden;
      ++counts.reasons[{entry.override_reason_code(),
                        entry.override_reason_system()}];
    } else {
      ++counts.accepted;
    }
  }
  for (const auto& [rule, counts] : by_rule) {
    v1::RuleFeedback* rule_feedback = summary.add_rules();
    rule_feedback->set_rule_id(rule);
    rule_feedback->set_accepted(counts.accepted);
    rule_feedback->set_overridden(counts.overridden);
    rule_feedback->set_feedback_count(counts.accepted + counts.overridden);
    rule_feedback->set_override_rate(static_cast<double>(counts.overridden) /
                                     rule_feedback->feedback_count());
    std::vector<std::pair<int64_t, std::tuple<std::string, std::string>>>
        reasons;
    for (const auto& [reason, count] : counts.reasons)
      reasons.push_back({count, reason});
    std::stable_sort(
        reasons.begin(), reasons.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [count, reason] : reasons) {
      v1::OverrideReasonCount* out = rule_feedback->add_override_reasons();
      out->set_code(std::get<0>(reason));
      out->set_system(std::get<1>(reason));
      out->set_count(count);
    }
  }
  std::stable_sort(summary.mutable_rules()->begin(),
                   summary.mutable_rules()->end(),
                   [](const v1::RuleFeedback& a, const v1::RuleFeedback& b) {
                     return a.feedback_count() > b.feedback_count();
                   });
  return summary;
}

}  // namespace dystonia
