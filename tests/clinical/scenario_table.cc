#include "tests/clinical/scenario_table.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/common/phenotype_argument.h"

namespace dystonia::clinical {
namespace {

constexpr int kColumns = 8;

absl::Status RowError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("scenarios.md:", line, ": ", message));
}

absl::StatusOr<v1::RiskLevel> ParseLevel(absl::string_view text) {
  v1::RiskLevel level;
  if (!v1::RiskLevel_Parse(absl::StrCat("RISK_LEVEL_", text), &level) ||
      level == v1::RISK_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("level '", text, "' is not NONE, LOW, MODERATE or HIGH"));
  }
  return level;
}

// Parses "<N><unit>" (e.g. "400d", "30mg") into N.
bool ParseAmount(absl::string_view text, absl::string_view unit, double* out) {
  return absl::ConsumeSuffix(&text, unit) && absl::SimpleAtod(text, out);
}

absl::Status ParsePatient(absl::string_view text, v1::Patient* patient) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.size() < 2)
    return absl::InvalidArgumentError("patient needs sex and age");
  if (words[0] == "M") {
    patient->set_sex(v1::SEX_MALE);
  } else if (words[0] == "F") {
    patient->set_sex(v1::SEX_FEMALE);
  } else if (words[0] != "-") {
    return absl::InvalidArgumentError(absl::StrCat("sex '", words[0], "'"));
  }
  if (words[1] != "-") {
    double age;
    if (!absl::SimpleAtod(words[1], &age)) {
      return absl::InvalidArgumentError(absl::StrCat("age '", words[1], "'"));
    }
    patient->set_age_years(age);
  }
  for (size_t i = 2; i < words.size(); ++i) {
    absl::string_view word = words[i];
    double weight = 0;
    if (word == "prior") {
      patient->set_prior_drug_induced_dystonia(true);
    } else if (absl::ConsumePrefix(&word, "wt:")) {
      if (!ParseAmount(word, "kg", &weight)) {
        return absl::InvalidArgumentError(absl::StrCat("wt:'", word, "'"));
      }
      patient->set_weight_kg(weight);
    } else if (absl::ConsumePrefix(&word, "pgx:")) {
      // "pgx:CYP2D6=poor": a pharmacogenomic result.
      absl::StatusOr<v1::PharmacogenomicResult> result =
          ParsePhenotypeArgument(word);
      if (!result.ok()) return result.status();
      *patient->add_pharmacogenomics() = *std::move(result);
    } else if (absl::ConsumePrefix(&word, "cond:")) {
      // "cond:Parkinson's_disease" (text, "_" for spaces) or
      // "cond:sct|49049000" / "cond:icd10cm|G20" (coded).
      static const auto* systems =
          new std::vector<std::pair<std::string, std::string>>{
              {"sct|", "http://snomed.info/sct"},
              {"icd10cm|", "http://hl7.org/fhir/sid/icd-10-cm"},
              {"icd10|", "http://hl7.org/fhir/sid/icd-10"}};
      v1::Condition* condition = patient->add_conditions();
      for (const auto& [prefix, system] : *systems) {
        if (absl::ConsumePrefix(&word, prefix)) {
          condition->set_system(system);
          condition->set_code(std::string(word));
        }
      }
      if (condition->system().empty()) {
        condition->set_text(absl::StrReplaceAll(word, {{"_", " "}}));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("patient word '", words[i], "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseMedication(absl::string_view text,
                             v1::Medication* medication) {
  static const auto* routes =
      new std::vector<std::pair<std::string, v1::Route>>{
          {"@im", v1::ROUTE_INTRAMUSCULAR},
          {"@iv", v1::ROUTE_INTRAVENOUS},
          {"@lai", v1::ROUTE_LONG_ACTING_INJECTABLE},
          {"@oral", v1::ROUTE_ORAL},
          {"@rectal", v1::ROUTE_RECTAL},
          {"@patch", v1::ROUTE_TRANSDERMAL},
          {"@sl", v1::ROUTE_SUBLINGUAL}};
  medication->set_status(v1::MEDICATION_STATUS_PROPOSED);
  std::vector<absl::string_view> name;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    double amount = 0;
    if (absl::StartsWith(word, "@")) {
      bool known = false;
      for (const auto& [token, route] : *routes) {
        if (word == token) {
          medication->set_route(route);
          known = true;
        }
      }
      if (!known)
        return absl::InvalidArgumentError(absl::StrCat("route '", word, "'"));
    } else if (absl::ConsumePrefix(&word, "active:")) {
      if (!ParseAmount(word, "d", &amount)) {
        return absl::InvalidArgumentError(absl::StrCat("active:'", word, "'"));
      }
      medication->set_status(v1::MEDICATION_STATUS_ACTIVE);
      medication->set_days_on_therapy(static_cast<int>(amount));
    } else if (absl::ConsumePrefix(&word, "inc:")) {
      if (!ParseAmount(word, "d", &amount)) {
        return absl::InvalidArgumentError(absl::StrCat("inc:'", word, "'"));
      }
      medication->set_dose_increased_days_ago(static_cast<int>(amount));
    } else if (absl::ConsumePrefix(&word, "dose:")) {
      if (!ParseAmount(word, "mg", &amount)) {
        return absl::InvalidArgumentError(absl::StrCat("dose:'", word, "'"));
      }
      medication->set_daily_dose_mg(amount);
    } else if (absl::ConsumePrefix(&word, "rxcui:")) {
      medication->set_rxcui(std::string(word));
    } else if (absl::ConsumePrefix(&word, "atc:")) {
      medication->set_atc_code(std::string(word));
    } else if (absl::ConsumePrefix(&word, "ndc:")) {
      medication->set_ndc(std::string(word));
    } else {
      name.push_back(word);
    }
  }
  medication->set_name(absl::StrJoin(name, " "));
  return absl::OkStatus();
}

absl::Status ParseKinds(absl::string_view text, Scenario* scenario) {
  if (text == "-") return absl::OkStatus();
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    item = absl::StripAsciiWhitespace(item);
    const bool absent = absl::ConsumePrefix(&item, "!");
    const bool contraindicated = absl::ConsumeSuffix(&item, "!ci");
    v1::Finding::Kind kind;
    if (!v1::Finding::Kind_Parse(std::string(item), &kind) ||
        kind == v1::Finding::KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("finding kind '", item, "'"));
    }
    if (absent && contraindicated) {
      return absl::InvalidArgumentError(
          absl::StrCat("finding kind '", item, "': ! and !ci together"));
    }
    (absent ? scenario->absent : scenario->present).push_back(kind);
    if (contraindicated) scenario->contraindicated.push_back(kind);
  }
  return absl::OkStatus();
}

absl::StatusOr<Scenario> ParseRow(const std::vector<std::string>& cells,
                                  int line) {
  Scenario scenario;
  scenario.line = line;
  scenario.id = cells[0];
  if (scenario.id.empty() ||
      !std::all_of(scenario.id.begin(), scenario.id.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
      })) {
    return absl::InvalidArgumentError(absl::StrCat("id '", scenario.id, "'"));
  }
  scenario.request.set_request_id(scenario.id);
  if (absl::Status status =
          ParsePatient(cells[1], scenario.request.mutable_patient());
      !status.ok()) {
    return status;
  }
  for (absl::string_view text :
       absl::StrSplit(cells[2], ';', absl::SkipEmpty())) {
    if (absl::Status status =
            ParseMedication(text, scenario.request.add_medications());
        !status.ok()) {
      return status;
    }
  }
  absl::StatusOr<v1::RiskLevel> acute = ParseLevel(cells[3]);
  if (!acute.ok()) return acute.status();
  scenario.acute = *acute;
  absl::StatusOr<v1::RiskLevel> tardive = ParseLevel(cells[4]);
  if (!tardive.ok()) return tardive.status();
  scenario.tardive = *tardive;
  if (absl::Status status = ParseKinds(cells[5], &scenario); !status.ok()) {
    return status;
  }
  for (absl::string_view id :
       absl::StrSplit(cells[6], ',', absl::SkipEmpty())) {
    scenario.assessed.emplace_back(absl::StripAsciiWhitespace(id));
  }
  if (scenario.assessed.size() !=
      static_cast<size_t>(scenario.request.medications_size())) {
    return absl::InvalidArgumentError(
        "the assessed column needs one drug id (or ?) per medication");
  }
  scenario.source = cells[7];
  if (scenario.source.empty()) {
    return absl::InvalidArgumentError("every scenario names its source");
  }
  return scenario;
}

}  // namespace

absl::StatusOr<std::vector<Scenario>> ParseScenarioTable(
    absl::string_view markdown) {
  std::vector<Scenario> scenarios;
  absl::flat_hash_set<std::string> ids;
  int line = 0;
  int table_rows = 0;
  for (absl::string_view text : absl::StrSplit(markdown, '\n')) {
    ++line;
    text = absl::StripAsciiWhitespace(text);
    if (!absl::ConsumePrefix(&text, "|")) continue;
    // The header and the |---| separator.
    if (++table_rows <= 2) continue;
    absl::ConsumeSuffix(&text, "|");
    // Cells split on "|"; "\|" is a "|" inside a cell (Markdown's escape),
    // as in "cond:sct\|49049000".
    std::vector<std::string> cells(1);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '|') {
        cells.back().push_back('|');
        ++i;
      } else if (text[i] == '|') {
        cells.emplace_back();
      } else {
        cells.back().push_back(text[i]);
      }
    }
    for (std::string& cell : cells) {
      cell = std::string(absl::StripAsciiWhitespace(cell));
    }
    if (cells.size() != kColumns) {
      return RowError(line, absl::StrCat("expected ", kColumns, " cells, got ",
                                         cells.size()));
    }
    absl::StatusOr<Scenario> scenario = ParseRow(cells, line);
    if (!scenario.ok()) return RowError(line, scenario.status().message());
    if (!ids.insert(scenario->id).second) {
      return RowError(line,
                      absl::StrCat("id '", scenario->id, "' is used twice"));
    }
    scenarios.push_back(*std::move(scenario));
  }
  return scenarios;
}

}  // namespace dystonia::clinical
