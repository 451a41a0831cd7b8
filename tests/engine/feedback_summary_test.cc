// The committee's view of card feedback: override rates per rule.
#include "service/engine/feedback_summary.h"

#include <vector>

#include "gtest/gtest.h"

namespace dystonia {
namespace {

TEST(SummarizeFeedbackTest, CountsTheRangeOnly) {
  std::vector<v1::CardFeedback> feedback(3);
  feedback[0].set_rule_id("r");
  feedback[0].set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  feedback[0].set_outcome_unix_seconds(100);
  feedback[1].set_rule_id("r");
  feedback[1].set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
  feedback[1].set_outcome_unix_seconds(150);
  feedback[2].set_rule_id("r");
  feedback[2].set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  feedback[2].set_outcome_unix_seconds(300);

  v1::FeedbackSummary summary = SummarizeFeedback(feedback, 100, 200);

  ASSERT_EQ(summary.rules_size(), 1);
  EXPECT_EQ(summary.rules(0).feedback_count(), 2);
  EXPECT_EQ(summary.rules(0).overridden(), 1);
  EXPECT_DOUBLE_EQ(summary.rules(0).override_rate(), 0.5);
}

TEST(SummarizeFeedbackTest, RulesWithTheMostFeedbackComeFirstWithTheirReasons) {
  std::vector<v1::CardFeedback> feedback(3);
  feedback[0].set_rule_id("rare");
  feedback[0].set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
  for (int i : {1, 2}) {
    feedback[i].set_rule_id("common");
    feedback[i].set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
    feedback[i].set_override_reason_code("benefit-outweighs-risk");
  }

  v1::FeedbackSummary summary = SummarizeFeedback(feedback, 0, 0);

  ASSERT_EQ(summary.rules_size(), 2);
  EXPECT_EQ(summary.rules(0).rule_id(), "common");
  ASSERT_EQ(summary.rules(0).override_reasons_size(), 1);
  EXPECT_EQ(summary.rules(0).override_reasons(0).code(),
            "benefit-outweighs-risk");
  EXPECT_EQ(summary.rules(0).override_reasons(0).count(), 2);
  EXPECT_EQ(summary.rules(1).rule_id(), "rare");
  EXPECT_EQ(summary.feedback_count(), 3);
}

}  // namespace
}  // namespace dystonia
