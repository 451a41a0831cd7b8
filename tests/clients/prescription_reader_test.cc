#include "clients/audit/prescription_reader.h"

#include <fstream>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::audit {
namespace {

using ::dystonia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHeader[] =
    "prescription_id,patient_id,age_years,sex,medication,rxcui,atc_code,route,"
    "daily_dose_mg,status,days_on_therapy,dose_increased_days_ago\n";

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::NewTempDir("reader") + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct ReadAll {
  std::vector<Prescription> prescriptions;
  std::vector<RejectedRow> rejected;
  int64_t rows_read = 0;
};

ReadAll Read(const std::string& path) {
  auto reader = PrescriptionReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  ReadAll all;
  if (!reader.ok()) return all;
  Prescription prescription;
  while (true) {
    absl::StatusOr<bool> next = (*reader)->Next(
        &prescription,
        [&](const RejectedRow& row) { all.rejected.push_back(row); });
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || !*next) break;
    all.prescriptions.push_back(prescription);
  }
  all.rows_read = (*reader)->rows_read();
  return all;
}

// Serves `text`, then fails as a disk or a network file system may: the
// stream's read throws, which the istream turns into badbit.
class FailingAfter : public std::streambuf {
 public:
  explicit FailingAfter(std::string text) : text_(std::move(text)) {
    setg(text_.data(), text_.data(), text_.data() + text_.size());
  }

 protected:
  int_type underflow() override {
    throw std::ios_base::failure("input/output error");
  }

 private:
  std::string text_;
};

// An input that breaks off is an error naming it, never a clean end of
// file with the rest of the prescriptions silently unaudited.
TEST(PrescriptionReaderTest, AnInputThatCannotBeReadOnIsAnErrorNotTheEnd) {
  FailingAfter failing(std::string(kHeader) +
                       "RX1,P1,19,male,haloperidol,,,im,10,proposed,,\n"
                       "RX2,P2,74,female,metformin,,,oral,500,active,,\n");
  auto stream = std::make_unique<std::istream>(&failing);
  auto reader = PrescriptionReader::FromStream(std::move(stream),
                                               InputFormat::kCsv, "orders.csv");
  ASSERT_TRUE(reader.ok()) << reader.status();
  Prescription prescription;
  absl::StatusOr<bool> next = true;
  int read = 0;
  while (next.ok() && *next) {
    next = (*reader)->Next(&prescription, [](const RejectedRow&) {});
    if (next.ok() && *next) ++read;
  }
  ASSERT_FALSE(next.ok()) << "the broken input was taken for its end";
  EXPECT_EQ(next.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(next.status().message(), HasSubstr("orders.csv"));
  EXPECT_LE(read, 1);
}

TEST(PrescriptionReaderTest, GroupsConsecutiveRowsIntoPrescriptions) {
  ReadAll all = Read(
      WriteFile("a.csv", std::string(kHeader) +
                             "RX1,P1,19,male,haloperidol,,,im,10,proposed,,\n"
                             "RX1,P1,19,male,benztropine,,,,2,proposed,,\n"
                             "RX2,P2,74,female,,5093,,oral,4,active,1500,3\n"));

  ASSERT_EQ(all.prescriptions.size(), 2u);
  EXPECT_TRUE(all.rejected.empty());
  EXPECT_EQ(all.rows_read, 3);
  const v1::CheckRequest& first = all.prescriptions[0].request;
  EXPECT_EQ(first.request_id(), "RX1");
  EXPECT_EQ(first.patient().age_years(), 19);
  EXPECT_EQ(first.patient().sex(), v1::SEX_MALE);
  ASSERT_EQ(first.medications_size(), 2);
  EXPECT_EQ(first.medications(0).name(), "haloperidol");
  EXPECT_EQ(first.medications(0).route(), v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(first.medications(0).daily_dose_mg(), 10);
  EXPECT_EQ(first.medications(0).status(), v1::MEDICATION_STATUS_PROPOSED);
  EXPECT_THAT(all.prescriptions[0].lines, ElementsAre(2, 3));
  const v1::Medication& coded = all.prescriptions[1].request.medications(0);
  EXPECT_EQ(coded.rxcui(), "5093");
  EXPECT_EQ(coded.days_on_therapy(), 1500);
  EXPECT_EQ(coded.dose_increased_days_ago(), 3);
  EXPECT_THAT(all.prescriptions[1].names, ElementsAre("5093"));
}

TEST(PrescriptionReaderTest, ReadsConditionsAndWeightOfThePatient) {
  ReadAll all = Read(WriteFile(
      "c.csv",
      "prescription_id,age_years,sex,medication,conditions,weight_kg\n"
      "RX1,72,male,metoclopramide,\"Parkinson's disease; sct|49049000\",61\n"
      "RX1,72,male,ondansetron,,\n"
      "RX1,72,male,domperidone,gout,\n"
      "RX2,30,female,haloperidol,\"icd10cm|G24.01\",\n"));

  ASSERT_EQ(all.prescriptions.size(), 2u);
  const v1::Patient& patient = all.prescriptions[0].request.patient();
  EXPECT_DOUBLE_EQ(patient.weight_kg(), 61);
  ASSERT_EQ(patient.conditions_size(), 2);
  EXPECT_EQ(patient.conditions(0).text(), "Parkinson's disease");
  EXPECT_EQ(patient.conditions(1).system(), "http://snomed.info/sct");
  EXPECT_EQ(patient.conditions(1).code(), "49049000");
  // A later row may leave the patient's columns empty; one that differs is
  // rejected, never merged silently.
  EXPECT_EQ(all.prescriptions[0].request.medications_size(), 2);
  ASSERT_EQ(all.rejected.size(), 1u);
  EXPECT_EQ(all.rejected[0].line, 4);
  EXPECT_THAT(all.rejected[0].reason, HasSubstr("conditions"));
  const v1::Patient& second = all.prescriptions[1].request.patient();
  EXPECT_FALSE(second.has_weight_kg());
  ASSERT_EQ(second.conditions_size(), 1);
  EXPECT_EQ(second.conditions(0).system(),
            "http://hl7.org/fhir/sid/icd-10-cm");
}

TEST(PrescriptionReaderTest, ReadsTheCourseOfEachMedication) {
  ReadAll all =
      Read(WriteFile("course.csv",
                     "prescription_id,age_years,sex,medication,route,course\n"
                     "ED1,19,male,haloperidol,im,single_dose\n"
                     "ED1,19,male,metoclopramide,iv,short\n"
                     "ED1,19,male,olanzapine,oral,long-term\n"
                     "ED1,19,male,ondansetron,oral,\n"
                     "ED2,19,male,haloperidol,im,twice\n"));

  ASSERT_EQ(all.prescriptions.size(), 1u);
  const v1::CheckRequest& request = all.prescriptions[0].request;
  ASSERT_EQ(request.medications_size(), 4);
  EXPECT_EQ(request.medications(0).course(), v1::COURSE_SINGLE_DOSE);
  EXPECT_EQ(request.medications(1).course(), v1::COURSE_SHORT);
  EXPECT_EQ(request.medications(2).course(), v1::COURSE_LONG_TERM);
  EXPECT_EQ(request.medications(3).course(), v1::COURSE_UNSPECIFIED);
  ASSERT_EQ(all.rejected.size(), 1u);
  EXPECT_THAT(all.rejected[0].reason, HasSubstr("course: 'twice'"));
}

TEST(PrescriptionReaderTest, ReadsThePatientsPharmacogenomics) {
  ReadAll all = Read(
      WriteFile("pgx.csv",
                "prescription_id,age_years,sex,medication,pharmacogenomics\n"
                "P1,40,female,aripiprazole,CYP2D6=poor; CYP2C19=normal\n"
                "P1,40,female,clarithromycin,\n"
                "P2,40,female,pimozide,CYP2D6=slow\n"
                "P3,50,male,haloperidol,CYP2D6=poor\n"
                "P3,50,male,metoclopramide,CYP2D6=normal\n"));

  ASSERT_EQ(all.prescriptions.size(), 2u);
  const v1::Patient& first = all.prescriptions[0].request.patient();
  ASSERT_EQ(first.pharmacogenomics_size(), 2);
  EXPECT_EQ(first.pharmacogenomics(0).gene(), "CYP2D6");
  EXPECT_EQ(first.pharmacogenomics(0).phenotype(),
            v1::PharmacogenomicResult::POOR);
  EXPECT_EQ(first.pharmacogenomics(1).phenotype(),
            v1::PharmacogenomicResult::NORMAL);
  EXPECT_EQ(all.prescriptions[0].request.medications_size(), 2);
  ASSERT_EQ(all.rejected.size(), 2u);
  EXPECT_THAT(all.rejected[0].reason,
              HasSubstr("pharmacogenomics: 'slow' is not a phenotype"));
  EXPECT_THAT(all.rejected[1].reason,
              HasSubstr("pharmacogenomics differ from line"));
}

TEST(PrescriptionReaderTest, AcceptsBomCrlfQuotesAndAnyColumnOrder) {
  ReadAll all =
      Read(WriteFile("b.csv",
                     "\xEF\xBB\xBF"
                     "Medication,SEX,age_years,prescription_id\r\n"
                     "\"aripiprazole, oral solution\",F,40,RX9\r\n"
                     "\"lisinopril 10 mg \"\"daily\"\"\",f,40,RX9\r\n"));

  ASSERT_EQ(all.prescriptions.size(), 1u)
      << (all.rejected.empty() ? "" : all.rejected[0].reason);
  EXPECT_THAT(
      all.prescriptions[0].names,
      ElementsAre("aripiprazole, oral solution", "lisinopril 10 mg \"daily\""));
  EXPECT_EQ(all.prescriptions[0].request.patient().sex(), v1::SEX_FEMALE);
}

TEST(PrescriptionReaderTest, HeaderNeedsTheRequiredColumns) {
  auto reader = PrescriptionReader::Open(
      WriteFile("c.csv", "prescription_id,age_years,medication\nRX1,3,x\n"));

  EXPECT_THAT(reader.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(reader.status().message()),
              HasSubstr("'sex' is missing"));
}

TEST(PrescriptionReaderTest, HeaderRejectsAnUnknownColumn) {
  auto reader = PrescriptionReader::Open(
      WriteFile("d.csv", "prescription_id,age_years,sex,medication,colour\n"));

  EXPECT_THAT(reader.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(reader.status().message()),
              HasSubstr("unknown column 'colour'"));
}

TEST(PrescriptionReaderTest, MissingFileIsNotFound) {
  EXPECT_THAT(PrescriptionReader::Open("/nonexistent/file.csv").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

struct MalformedCase {
  std::string name;
  std::string row;
  std::string reason;
};

class MalformedRowTest : public ::testing::TestWithParam<MalformedCase> {};

// Each malformed row is rejected with its line number and the reason, and
// the rows around it are still read.
TEST_P(MalformedRowTest, IsRejectedWithItsLineAndTheRunGoesOn) {
  ReadAll all = Read(WriteFile(
      "m.csv", std::string(kHeader) + "RX1,P1,30,male,haloperidol,,,,,,,\n" +
                   GetParam().row + "\n" +
                   "RX3,P3,50,female,quetiapine,,,,,,,\n"));

  ASSERT_EQ(all.rejected.size(), 1u);
  EXPECT_EQ(all.rejected[0].line, 3);
  EXPECT_THAT(all.rejected[0].reason, HasSubstr(GetParam().reason));
  ASSERT_EQ(all.prescriptions.size(), 2u);
  EXPECT_EQ(all.prescriptions[0].request.request_id(), "RX1");
  EXPECT_EQ(all.prescriptions[1].request.request_id(), "RX3");
  EXPECT_EQ(all.rows_read, 3);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, MalformedRowTest,
    ::testing::Values(
        MalformedCase{"AgeNotANumber", "RX2,P2,forty,male,risperidone,,,,,,,",
                      "age_years: 'forty'"},
        MalformedCase{"AgeMissing", "RX2,P2,,male,risperidone,,,,,,,",
                      "age_years: is empty"},
        MalformedCase{"PrescriptionIdMissing", ",P2,40,male,risperidone,,,,,,,",
                      "prescription_id: is empty"},
        MalformedCase{"MedicationMissing", "RX2,P2,40,male,,,,,,,,",
                      "medication: is empty"},
        MalformedCase{"UnknownSex", "RX2,P2,40,yes,risperidone,,,,,,,",
                      "sex: 'yes'"},
        MalformedCase{"UnknownRoute",
                      "RX2,P2,40,male,risperidone,,,nasal drip,,,,",
                      "route: 'nasal drip'"},
        MalformedCase{"DoseNotANumber", "RX2,P2,40,male,risperidone,,,,2mg,,,",
                      "daily_dose_mg: '2mg'"},
        MalformedCase{"UnclosedQuote", "RX2,P2,40,male,\"risperidone,,,,,,,",
                      "broken quoting"},
        MalformedCase{"QuoteInsideUnquotedField",
                      "RX2,P2,40,male,risper\"idone,,,,,,,", "broken quoting"},
        MalformedCase{"TextAfterClosingQuote",
                      "RX2,P2,40,male,\"risperidone\"x,,,,,,,",
                      "broken quoting"},
        MalformedCase{"TooFewFields", "RX2,P2,40,male,risperidone",
                      "5 fields"}),
    [](const auto& info) { return info.param.name; });

TEST(PrescriptionReaderTest, ConflictingPatientWithinAPrescriptionIsRejected) {
  ReadAll all = Read(WriteFile(
      "e.csv", std::string(kHeader) + "RX1,P1,30,male,haloperidol,,,,,,,\n"
                                      "RX1,P1,31,male,benztropine,,,,,,,\n"));

  ASSERT_EQ(all.rejected.size(), 1u);
  EXPECT_EQ(all.rejected[0].line, 3);
  EXPECT_THAT(all.rejected[0].reason, HasSubstr("differ from line 2"));
  ASSERT_EQ(all.prescriptions.size(), 1u);
  EXPECT_EQ(all.prescriptions[0].request.medications_size(), 1);
}

TEST(PrescriptionReaderTest, AnIdSeenAgainLaterStartsANewPrescription) {
  ReadAll all = Read(WriteFile(
      "f.csv", std::string(kHeader) + "RX1,P1,30,male,haloperidol,,,,,,,\n"
                                      "RX2,P2,40,male,quetiapine,,,,,,,\n"
                                      "RX1,P1,30,male,benztropine,,,,,,,\n"));

  ASSERT_EQ(all.prescriptions.size(), 3u);
  EXPECT_EQ(all.prescriptions[2].request.request_id(), "RX1");
}

TEST(PrescriptionReaderTest, ReadsNdjsonInBothJsonSpellings) {
  ReadAll all = Read(
      WriteFile("g.ndjson",
                "{\"requestId\": \"A\", \"patient\": {\"ageYears\": 19, "
                "\"sex\": \"SEX_MALE\"}, "
                "\"medications\": [{\"name\": \"haloperidol\", \"route\": "
                "\"ROUTE_INTRAMUSCULAR\"}]}\n"
                "\n"
                "{\"request_id\": \"B\", \"patient\": {\"age_years\": 40}, "
                "\"medications\": [{\"rxcui\": \"5093\"}]}\n"));

  ASSERT_EQ(all.prescriptions.size(), 2u);
  EXPECT_TRUE(all.rejected.empty());
  EXPECT_EQ(all.rows_read, 2);
  EXPECT_EQ(all.prescriptions[0].request.medications(0).route(),
            v1::ROUTE_INTRAMUSCULAR);
  EXPECT_THAT(all.prescriptions[0].lines, ElementsAre(1));
  EXPECT_THAT(all.prescriptions[1].lines, ElementsAre(3));
  EXPECT_THAT(all.prescriptions[1].names, ElementsAre("5093"));
}

TEST(PrescriptionReaderTest, MalformedNdjsonLinesAreRejectedWithTheirLine) {
  ReadAll all = Read(
      WriteFile("h.ndjson",
                "{\"requestId\": \"A\", \"patient\": {\"ageYears\": 19}}\n"
                "{\"requestId\": \"B\", \"patient\": {\"ageYears\": 19}\n"
                "{\"requestId\": \"C\", \"colour\": \"red\"}\n"
                "{\"requestId\": \"D\", \"patient\": {\"ageYears\": 20}}\n"));

  ASSERT_EQ(all.rejected.size(), 2u);
  EXPECT_EQ(all.rejected[0].line, 2);
  EXPECT_EQ(all.rejected[1].line, 3);
  EXPECT_THAT(all.rejected[1].reason, HasSubstr("protobuf JSON mapping"));
  ASSERT_EQ(all.prescriptions.size(), 2u);
  EXPECT_EQ(all.prescriptions[1].request.request_id(), "D");
  EXPECT_EQ(all.rows_read, 4);
}

TEST(SplitCsvLineTest, SplitsQuotedAndEmptyFields) {
  auto fields = SplitCsvLine("a,\"b,c\",,\"d \"\"e\"\"\",");

  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_THAT(*fields, ElementsAre("a", "b,c", "", "d \"e\"", ""));
}

}  // namespace
}  // namespace dystonia::audit
