// CDS Hooks feedback through the real service, engine and RocksDB store (no
// server): free text never stored, only offered reasons kept, unknown cards
// and oversized requests refused, and the per-caller rate limit.
#include "service/cds_hooks/feedback.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/override_reasons.h"
#include "tests/testing/cds_hooks_requests.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::cds_hooks {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kPatientName[] = "Jane Doe MRN 12345";

// One feedback entry on `card`, overridden with `code` in `system`, the
// reason's display and the user comment naming the patient.
std::string Entry(const std::string& card, const std::string& code,
                  const std::string& system) {
  return absl::StrCat(
      R"({"card":")", card,
      R"(","outcome":"overridden","overrideReason":{"reason":{"code":")", code,
      R"(","system":")", system, R"(","display":")", kPatientName,
      R"("},"userComment":")", kPatientName,
      R"("},"outcomeTimestamp":"2026-12-04T10:00:00Z"})");
}

std::string Body(const std::vector<std::string>& entries) {
  return absl::StrCat(R"({"feedback":[)", absl::StrJoin(entries, ","), "]}");
}

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = DrugStore::Open(testing::NewTempDir("feedback-db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    knowledge_.Set(testing::BundledKnowledge());
  }

  std::unique_ptr<CdsHooksService> Service(int64_t rate_per_minute = 1200) {
    CdsHooksOptions options;
    options.feedback_rate_per_minute = rate_per_minute;
    return std::make_unique<CdsHooksService>(&knowledge_, store_.get(),
                                             options);
  }

  // The uuids of the cards `service` issues for IM haloperidol.
  std::vector<std::string> IssueCards(const CdsHooksService& service) {
    absl::StatusOr<json::Value> answer =
        service.Hook(kOrderSignService, testing::HaloperidolImOrderSign());
    EXPECT_TRUE(answer.ok()) << answer.status();
    std::vector<std::string> uuids;
    if (!answer.ok()) return uuids;
    for (const json::Value& card : (*answer)["cards"])
      uuids.push_back(card.value("uuid", ""));
    EXPECT_FALSE(uuids.empty());
    return uuids;
  }

  // Posts `entries` to the order-sign service as `caller`.
  static absl::Status Post(const CdsHooksService& service,
                           const std::vector<std::string>& entries,
                           const std::string& caller = "pharmacy-app") {
    return service.Feedback(kOrderSignService, Body(entries), caller).status();
  }

  std::vector<v1::CardFeedback> Stored() {
    std::vector<v1::CardFeedback> stored;
    EXPECT_THAT(store_->ForEachFeedback([&](const v1::CardFeedback& entry) {
      stored.push_back(entry);
    }),
                IsOk());
    return stored;
  }

  KnowledgeHolder knowledge_;
  std::unique_ptr<DrugStore> store_;
};

TEST_F(FeedbackTest, FreeTextIsNeverStored) {
  auto service = Service();
  const std::string card = IssueCards(*service)[0];

  ASSERT_THAT(Post(*service, {Entry(card, "benefit-outweighs-risk",
                                            kOverrideReasonSystem)}),
              IsOk());

  const std::vector<v1::CardFeedback> stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_THAT(stored[0].DebugString(), Not(HasSubstr(kPatientName)));
  EXPECT_THAT(stored[0].override_reason_display(), IsEmpty());
  EXPECT_EQ(stored[0].override_reason_code(), "benefit-outweighs-risk");
  EXPECT_EQ(stored[0].override_reason_system(), kOverrideReasonSystem);
}

TEST_F(FeedbackTest, ReasonNotOfferedIsDroppedAndTheOutcomeKept) {
  auto service = Service();
  const std::string card = IssueCards(*service)[0];

  ASSERT_THAT(Post(*service, {Entry(card, kPatientName,
                                            kOverrideReasonSystem)}),
              IsOk());

  const std::vector<v1::CardFeedback> stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].outcome(), v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  EXPECT_THAT(stored[0].override_reason_code(), IsEmpty());
  EXPECT_THAT(stored[0].override_reason_system(), IsEmpty());
}

// Even a store fed directly (an older replica's forwarded entry) keeps no
// display.
TEST_F(FeedbackTest, StoreDropsADisplayGivenToIt) {
  v1::CardFeedback entry;
  entry.set_card_uuid("0b6f1a2e-1c55-4a7e-8f1d-7d9e8a6b5c41");
  entry.set_override_reason_display(kPatientName);

  ASSERT_THAT(store_->RecordFeedback({entry}), IsOk());

  const std::vector<v1::CardFeedback> stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_THAT(stored[0].override_reason_display(), IsEmpty());
}

TEST_F(FeedbackTest, CardTheServiceNeverIssuedIsRefusedNamingTheEntry) {
  auto service = Service();
  const std::string card = IssueCards(*service)[0];

  absl::Status status =
      Post(*service, {Entry(card, "not-applicable", kOverrideReasonSystem),
                      Entry("9368d37b-283f-44a0-93ea-547cebab93ed",
                            "not-applicable", kOverrideReasonSystem)});

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("feedback[1].card"));
  EXPECT_THAT(Stored(), IsEmpty());
}

TEST_F(FeedbackTest, CardThatIsNotAUuidIsRefused) {
  absl::Status status =
      Post(*Service(), {Entry(std::string(5000, 'a'), "not-applicable",
                              kOverrideReasonSystem)});

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("feedback[0].card"));
}

TEST_F(FeedbackTest, MoreThanTheMaximumEntriesIsRefused) {
  auto service = Service();
  const std::string card = IssueCards(*service)[0];
  std::vector<std::string> entries(
      kMaxFeedbackEntries + 1,
      Entry(card, "not-applicable", kOverrideReasonSystem));

  absl::Status status = Post(*service, entries);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("feedback:"));
  EXPECT_THAT(Stored(), IsEmpty());
}

TEST_F(FeedbackTest, TheMaximumEntriesIsAccepted) {
  auto service = Service();
  const std::string card = IssueCards(*service)[0];
  std::vector<std::string> entries(
      kMaxFeedbackEntries, Entry(card, "not-applicable", kOverrideReasonSystem));

  EXPECT_THAT(Post(*service, entries), IsOk());
}

// The limit counts entries per caller: a caller over it gets
// RESOURCE_EXHAUSTED (HTTP 429), another caller is not held back.
TEST_F(FeedbackTest, CallerOverTheRateIsRefusedAndOthersAreNot) {
  auto service = Service(/*rate_per_minute=*/3);
  const std::vector<std::string> cards = IssueCards(*service);
  ASSERT_GE(cards.size(), 2u);
  const std::vector<std::string> two = {
      Entry(cards[0], "not-applicable", kOverrideReasonSystem),
      Entry(cards[1], "not-applicable", kOverrideReasonSystem)};
  ASSERT_THAT(Post(*service, two, "flooder"), IsOk());

  absl::Status refused = Post(*service, two, "flooder");
  absl::Status other = Post(*service, two, "pharmacy-app");

  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(other, IsOk());
}

}  // namespace
}  // namespace dystonia::cds_hooks
