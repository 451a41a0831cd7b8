// One vocabulary (issue 20): the words for sex, route and status are defined
// once, in common.proto's `words` options, and dystonia-check and
// dystonia-audit read every one of them the same way.
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/audit/prescription_reader.h"
#include "clients/check/check_cli.h"
#include "dystonia/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

// The one request an audit CSV of one row makes.
absl::StatusOr<v1::CheckRequest> AuditRow(const std::string& sex,
                                          const std::string& route,
                                          const std::string& status) {
  auto reader = audit::PrescriptionReader::FromStream(
      std::make_unique<std::istringstream>(absl::StrCat(
          "prescription_id,age_years,sex,medication,route,status\n", "p1,30,",
          sex, ",haloperidol,", route, ",", status, "\n")),
      audit::InputFormat::kCsv, "test");
  if (!reader.ok()) return reader.status();
  audit::Prescription prescription;
  std::string rejected;
  const absl::StatusOr<bool> read = (*reader)->Next(
      &prescription,
      [&](const audit::RejectedRow& row) { rejected = row.reason; });
  if (!read.ok()) return read.status();
  if (!rejected.empty()) return absl::InvalidArgumentError(rejected);
  if (!*read) return absl::NotFoundError("no prescription");
  return prescription.request;
}

absl::StatusOr<v1::CheckRequest> CheckArguments(std::vector<std::string> args) {
  absl::StatusOr<CheckInvocation> invocation = ParseCheckArguments(args);
  if (!invocation.ok()) return invocation.status();
  return invocation->request;
}

template <typename Enum>
std::vector<std::pair<std::string, int>> EveryWord() {
  const auto& descriptor = *google::protobuf::GetEnumDescriptor<Enum>();
  std::vector<std::pair<std::string, int>> words = EnumWordList(descriptor);
  for (int i = 1; i < descriptor.value_count(); ++i) {
    words.emplace_back(descriptor.value(i)->name(),
                       descriptor.value(i)->number());
  }
  return words;
}

TEST(VocabularyTest, CheckAndAuditReadEverySexWordAlike) {
  for (const auto& [word, value] : EveryWord<v1::Sex>()) {
    auto check = CheckArguments({"--age", "30", "--sex", word, "--med", "x"});
    auto audited = AuditRow(word, "", "");
    ASSERT_TRUE(check.ok()) << word << ": " << check.status();
    ASSERT_TRUE(audited.ok()) << word << ": " << audited.status();
    EXPECT_EQ(check->patient().sex(), value) << word;
    EXPECT_EQ(audited->patient().sex(), value) << word;
  }
}

TEST(VocabularyTest, CheckAndAuditReadEveryRouteWordAlike) {
  for (const auto& [word, value] : EveryWord<v1::Route>()) {
    auto check = CheckArguments({"--age", "30", "--med", "x", "--route", word});
    auto audited = AuditRow("", word, "");
    ASSERT_TRUE(check.ok()) << word << ": " << check.status();
    ASSERT_TRUE(audited.ok()) << word << ": " << audited.status();
    EXPECT_EQ(check->medications(0).route(), value) << word;
    EXPECT_EQ(audited->medications(0).route(), value) << word;
  }
}

TEST(VocabularyTest, CheckAndAuditReadEveryStatusWordAlike) {
  for (const auto& [word, value] : EveryWord<v1::MedicationStatus>()) {
    auto check =
        CheckArguments({"--age", "30", "--med", "x", "--status", word});
    auto audited = AuditRow("", "", word);
    ASSERT_TRUE(check.ok()) << word << ": " << check.status();
    ASSERT_TRUE(audited.ok()) << word << ": " << audited.status();
    EXPECT_EQ(check->medications(0).status(), value) << word;
    EXPECT_EQ(audited->medications(0).status(), value) << word;
  }
}

// What issue 20 found drifted: the audit took these, dystonia-check did not.
TEST(VocabularyTest, UnknownSexAndNewStatusMeanTheSameEverywhere) {
  auto check = CheckArguments(
      {"--age", "30", "--sex", "u", "--med", "x", "--status", "new"});
  auto audited = AuditRow("u", "", "new");
  ASSERT_TRUE(check.ok()) << check.status();
  ASSERT_TRUE(audited.ok()) << audited.status();
  EXPECT_EQ(check->patient().sex(), v1::SEX_UNKNOWN);
  EXPECT_EQ(audited->patient().sex(), v1::SEX_UNKNOWN);
  EXPECT_EQ(check->medications(0).status(), v1::MEDICATION_STATUS_PROPOSED);
  EXPECT_EQ(audited->medications(0).status(), v1::MEDICATION_STATUS_PROPOSED);
}

TEST(VocabularyTest, BothRefuseAnUnknownRouteNamingTheWordsTheyTake) {
  auto check =
      CheckArguments({"--age", "30", "--med", "x", "--route", "nasal"});
  auto audited = AuditRow("", "nasal", "");
  ASSERT_FALSE(check.ok());
  ASSERT_FALSE(audited.ok());
  EXPECT_THAT(check.status().message(), HasSubstr("--route"));
  EXPECT_THAT(audited.status().message(), HasSubstr("route"));
  for (const std::string& message : {std::string(check.status().message()),
                                     std::string(audited.status().message())}) {
    EXPECT_THAT(message, HasSubstr("intramuscular (im)"));
    EXPECT_THAT(message, HasSubstr("long_acting_injectable (lai, depot)"));
  }
}

TEST(EnumWordsTest, ReadsNamesShortNamesAndWordsInAnyCase) {
  const auto& routes = *google::protobuf::GetEnumDescriptor<v1::Route>();
  EXPECT_EQ(EnumValueOfWord(routes, " Long-acting injectable "),
            v1::ROUTE_LONG_ACTING_INJECTABLE);
  EXPECT_EQ(EnumValueOfWord(routes, "ROUTE_ORAL"), v1::ROUTE_ORAL);
  EXPECT_EQ(EnumValueOfWord(routes, "IM"), v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(EnumValueOfWord(routes, "depot"), v1::ROUTE_LONG_ACTING_INJECTABLE);
  // The zero value is no word: unspecified is said by saying nothing.
  EXPECT_EQ(EnumValueOfWord(routes, "unspecified"), std::nullopt);
  EXPECT_EQ(EnumValueOfWord(routes, "ROUTE_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(EnumValueOfWord(routes, ""), std::nullopt);
  EXPECT_EQ(EnumValueOfWord(routes, "nasal"), std::nullopt);
  absl::StatusOr<int> empty = ParseEnumWord(routes, "route", "  ");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, v1::ROUTE_UNSPECIFIED);
}

}  // namespace
}  // namespace dystonia
