#include "service/engine/request_validator.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

v1::CheckRequest ValidRequest() {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(40);
  request.add_medications()->set_name("haloperidol");
  return request;
}

struct BadCase {
  std::string name;
  void (*mutate)(v1::CheckRequest*);
  std::string field;
};

class RequestValidatorBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(RequestValidatorBadInputTest, IsInvalidArgumentNamingTheField) {
  v1::CheckRequest request = ValidRequest();
  GetParam().mutate(&request);

  absl::Status status = ValidateCheckRequest(request);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().field));
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, RequestValidatorBadInputTest,
    ::testing::Values(
        BadCase{"MissingPatient",
                [](v1::CheckRequest* r) { r->clear_patient(); }, "patient"},
        BadCase{"MissingAge",
                [](v1::CheckRequest* r) {
                  r->mutable_patient()->clear_age_years();
                },
                "patient.age_years"},
        BadCase{"NegativeAge",
                [](v1::CheckRequest* r) {
                  r->mutable_patient()->set_age_years(-1);
                },
                "patient.age_years"},
        BadCase{"AgeOver125",
                [](v1::CheckRequest* r) {
                  r->mutable_patient()->set_age_years(126);
                },
                "patient.age_years"},
        BadCase{"AgeNotANumber",
                [](v1::CheckRequest* r) {
                  r->mutable_patient()->set_age_years(std::nan(""));
                },
                "patient.age_years"},
        BadCase{"EmptyName",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_name("  ");
                },
                "medications[0].name"},
        BadCase{"NameOver200Characters",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_name(std::string(201, 'a'));
                },
                "medications[0].name"},
        BadCase{"InvalidUtf8Name",
                [](v1::CheckRequest* r) {
                  r->add_medications()->set_name("halo\xff\xfeperidol");
                },
                "medications[1].name"},
        BadCase{"OverlongUtf8Encoding",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_name("\xc0\xaf");
                },
                "medications[0].name"},
        BadCase{"TooManyMedications",
                [](v1::CheckRequest* r) {
                  for (int i = 0; i < 100; ++i) {
                    r->add_medications()->set_name("metformin");
                  }
                },
                "medications"},
        BadCase{"NegativeDose",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_daily_dose_mg(-5);
                },
                "medications[0].daily_dose_mg"},
        BadCase{"NegativeDays",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_days_on_therapy(-1);
                },
                "medications[0].days_on_therapy"},
        BadCase{"MalformedRxcui",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_rxcui("abc");
                },
                "medications[0].rxcui"},
        BadCase{"MalformedAtcCode",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_atc_code("5093");
                },
                "medications[0].atc_code"},
        BadCase{"UnknownRouteValue",
                [](v1::CheckRequest* r) {
                  r->mutable_medications(0)->set_route(
                      static_cast<v1::Route>(99));
                },
                "medications[0].route"},
        BadCase{"UnknownSexValue",
                [](v1::CheckRequest* r) {
                  r->mutable_patient()->set_sex(static_cast<v1::Sex>(42));
                },
                "patient.sex"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
      return info.param.name;
    });

TEST(RequestValidatorTest, EmptyMedicationListIsValid) {
  v1::CheckRequest request = ValidRequest();
  request.clear_medications();

  EXPECT_THAT(ValidateCheckRequest(request), IsOk());
}

TEST(RequestValidatorTest, ExactlyOneHundredMedicationsIsValid) {
  v1::CheckRequest request = ValidRequest();
  for (int i = 1; i < 100; ++i) request.add_medications()->set_name("metformin");

  EXPECT_THAT(ValidateCheckRequest(request), IsOk());
}

TEST(RequestValidatorTest, NameOfTwoHundredMultibyteCharactersIsValid) {
  v1::CheckRequest request = ValidRequest();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xc3\xa9";  // é
  request.mutable_medications(0)->set_name(name);

  EXPECT_THAT(ValidateCheckRequest(request), IsOk());
}

TEST(RequestValidatorTest, CodeWithoutNameIsValid) {
  v1::CheckRequest request = ValidRequest();
  request.mutable_medications(0)->clear_name();
  request.mutable_medications(0)->set_rxcui("5093");

  EXPECT_THAT(ValidateCheckRequest(request), IsOk());
}

TEST(RequestValidatorTest, AgeOfSixMonthsIsValid) {
  v1::CheckRequest request = ValidRequest();
  request.mutable_patient()->set_age_years(0.5);

  EXPECT_THAT(ValidateCheckRequest(request), IsOk());
}

}  // namespace
}  // namespace dystonia
