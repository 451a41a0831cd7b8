#include "drug_db/name_normalizer.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dystonia {
namespace {

struct NameCase {
  std::string input;
  std::string expected;
};

class NormalizeNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(NormalizeNameTest, FoldsToIndexKey) {
  const NameCase& name_case = GetParam();

  const std::string normalized = NormalizeName(name_case.input);

  EXPECT_EQ(normalized, name_case.expected) << "input: " << name_case.input;
}

INSTANTIATE_TEST_SUITE_P(
    Names, NormalizeNameTest,
    ::testing::Values(
        NameCase{"haloperidol", "haloperidol"},
        NameCase{"Haloperidol  Lactate", "haloperidol lactate"},
        NameCase{"haloperidol-lactate", "haloperidol lactate"},
        NameCase{"HALDOL", "haldol"},
        NameCase{"olanzapine/fluoxetine", "olanzapine fluoxetine"},
        NameCase{"  -Haldol Decanoate.  ", "haldol decanoate"},
        NameCase{"Vitamin B12", "vitamin b12"}, NameCase{"a , / - b", "a b"},
        NameCase{"", ""}, NameCase{" -/. ", ""},
        // Bytes >= 0x80 are kept unchanged (not lower-cased, not dropped).
        NameCase{"Caf\xC3\xA9", "caf\xC3\xA9"},
        NameCase{"\xC3\x84rzte-Mittel", "\xC3\x84rzte mittel"}));

TEST(NameNormalizerTest, SpellingsOfOneNameShareAKey) {
  const std::string spaced = NormalizeName("Haloperidol  Lactate");

  const std::string hyphenated = NormalizeName("haloperidol-lactate");

  EXPECT_EQ(spaced, hyphenated);
}

TEST(NameNormalizerTest, NdcsBecomeTheirElevenDigitForms) {
  using ::testing::ElementsAre;
  EXPECT_THAT(NdcCandidates("0781-1391-01"), ElementsAre("00781139101"));
  EXPECT_THAT(NdcCandidates("68382-080-01"), ElementsAre("68382008001"));
  EXPECT_THAT(NdcCandidates("12345-6789-1"), ElementsAre("12345678901"));
  EXPECT_THAT(NdcCandidates("12345-6789-01"), ElementsAre("12345678901"));
  EXPECT_THAT(NdcCandidates(" 12345678901 "), ElementsAre("12345678901"));
  // Ten digits without hyphens: the three paddings it may stand for.
  EXPECT_THAT(NdcCandidates("1234567890"),
              ElementsAre("01234567890", "12345067890", "12345678900"));
  EXPECT_TRUE(NdcCandidates("123-456").empty());
  EXPECT_TRUE(NdcCandidates("12345-678-9012").empty());
  EXPECT_TRUE(NdcCandidates("NDC 12345678901").empty());
  EXPECT_TRUE(NdcCandidates("").empty());
}

TEST(NameNormalizerTest, AtcCodeIsUpperCasedWithoutSpaces) {
  EXPECT_EQ(NormalizeAtcCode(" n05ad01 "), "N05AD01");
  EXPECT_EQ(NormalizeAtcCode("n05 ad 01"), "N05AD01");
  EXPECT_EQ(NormalizeAtcCode("N05AD01"), "N05AD01");
  EXPECT_EQ(NormalizeAtcCode(""), "");
}

TEST(NameNormalizerTest, RxcuiLosesSurroundingSpaces) {
  EXPECT_EQ(NormalizeRxcui(" 5093 "), "5093");
  EXPECT_EQ(NormalizeRxcui("5093"), "5093");
  EXPECT_EQ(NormalizeRxcui("\t61381\n"), "61381");
  EXPECT_EQ(NormalizeRxcui(""), "");
}

TEST(NameNormalizerTest, AtcCodesOfEveryLevelAreWellFormed) {
  for (const char* code : {"N", "N05", "N05A", "N05AD", "N05AD01", "A03FA01"}) {
    EXPECT_TRUE(IsWellFormedAtcCode(code)) << code;
  }
}

TEST(NameNormalizerTest, MalformedAtcCodesAreRejected) {
  for (const char* code :
       {"", "n05ad01", "N5", "N0", "N05AD0", "N05AD011", "NO5AD01", "N05A1",
        "N05ADO1", "105AD01", " N05AD01", "N05-AD01"}) {
    EXPECT_FALSE(IsWellFormedAtcCode(code)) << code;
  }
}

TEST(NameNormalizerTest, RxcuiOfOneToNineDigitsIsWellFormed) {
  for (const char* code : {"1", "5093", "61381", "123456789"}) {
    EXPECT_TRUE(IsWellFormedRxcui(code)) << code;
  }
}

TEST(NameNormalizerTest, MalformedRxcuisAreRejected) {
  for (const char* code :
       {"", "1234567890", "50a3", " 5093", "5093 ", "-1", "RxNorm:5093"}) {
    EXPECT_FALSE(IsWellFormedRxcui(code)) << code;
  }
}

}  // namespace
}  // namespace dystonia
