// A site's RxNorm release read from RRF files in the real pipe-delimited
// format, written here. The RxCUIs and NDCs (9000xx, 99999...) are
// placeholders for the minimal test bundle's made-up drugs, not real codes.

#include "drug_db/rxnorm_release.h"

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_snapshot.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::drug_db_testing::WriteFile;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

// RXNCONSO.RRF: RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|
// TTY|CODE|STR|SRL|SUPPRESS|CVF|
std::string Conso(const std::string& rxcui, const std::string& tty,
                  const std::string& name, const std::string& sab = "RXNORM",
                  const std::string& suppress = "N") {
  return rxcui + "|ENG||||||A" + rxcui + "|||" + rxcui + "|" + sab + "|" +
         tty + "|" + rxcui + "|" + name + "||" + suppress + "||\n";
}

// RXNREL.RRF: RXCUI1|RXAUI1|STYPE1|REL|RXCUI2|RXAUI2|STYPE2|RELA|RUI|SRUI|
// SAB|SL|DIR|RG|SUPPRESS|CVF| -- "RXCUI2 RELA RXCUI1".
std::string Rel(const std::string& part, const std::string& rela,
                const std::string& whole) {
  return part + "|||RO|" + whole + "|||" + rela + "|||RXNORM||||N||\n";
}

// RXNSAT.RRF: RXCUI|LUI|SUI|RXAUI|STYPE|CODE|ATUI|SATUI|ATN|SAB|ATV|
// SUPPRESS|CVF|
std::string Ndc(const std::string& rxcui, const std::string& ndc) {
  return rxcui + "|||A" + rxcui + "|AUI||AT" + rxcui + "||NDC|RXNORM|" + ndc +
         "|N||\n";
}

class RxNormReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = NewTempDir("rxnorm_full_01012026");
    // alphazine (IN 1111 in the minimal bundle) and its products; a product
    // of an ingredient the knowledge base does not have (3333).
    WriteFile(dir_ + "/RXNCONSO.RRF",
              Conso("1111", "IN", "alphazine") +
                  Conso("900001", "SCDC", "alphazine 5 MG") +
                  Conso("900002", "SCD", "alphazine 5 MG Oral Tablet") +
                  Conso("900003", "SBD", "alphazine 5 MG Oral Tablet [Alphax]") +
                  Conso("900004", "BN", "Alphax") +
                  Conso("900005", "SCD",
                        "alphazine 50 MG/ML Extended-Release Injectable "
                        "Suspension") +
                  Conso("3333", "IN", "gammazine") +
                  Conso("900006", "SCD", "gammazine 1 MG Oral Tablet") +
                  Conso("900007", "SCD", "alphazine 9 MG Oral Tablet", "RXNORM",
                        "Y") +
                  Conso("900008", "SCD", "other source", "MTHSPL"));
    WriteFile(dir_ + "/RXNREL.RRF",
              Rel("1111", "has_ingredient", "900001") +
                  Rel("900001", "consists_of", "900002") +
                  Rel("900002", "tradename_of", "900003") +
                  Rel("1111", "tradename_of", "900004") +
                  Rel("1111", "has_ingredient", "900005") +
                  Rel("3333", "has_ingredient", "900006") +
                  Rel("1111", "has_ingredient", "900007"));
    WriteFile(dir_ + "/RXNSAT.RRF",
              Ndc("900002", "99999000101") + Ndc("900006", "99999000202"));
  }

  std::string dir_;
};

TEST_F(RxNormReleaseTest, ProductsOfKnownIngredientsResolveToTheirDrug) {
  absl::StatusOr<RxNormProducts> products =
      ReadRxNormRelease(dir_, MinimalBundle());

  ASSERT_THAT(products, IsOk());
  // The release is named after its directory unless a name is given.
  EXPECT_TRUE(absl::StartsWith(products->release, "rxnorm_full_01012026"))
      << products->release;
  std::map<std::string, v1::ProductCode> by_code;
  for (const auto& [drug, code] : products->codes) {
    EXPECT_EQ(drug, "alphazine") << code.code();
    by_code[code.code()] = code;
  }
  // SCDC, SCD, SBD (through its SCD), BN, the depot SCD and the SCD's NDC.
  EXPECT_EQ(by_code.size(), 6u);
  EXPECT_EQ(by_code["900002"].term_type(), "SCD");
  EXPECT_EQ(by_code["900002"].route(), v1::ROUTE_ORAL);
  EXPECT_EQ(by_code["900003"].term_type(), "SBD");
  EXPECT_EQ(by_code["900005"].route(), v1::ROUTE_LONG_ACTING_INJECTABLE);
  EXPECT_EQ(by_code["99999000101"].system(), v1::ProductCode::NDC);
  // The unknown ingredient's product and its NDC are left out; suppressed
  // concepts and other sources are not read.
  EXPECT_EQ(by_code.count("900006"), 0u);
  EXPECT_EQ(by_code.count("99999000202"), 0u);
  EXPECT_EQ(by_code.count("900007"), 0u);
  EXPECT_EQ(products->products_left_out, 1) << products->products_read;
}

TEST_F(RxNormReleaseTest, ImportMakesAVersionThatResolvesTheCodes) {
  const std::string db = NewTempDir("rxnorm_db");
  auto store = DrugStore::Open(db);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->Import(MinimalBundle(), "test"), IsOk());
  KnowledgeAdmin admin(store->get());

  int added = 0;
  auto written = admin.ImportRxNorm(dir_, "RxNorm_full_01012026", "tester",
                                    "site release", &added);

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(added, 6);
  EXPECT_EQ(written->audit.action(), "import-rxnorm");
  auto snapshot = KnowledgeSnapshot::Load(**store);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ((*snapshot)->info().manifest().rxnorm_release(),
            "RxNorm_full_01012026");
  const NameHit* scd = (*snapshot)->FindRxcui("900002");
  ASSERT_NE(scd, nullptr);
  EXPECT_EQ(scd->kind, v1::NameIndexEntry::RXNORM_PRODUCT);
  EXPECT_EQ(scd->route, v1::ROUTE_ORAL);
  const NameHit* ndc = (*snapshot)->FindNdc("99999000101");
  ASSERT_NE(ndc, nullptr);
  EXPECT_EQ((*snapshot)->drugs()[ndc->drug].drug->id(), "alphazine");

  // Importing the same release again adds nothing new.
  int again = -1;
  ASSERT_THAT(admin.ImportRxNorm(dir_, "RxNorm_full_01012026", "tester",
                                 "again", &again),
              IsOk());
  EXPECT_EQ(again, 0);
}

TEST_F(RxNormReleaseTest, MissingFileAndMalformedRowsAreNamed) {
  const std::string empty = NewTempDir("rxnorm_empty");
  EXPECT_THAT(ReadRxNormRelease(empty, MinimalBundle()),
              StatusIs(absl::StatusCode::kNotFound));

  WriteFile(dir_ + "/RXNREL.RRF", "1111|only|three\n");
  absl::StatusOr<RxNormProducts> broken =
      ReadRxNormRelease(dir_, MinimalBundle());
  EXPECT_THAT(broken, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(broken.status().message()),
              HasSubstr("RXNREL.RRF:1:"));
}

}  // namespace
}  // namespace dystonia
