// Metabolizer phenotypes read from FHIR Observations as the HL7 Genomics
// Reporting IG records them.

#include "service/cds_hooks/fhir_genomics.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dystonia::cds_hooks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTbd[] =
    "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs";

std::string Genotype(const std::string& id, const std::string& gene) {
  return absl::StrCat(
      R"({"resourceType":"Observation","id":")", id,
      R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"84413-4"}]},)",
      R"("component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},)",
      R"("valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org/geneId","display":")",
      gene, R"("}]}}]})");
}

// A therapeutic implication with the LOINC answer `answer` ("LA9657-3") or,
// when `answer` is empty, only the words `display`; derived from
// `genotype_id` unless empty.
std::string Implication(const std::string& id, const std::string& answer,
                        const std::string& display,
                        const std::string& genotype_id,
                        const std::string& status = "final") {
  std::string coding =
      answer.empty()
          ? absl::StrCat(R"({"display":")", display, R"("})")
          : absl::StrCat(R"({"system":"http://loinc.org","code":")", answer,
                         R"(","display":")", display, R"("})");
  std::string observation = absl::StrCat(
      R"({"resourceType":"Observation","id":")", id, R"(","status":")", status,
      R"(","code":{"coding":[{"system":")", kTbd,
      R"(","code":"therapeutic-implication"}]},)",
      R"("component":[{"code":{"coding":[{"system":")", kTbd,
      R"(","code":"predicted-therapeutic-implication"}]},)",
      R"("valueCodeableConcept":{"coding":[)", coding, R"(]}}])");
  if (!genotype_id.empty()) {
    absl::StrAppend(&observation,
                    R"(,"derivedFrom":[{"reference":"Observation/)",
                    genotype_id, R"("}])");
  }
  absl::StrAppend(&observation, "}");
  return observation;
}

GenomicResults Read(const std::vector<std::string>& texts,
                    int max_results = 50) {
  static std::vector<json::Value>* kept = new std::vector<json::Value>();
  kept->clear();
  kept->reserve(texts.size());
  for (const std::string& text : texts) {
    absl::StatusOr<json::Value> value = json::Parse(text);
    EXPECT_TRUE(value.ok()) << text;
    kept->push_back(value.ok() ? *std::move(value) : json::Value());
  }
  std::vector<const json::Value*> resources;
  std::vector<Referable> everything;
  for (const json::Value& value : *kept) {
    resources.push_back(&value);
    everything.push_back({"", &value});
  }
  return PharmacogenomicsFrom(resources, everything, max_results);
}

std::vector<std::string> Lines(const GenomicResults& read) {
  std::vector<std::string> lines;
  for (const v1::PharmacogenomicResult& result : read.results) {
    lines.push_back(absl::StrCat(
        result.gene(), " ",
        v1::PharmacogenomicResult::Phenotype_Name(result.phenotype())));
  }
  return lines;
}

TEST(FhirGenomicsTest, TheGeneComesFromTheGenotypeTheImplicationIsDerivedFrom) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"),
            Implication("t1", "LA9657-3", "Poor metabolizer", "g1")});

  EXPECT_THAT(Lines(read), ElementsAre("CYP2D6 POOR"));
  EXPECT_THAT(read.notes, IsEmpty());
}

TEST(FhirGenomicsTest, EachLoincAnswerIsItsPhenotype) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"), Genotype("g2", "CYP2C19"),
            Genotype("g3", "CYP3A4"), Genotype("g4", "CYP1A2"),
            Genotype("g5", "TPMT"),
            Implication("t1", "LA10317-8", "Intermediate metabolizer", "g1"),
            Implication("t2", "LA10315-2", "Ultrarapid metabolizer", "g2"),
            Implication("t3", "LA25391-6", "Normal metabolizer", "g3"),
            Implication("t4", "LA25390-8", "Rapid metabolizer", "g4"),
            Implication("t5", "LA9657-3", "Poor metabolizer", "g5")});

  EXPECT_THAT(Lines(read),
              ElementsAre("CYP2D6 INTERMEDIATE", "CYP2C19 ULTRARAPID",
                          "CYP3A4 NORMAL", "CYP1A2 RAPID", "TPMT POOR"));
}

TEST(FhirGenomicsTest, WordsAloneAreReadWhenNoCodeIsSent) {
  const GenomicResults read =
      Read({Genotype("g1", "cyp2d6"),
            Implication("t1", "", "poor metabolizer", "g1")});

  EXPECT_THAT(Lines(read), ElementsAre("CYP2D6 POOR"));
}

TEST(FhirGenomicsTest, ImplicationsOfOneGeneThatAgreeAreOneResult) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"),
            Implication("t1", "LA9657-3", "Poor metabolizer", "g1"),
            Implication("t2", "LA9657-3", "Poor metabolizer", "g1")});

  EXPECT_THAT(Lines(read), ElementsAre("CYP2D6 POOR"));
}

TEST(FhirGenomicsTest, ResultsThatDisagreeAreNotUsedAndSaidSo) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"), Genotype("g2", "CYP2D6"),
            Implication("t1", "LA9657-3", "Poor metabolizer", "g1"),
            Implication("t2", "LA25391-6", "Normal metabolizer", "g2")});

  EXPECT_THAT(read.results, IsEmpty());
  EXPECT_THAT(read.notes,
              ElementsAre(HasSubstr("CYP2D6 results disagree (poor, normal)")));
}

TEST(FhirGenomicsTest, APhenotypeWithoutItsGeneIsNotUsedAndSaidSo) {
  const GenomicResults read =
      Read({Implication("t1", "LA9657-3", "Poor metabolizer", "missing")});

  EXPECT_THAT(read.results, IsEmpty());
  EXPECT_THAT(read.notes,
              ElementsAre(HasSubstr("Observation/t1: a metabolizer phenotype "
                                    "without its gene")));
}

TEST(FhirGenomicsTest, AnObservationEnteredInErrorIsNotRead) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"),
            Implication("t1", "LA9657-3", "Poor metabolizer", "g1",
                        "entered-in-error")});

  EXPECT_THAT(read.results, IsEmpty());
  EXPECT_THAT(read.notes, IsEmpty());
}

TEST(FhirGenomicsTest, AtMostTheLimitOfGenesIsRead) {
  const GenomicResults read =
      Read({Genotype("g1", "CYP2D6"), Genotype("g2", "CYP2C19"),
            Implication("t1", "LA9657-3", "Poor metabolizer", "g1"),
            Implication("t2", "LA9657-3", "Poor metabolizer", "g2")},
           /*max_results=*/1);

  EXPECT_THAT(Lines(read), ElementsAre("CYP2D6 POOR"));
  EXPECT_THAT(read.notes, ElementsAre(HasSubstr("Only the first 1 genes")));
}

}  // namespace
}  // namespace dystonia::cds_hooks
