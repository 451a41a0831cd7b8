#include "clients/check/check_cli.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/common/condition_code.h"
#include "clients/common/phenotype_argument.h"
#include "proto/views/finding_citations.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia {
namespace {

absl::Status Bad(absl::string_view option, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("--", option, ": ", reason));
}

// A word of the common.proto vocabulary for a medication option (--route,
// --status, --course), or an error naming the option and the words it takes.
template <typename Enum>
absl::StatusOr<Enum> MedicationWord(absl::string_view option,
                                    absl::string_view value) {
  std::optional<Enum> word = EnumOfWord<Enum>(value);
  if (!word.has_value()) {
    return Bad(option, absl::StrCat("'", value, "' is not one of ",
                                    AcceptedEnumWords<Enum>()));
  }
  return *word;
}

std::string KindWord(v1::Finding::Kind kind) {
  std::string name = v1::Finding::Kind_Name(kind);
  absl::StrReplaceAll({{"_", " "}}, &name);
  return absl::AsciiStrToLower(name);
}

// "LOW - haloperidol: ongoing, outside the acute window": a level with the
// reasons the server gave for it (FULL and COMPACT views), so no level is
// shown without why.
std::string LevelLine(const v1::RiskSummary& summary) {
  std::string line(RiskLevelWord(summary.level()));
  if (!summary.factors().empty()) {
    absl::StrAppend(&line, " - ", absl::StrJoin(summary.factors(), "; "));
  }
  return line;
}

// "[label] Title. Section; another section. Publisher 2020. https://...":
// one source with every part of it the findings rely on.
std::string SourceLine(const NumberedSources::Source& source) {
  const v1::Citation& citation = *source.citation;
  std::vector<std::string> parts;
  std::string kind = v1::Citation::Kind_Name(citation.kind());
  parts.push_back(absl::StrCat("[", absl::AsciiStrToLower(kind), "] ",
                               citation.title()));
  if (!source.sections.empty()) {
    parts.push_back(absl::StrJoin(source.sections, "; "));
  }
  std::string publisher = citation.publisher();
  if (citation.year() > 0) {
    absl::StrAppend(&publisher, publisher.empty() ? "" : " ", citation.year());
  }
  if (!publisher.empty()) parts.push_back(publisher);
  if (!citation.url().empty()) parts.push_back(citation.url());
  return absl::StrJoin(parts, ". ");
}

}  // namespace

std::string CheckUsage() {
  return R"(usage: dystonia-check --age YEARS [--sex male|female|other|unknown]
         [--prior_dystonia] [--weight KG]
         [--condition TEXT] [--condition_code SYSTEM|CODE] ...
         [--phenotype GENE=PHENOTYPE] ...
         [--server HOST:PORT] [--json] [--view compact|full|basic]
         [--request_id ID]
)" + std::string(ClientSecurityUsage()) +
         R"(         --med NAME [--route ROUTE] [--dose MG_PER_DAY]
                    [--status proposed|active] [--days DAYS_ON_THERAPY]
                    [--course single_dose|short|long_term]
                    [--dose_increased_days_ago DAYS] [--rxcui CODE] [--ndc CODE]
                    [--atc CODE]
         [--med NAME ...]
Medication options apply to the --med before them. --course single_dose (one
dose, e.g. IM for agitation) or short (a few days) is judged for acute
dystonia only: no tardive finding. --med "" with --rxcui
(any RxNorm level: ingredient, SCD, SBD, ...) or --ndc (10 or 11 digits,
hyphens optional) orders by code. --condition and
--condition_code each add one of the patient's conditions (repeat them);
SYSTEM is sct (SNOMED CT), icd10cm, icd10 or a code-system URI, e.g.
--condition_code sct|49049000 --condition "Parkinson's disease".
--phenotype adds a pharmacogenomic result (repeat it, one per gene): GENE is
the HGNC symbol (CYP2D6, CYP2C19, CYP3A4, CYP1A2), e.g. --phenotype
CYP2D6=poor.
)" +
         absl::StrCat("Routes: ", AcceptedEnumWords<v1::Route>(),
                      ".\nSexes: ", AcceptedEnumWords<v1::Sex>(),
                      ". Statuses: ", AcceptedEnumWords<v1::MedicationStatus>(),
                      ".\nPhenotypes: ",
                      AcceptedEnumWords<v1::PharmacogenomicResult::Phenotype>(),
                      ".\n") +
         R"(Exit status: 0 answered; 1 the call failed; 2 usage; 3 answered,
but a medication was not recognized (INCOMPLETE: the levels judge only the
others).
Example:
  dystonia-check --age 19 --sex male --med Haldol --route intramuscular --med metformin
)";
}

absl::StatusOr<CheckInvocation> ParseCheckArguments(
    const std::vector<std::string>& args) {
  CheckInvocation invocation;
  v1::CheckRequest& request = invocation.request;
  v1::Medication* current = nullptr;
  v1::CheckView view_given = v1::CHECK_VIEW_UNSPECIFIED;

  for (size_t i = 0; i < args.size(); ++i) {
    std::string option = args[i];
    if (option.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", option, "'"));
    }
    option = option.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = option.find('='); eq != std::string::npos) {
      value = option.substr(eq + 1);
      option = option.substr(0, eq);
      has_value = true;
    }
    if (option == "help" || option == "h") {
      invocation.help = true;
      continue;
    }
    if (option == "json") {
      invocation.json = true;
      continue;
    }
    if (option == "prior_dystonia") {
      request.mutable_patient()->set_prior_drug_induced_dystonia(true);
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return Bad(option, "needs a value");
      value = args[++i];
    }
    auto need_med = [&]() -> absl::Status {
      if (current == nullptr) {
        return Bad(option, "comes before any --med (it applies to the --med "
                           "before it)");
      }
      return absl::OkStatus();
    };
    if (ConsumeClientSecurityFlag(option, value, &invocation.security)) {
      continue;
    }
    if (option == "server") {
      invocation.server = value;
    } else if (option == "view") {
      std::optional<v1::CheckView> view = EnumOfWord<v1::CheckView>(value);
      if (!view.has_value()) return Bad(option, "is compact, full or basic");
      view_given = *view;
    } else if (option == "request_id") {
      request.set_request_id(value);
    } else if (option == "timeout") {
      if (!absl::SimpleAtod(value, &invocation.timeout_seconds) ||
          invocation.timeout_seconds <= 0) {
        return Bad(option, "must be a positive number of seconds");
      }
    } else if (option == "age") {
      double age = 0;
      if (!absl::SimpleAtod(value, &age)) {
        return Bad(option, absl::StrCat("'", value, "' is not a number"));
      }
      request.mutable_patient()->set_age_years(age);
    } else if (option == "sex") {
      std::optional<v1::Sex> sex = EnumOfWord<v1::Sex>(value);
      if (!sex.has_value()) {
        return Bad(option, absl::StrCat("'", value, "' is not one of ",
                                        AcceptedEnumWords<v1::Sex>()));
      }
      request.mutable_patient()->set_sex(*sex);
    } else if (option == "weight") {
      double weight = 0;
      if (!absl::SimpleAtod(value, &weight)) {
        return Bad(option, absl::StrCat("'", value, "' is not a number"));
      }
      request.mutable_patient()->set_weight_kg(weight);
    } else if (option == "condition") {
      request.mutable_patient()->add_conditions()->set_text(value);
    } else if (option == "condition_code") {
      absl::StatusOr<v1::Condition> condition = ParseConditionCode(value);
      if (!condition.ok()) return Bad(option, condition.status().message());
      *request.mutable_patient()->add_conditions() = *std::move(condition);
    } else if (option == "phenotype") {
      absl::StatusOr<v1::PharmacogenomicResult> result =
          ParsePhenotypeArgument(value);
      if (!result.ok()) return Bad(option, result.status().message());
      *request.mutable_patient()->add_pharmacogenomics() = *std::move(result);
    } else if (option == "med") {
      current = request.add_medications();
      current->set_name(value);
    } else if (option == "route") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      absl::StatusOr<v1::Route> route =
          MedicationWord<v1::Route>(option, value);
      if (!route.ok()) return route.status();
      current->set_route(*route);
    } else if (option == "status") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      absl::StatusOr<v1::MedicationStatus> status =
          MedicationWord<v1::MedicationStatus>(option, value);
      if (!status.ok()) return status.status();
      current->set_status(*status);
    } else if (option == "course") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      absl::StatusOr<v1::Course> course =
          MedicationWord<v1::Course>(option, value);
      if (!course.ok()) return course.status();
      current->set_course(*course);
    } else if (option == "dose") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      double dose = 0;
      if (!absl::SimpleAtod(value, &dose)) {
        return Bad(option, absl::StrCat("'", value, "' is not a number"));
      }
      current->set_daily_dose_mg(dose);
    } else if (option == "days" || option == "dose_increased_days_ago") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      int days = 0;
      if (!absl::SimpleAtoi(value, &days)) {
        return Bad(option, absl::StrCat("'", value, "' is not a whole number"));
      }
      if (option == "days") {
        current->set_days_on_therapy(days);
        if (current->status() == v1::MEDICATION_STATUS_UNSPECIFIED) {
          current->set_status(v1::MEDICATION_STATUS_ACTIVE);
        }
      } else {
        current->set_dose_increased_days_ago(days);
      }
    } else if (option == "rxcui") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      current->set_rxcui(value);
    } else if (option == "atc") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      current->set_atc_code(value);
    } else if (option == "ndc") {
      if (absl::Status s = need_med(); !s.ok()) return s;
      current->set_ndc(value);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", option));
    }
  }
  if (!invocation.help && !request.patient().has_age_years()) {
    return Bad("age", "is required");
  }
  // The report reads sources either way; COMPACT sends each once. --json
  // keeps FULL's shape (citations inside each finding) unless told.
  request.set_view(view_given != v1::CHECK_VIEW_UNSPECIFIED ? view_given
                   : invocation.json ? v1::CHECK_VIEW_FULL
                                     : v1::CHECK_VIEW_COMPACT);
  return invocation;
}

int CheckExitStatus(const v1::CheckResponse& response) {
  return response.unrecognized().empty() ? 0 : kExitIncomplete;
}

std::string FormatCheckReport(const v1::CheckRequest& request,
                              const v1::CheckResponse& response) {
  std::string out;
  if (response.contraindicated()) {
    int count = 0;
    for (const v1::Finding& finding : response.findings()) {
      count += finding.contraindicated() ? 1 : 0;
    }
    absl::StrAppend(&out, "CONTRAINDICATED: ", count,
                    count == 1 ? " labelled contraindication"
                               : " labelled contraindications",
                    " (first in the findings below)\n");
  }
  if (!response.unrecognized().empty()) {
    std::vector<std::string> names;
    for (const v1::UnrecognizedMedication& unrecognized :
         response.unrecognized()) {
      std::string name = unrecognized.name();
      if (!unrecognized.suggestions().empty()) {
        absl::StrAppend(&name, " (did you mean ",
                        absl::StrJoin(unrecognized.suggestions(), ", "), "?)");
      }
      names.push_back(std::move(name));
    }
    absl::StrAppend(&out, "INCOMPLETE: ", response.unrecognized_size(),
                    response.unrecognized_size() == 1
                        ? " medication not recognized: "
                        : " medications not recognized: ",
                    absl::StrJoin(names, "; "),
                    ". The levels below judge only the others.\n");
  }
  absl::StrAppend(&out,
                  "Acute dystonia:      ", LevelLine(response.acute_dystonia()),
                  "\n");
  absl::StrAppend(&out, "Tardive dyskinesia:  ",
                  LevelLine(response.tardive_dyskinesia()), "\n");
  absl::StrAppend(&out, "Knowledge base:      ",
                  response.knowledge_base_version(), "\n");

  if (!response.findings().empty()) {
    absl::StrAppend(&out, "\nFindings\n");
  }
  // Each source once per answer, numbered; a finding carries the numbers
  // of the sources that back it.
  const NumberedSources numbered = NumberSources(response);
  for (int i = 0; i < response.findings_size(); ++i) {
    const v1::Finding& finding = response.findings(i);
    const std::string marks = ReferenceMarks(numbered.references[i]);
    absl::StrAppend(&out, "\n", i + 1, ". [",
                    finding.contraindicated() ? "CONTRAINDICATED"
                                              : RiskLevelWord(finding.level()),
                    "] ", finding.summary(), marks.empty() ? "" : " ", marks,
                    "\n");
    absl::StrAppend(&out, "   kind: ", KindWord(finding.kind()),
                    "   rule: ", finding.id(), "\n");
    if (!finding.label_section().empty()) {
      absl::StrAppend(&out, "   label: ", finding.label_section(), "\n");
    }
    if (!finding.detail().empty() && finding.detail() != finding.summary()) {
      absl::StrAppend(&out, "   ", finding.detail(), "\n");
    }
    if (!finding.factors().empty()) absl::StrAppend(&out, "   Factors:\n");
    for (const std::string& factor : finding.factors()) {
      absl::StrAppend(&out, "     - ", factor, "\n");
    }
    if (!finding.recommendations().empty()) {
      absl::StrAppend(&out, "   Recommendations:\n");
    }
    for (const std::string& recommendation : finding.recommendations()) {
      absl::StrAppend(&out, "     - ", recommendation, "\n");
    }
  }
  if (!numbered.sources.empty()) absl::StrAppend(&out, "\nSources\n");
  for (size_t n = 0; n < numbered.sources.size(); ++n) {
    absl::StrAppend(&out, "  [", n + 1, "] ", SourceLine(numbered.sources[n]),
                    "\n");
  }

  absl::StrAppend(&out, "\nMedications\n");
  for (const v1::AssessedMedication& assessed : response.assessed()) {
    const int index = assessed.medication_index();
    const std::string& asked = index < request.medications_size()
                                   ? request.medications(index).name()
                                   : assessed.matched_name();
    absl::StrAppend(&out, "  ", index + 1, ". ", asked, " -> ",
                    assessed.drug_name());
    // Class names for people; a server older than class_names sends ids.
    const auto& classes = assessed.class_names().empty()
                              ? assessed.classes()
                              : assessed.class_names();
    if (!classes.empty()) {
      absl::StrAppend(&out, " (", absl::StrJoin(classes, ", "), ")");
    }
    absl::StrAppend(&out, "\n");
  }
  for (const v1::UnrecognizedMedication& unrecognized : response.unrecognized()) {
    absl::StrAppend(&out, "  ", unrecognized.medication_index() + 1, ". ",
                    unrecognized.name(), " -> NOT RECOGNIZED");
    if (!unrecognized.suggestions().empty()) {
      absl::StrAppend(&out, " (did you mean: ",
                      absl::StrJoin(unrecognized.suggestions(), ", "), "?)");
    }
    absl::StrAppend(&out, "\n");
  }
  if (response.assessed().empty() && response.unrecognized().empty()) {
    absl::StrAppend(&out, "  (none given)\n");
  }
  if (!request.patient().conditions().empty()) {
    absl::StrAppend(&out, "\nConditions\n");
  }
  for (const v1::AssessedCondition& assessed : response.assessed_conditions()) {
    absl::StrAppend(&out, "  ", assessed.condition_index() + 1, ". ",
                    assessed.matched(), " -> ", assessed.name(),
                    assessed.affects_judgement()
                        ? "\n"
                        : " (recognized; changes no judgement)\n");
  }
  for (const v1::UnrecognizedCondition& unrecognized :
       response.unrecognized_conditions()) {
    absl::StrAppend(&out, "  ", unrecognized.condition_index() + 1, ". ",
                    unrecognized.text(),
                    " -> NOT RECOGNIZED (not taken into account)\n");
  }
  if (!request.patient().pharmacogenomics().empty()) {
    absl::StrAppend(&out, "\nPharmacogenomics\n");
  }
  for (const v1::AssessedPharmacogenomicResult& assessed :
       response.assessed_pharmacogenomics()) {
    absl::StrAppend(&out, "  ", assessed.result_index() + 1, ". ",
                    assessed.note(), "\n");
  }
  for (const v1::UnrecognizedPharmacogenomicResult& unrecognized :
       response.unrecognized_pharmacogenomics()) {
    absl::StrAppend(&out, "  ", unrecognized.result_index() + 1, ". ",
                    unrecognized.gene(),
                    " -> NOT RECOGNIZED (no statement in the knowledge reads "
                    "this gene; not taken into account)\n");
  }
  return out;
}

}  // namespace dystonia
