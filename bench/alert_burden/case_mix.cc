#include "bench/alert_burden/case_mix.h"

#include "absl/strings/str_cat.h"
#include "bench/alert_burden/fhir_order.h"

namespace dystonia::bench {
namespace {

// Drug shares within a group: `count` orders of `spec` each.
struct Share {
  OrderSpec spec;
  int count;
};

// Ages and sexes cycle through fixed lists; bench/README.md says where each
// list comes from.
struct Demography {
  std::vector<int> ages;
  // Of every 20 patients, how many are men.
  int men_per_20;
};

std::string SexOf(const Demography& people, int index) {
  return index % 20 < people.men_per_20 ? "male" : "female";
}

int AgeOf(const Demography& people, int index) {
  return people.ages[index % people.ages.size()];
}

constexpr char kEmergency[] = "emergency-single-dose";
constexpr char kInpatient[] = "inpatient-start";
constexpr char kRefill[] = "outpatient-refill";
constexpr char kAntiemetic[] = "antiemetic-procedure";
constexpr char kUnrelated[] = "unrelated-order";

OrderSpec Spec(std::string text, std::string route, OrderCourse course,
               int days_active = 0) {
  OrderSpec spec;
  spec.text = std::move(text);
  spec.route = std::move(route);
  spec.course = course;
  spec.days_active = days_active;
  return spec;
}

}  // namespace

std::vector<std::string> AlertBurdenGroups() {
  return {kEmergency, kInpatient, kRefill, kAntiemetic, kUnrelated};
}

std::vector<BurdenCase> AlertBurdenCaseMix(absl::Time today) {
  std::vector<BurdenCase> mix;
  auto add = [&](const char* group, const json::Value& patient,
                 const std::vector<json::Value>& drafts,
                 const std::vector<json::Value>& active) {
    BurdenCase one;
    one.group = group;
    one.id = absl::StrCat(group, "-", mix.size() + 1);
    one.request = OrderSignRequest(patient, drafts, active, {});
    mix.push_back(std::move(one));
  };

  // Emergency IM doses for agitation: drug shares of the 15,918 patients of
  // the J Emerg Med 2019 rescue-sedation study (olanzapine 8,825, droperidol
  // 4,947, haloperidol 2,146), median age 37, 75 % men. One dose: count 1 or
  // STAT, alternately.
  const Demography emergency{{22, 26, 29, 31, 34, 37, 37, 40, 45, 52, 58}, 15};
  const std::vector<Share> emergency_drugs = {
      {Spec("olanzapine 10 mg injection", "Intramuscular",
            OrderCourse::kOnceCount),
       33},
      {Spec("droperidol 5 mg injection", "Intramuscular",
            OrderCourse::kOnceCount),
       19},
      {Spec("haloperidol 5 mg injection", "Intramuscular",
            OrderCourse::kOnceCount),
       8}};
  int person = 0;
  for (const Share& share : emergency_drugs) {
    for (int i = 0; i < share.count; ++i, ++person) {
      OrderSpec spec = share.spec;
      if (person % 2 == 1) spec.course = OrderCourse::kStat;
      add(kEmergency,
          PatientResource(SexOf(emergency, person), AgeOf(emergency, person),
                          today),
          {MedicationRequestResource("draft-1", spec, false, today)}, {});
    }
  }

  // Inpatient starts of an oral antipsychotic, continuous course: median age
  // 63, 56 % women, typical agents in 48 % and atypical in 64 % of exposed
  // admissions (Herzig et al., J Hosp Med
  // 2016); haloperidol stands for the typical ones.
  const Demography inpatient{{34, 45, 52, 58, 63, 64, 67, 72, 78, 84}, 9};
  const std::vector<Share> inpatient_drugs = {
      {Spec("haloperidol 2 mg tablet", "Oral", OrderCourse::kContinuous), 21},
      {Spec("quetiapine 100 mg tablet", "Oral", OrderCourse::kContinuous), 8},
      {Spec("risperidone 2 mg tablet", "Oral", OrderCourse::kContinuous), 7},
      {Spec("olanzapine 10 mg tablet", "Oral", OrderCourse::kContinuous), 7},
      {Spec("aripiprazole 10 mg tablet", "Oral", OrderCourse::kContinuous), 7}};
  person = 0;
  for (const Share& share : inpatient_drugs) {
    for (int i = 0; i < share.count; ++i, ++person) {
      add(kInpatient,
          PatientResource(SexOf(inpatient, person), AgeOf(inpatient, person),
                          today),
          {MedicationRequestResource("draft-1", share.spec, false, today)}, {});
    }
  }

  // Long-term outpatients refilling the antipsychotic they take (active for
  // months or years): more women than men and every adult age (J Clin
  // Psychiatry 2015).
  const Demography outpatient{{23, 30, 38, 45, 52, 58, 62, 67, 72, 78, 83}, 9};
  const std::vector<int> months_of_days = {90, 180, 400, 900, 1500};
  const std::vector<Share> refill_drugs = {
      {Spec("quetiapine 200 mg tablet", "Oral", OrderCourse::kContinuous), 24},
      {Spec("aripiprazole 10 mg tablet", "Oral", OrderCourse::kContinuous), 20},
      {Spec("risperidone 2 mg tablet", "Oral", OrderCourse::kContinuous), 16},
      {Spec("olanzapine 10 mg tablet", "Oral", OrderCourse::kContinuous), 14},
      {Spec("haloperidol 5 mg tablet", "Oral", OrderCourse::kContinuous), 6}};
  person = 0;
  for (const Share& share : refill_drugs) {
    for (int i = 0; i < share.count; ++i, ++person) {
      OrderSpec active = share.spec;
      active.days_active = months_of_days[person % months_of_days.size()];
      add(kRefill,
          PatientResource(SexOf(outpatient, person), AgeOf(outpatient, person),
                          today),
          {MedicationRequestResource("draft-1", share.spec, false, today)},
          {MedicationRequestResource("active-1", active, true, today)});
    }
  }

  // Antiemetics around procedures: one dose or a 3-day course, alternately.
  const Demography surgical{{21, 28, 35, 42, 49, 55, 61, 67, 73, 79}, 8};
  const std::vector<Share> antiemetic_drugs = {
      {Spec("ondansetron 4 mg injection", "Intravenous",
            OrderCourse::kOnceCount),
       30},
      {Spec("metoclopramide 10 mg injection", "Intravenous",
            OrderCourse::kOnceCount),
       12},
      {Spec("prochlorperazine 10 mg injection", "Intravenous",
            OrderCourse::kOnceCount),
       9},
      {Spec("droperidol 0.625 mg injection", "Intravenous",
            OrderCourse::kOnceCount),
       9}};
  person = 0;
  for (const Share& share : antiemetic_drugs) {
    for (int i = 0; i < share.count; ++i, ++person) {
      OrderSpec spec = share.spec;
      if (person % 2 == 1) {
        // The course after the procedure: by mouth for three days (IV for
        // droperidol, which has no oral form).
        spec.course = OrderCourse::kThreeDays;
        if (spec.text.rfind("droperidol", 0) != 0) {
          spec.text =
              spec.text.substr(0, spec.text.find(" injection")) + " tablet";
          spec.route = "Oral";
        }
      }
      add(kAntiemetic,
          PatientResource(SexOf(surgical, person), AgeOf(surgical, person),
                          today),
          {MedicationRequestResource("draft-1", spec, false, today)}, {});
    }
  }

  // Unrelated orders (an antibiotic, a statin) for patients on a long-term
  // antipsychotic.
  const std::vector<OrderSpec> unrelated_drafts = {
      Spec("amoxicillin 500 mg capsule", "Oral", OrderCourse::kUnsaid),
      Spec("atorvastatin 20 mg tablet", "Oral", OrderCourse::kContinuous)};
  const std::vector<OrderSpec> standing = {
      Spec("quetiapine 200 mg tablet", "Oral", OrderCourse::kContinuous),
      Spec("aripiprazole 10 mg tablet", "Oral", OrderCourse::kContinuous),
      Spec("risperidone 2 mg tablet", "Oral", OrderCourse::kContinuous),
      Spec("olanzapine 10 mg tablet", "Oral", OrderCourse::kContinuous),
      Spec("haloperidol 5 mg tablet", "Oral", OrderCourse::kContinuous)};
  for (person = 0; person < 50; ++person) {
    OrderSpec active = standing[person % standing.size()];
    active.days_active = months_of_days[(person / 2) % months_of_days.size()];
    add(kUnrelated,
        PatientResource(SexOf(outpatient, person), AgeOf(outpatient, person),
                        today),
        {MedicationRequestResource(
            "draft-1", unrelated_drafts[person % unrelated_drafts.size()],
            false, today)},
        {MedicationRequestResource("active-1", active, true, today)});
  }
  return mix;
}

}  // namespace dystonia::bench
