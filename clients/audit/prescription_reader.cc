#include "clients/audit/prescription_reader.h"

#include <algorithm>
#include <fstream>
#include <type_traits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/common/condition_code.h"
#include "clients/common/phenotype_argument.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia::audit {
namespace {

enum Field {
  kPrescriptionId,
  kPatientId,
  kAgeYears,
  kSex,
  kMedication,
  kRxcui,
  kAtcCode,
  kRoute,
  kDailyDoseMg,
  kStatus,
  kDaysOnTherapy,
  kDoseIncreasedDaysAgo,
  kConditions,
  kWeightKg,
  kNdc,
  kCourse,
  kPharmacogenomics,
  kFieldCount,
};

constexpr const char* kFieldNames[kFieldCount] = {"prescription_id",
                                                  "patient_id",
                                                  "age_years",
                                                  "sex",
                                                  "medication",
                                                  "rxcui",
                                                  "atc_code",
                                                  "route",
                                                  "daily_dose_mg",
                                                  "status",
                                                  "days_on_therapy",
                                                  "dose_increased_days_ago",
                                                  "conditions",
                                                  "weight_kg",
                                                  "ndc",
                                                  "course",
                                                  "pharmacogenomics"};

constexpr Field kRequired[] = {kPrescriptionId, kAgeYears, kSex, kMedication};

// Words for sex, route and status: the vocabulary common.proto defines
// (proto/vocabulary/enum_words.h); "" is unspecified.
template <typename Enum>
absl::Status ParseWord(absl::string_view field, absl::string_view text,
                       Enum* out) {
  absl::StatusOr<Enum> value = ParseEnumWord<Enum>(field, text);
  if (!value.ok()) return value.status();
  *out = *value;
  return absl::OkStatus();
}

// An optional number: empty means 0 (not given).
template <typename Number>
absl::Status ParseNumber(absl::string_view field, absl::string_view text,
                         Number* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) {
    *out = 0;
    return absl::OkStatus();
  }
  bool parsed;
  if constexpr (std::is_same_v<Number, double>) {
    parsed = absl::SimpleAtod(text, out);
  } else {
    parsed = absl::SimpleAtoi(text, out);
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text, "' is not a number"));
  }
  return absl::OkStatus();
}

// The `conditions` column: ";"-separated, each a text ("Parkinson's
// disease") or "SYSTEM|CODE" ("sct|49049000").
absl::Status ParseConditions(absl::string_view text, v1::Patient* patient) {
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    if (item.find('|') != absl::string_view::npos) {
      absl::StatusOr<v1::Condition> coded = ParseConditionCode(item);
      if (!coded.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("conditions: ", coded.status().message()));
      }
      *patient->add_conditions() = *std::move(coded);
    } else {
      patient->add_conditions()->set_text(std::string(item));
    }
  }
  return absl::OkStatus();
}

// The `pharmacogenomics` column: ";"-separated GENE=PHENOTYPE results
// ("CYP2D6=poor; CYP2C19=normal").
absl::Status ParsePharmacogenomics(absl::string_view text,
                                   v1::Patient* patient) {
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    absl::StatusOr<v1::PharmacogenomicResult> result =
        ParsePhenotypeArgument(item);
    if (!result.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pharmacogenomics: ", result.status().message()));
    }
    *patient->add_pharmacogenomics() = *std::move(result);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    field.clear();
    if (i < n && line[i] == '"') {
      // Quoted: up to the closing quote; "" is a quote.
      ++i;
      bool closed = false;
      while (i < n) {
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (!closed) {
        return absl::InvalidArgumentError(
            absl::StrCat("broken quoting: a quoted field in column ",
                         fields.size() + 1, " is not closed on its line"));
      }
      if (i < n && line[i] != ',') {
        return absl::InvalidArgumentError(absl::StrCat(
            "broken quoting: text after the closing quote in column ",
            fields.size() + 1));
      }
    } else {
      while (i < n && line[i] != ',') {
        if (line[i] == '"') {
          return absl::InvalidArgumentError(absl::StrCat(
              "broken quoting: a quote inside the unquoted field in column ",
              fields.size() + 1));
        }
        field.push_back(line[i++]);
      }
    }
    fields.push_back(field);
    if (i >= n) break;
    ++i;  // the comma
  }
  return fields;
}

PrescriptionReader::PrescriptionReader(std::unique_ptr<std::istream> in,
                                       InputFormat format,
                                       absl::string_view name)
    : in_(std::move(in)),
      format_(format),
      name_(name),
      column_(kFieldCount, -1) {}

absl::StatusOr<std::unique_ptr<PrescriptionReader>> PrescriptionReader::Open(
    const std::string& path, const InputFormat* format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  InputFormat chosen = InputFormat::kCsv;
  if (format != nullptr) {
    chosen = *format;
  } else if (absl::EndsWithIgnoreCase(path, ".ndjson") ||
             absl::EndsWithIgnoreCase(path, ".jsonl") ||
             absl::EndsWithIgnoreCase(path, ".json")) {
    chosen = InputFormat::kNdjson;
  }
  return FromStream(std::make_unique<std::ifstream>(std::move(in)), chosen,
                    path);
}

absl::StatusOr<std::unique_ptr<PrescriptionReader>>
PrescriptionReader::FromStream(std::unique_ptr<std::istream> in,
                               InputFormat format, absl::string_view name) {
  std::unique_ptr<PrescriptionReader> reader(
      new PrescriptionReader(std::move(in), format, name));
  if (format == InputFormat::kCsv) {
    if (absl::Status status = reader->ReadHeader(); !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", status.message()));
    }
  }
  return reader;
}

bool PrescriptionReader::ReadLine(std::string* line) {
  if (!std::getline(*in_, *line)) return false;
  ++line_number_;
  bytes_read_ += static_cast<int64_t>(line->size()) + 1;
  if (line_number_ == 1 && absl::StartsWith(*line, "\xEF\xBB\xBF"))
    line->erase(0, 3);
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

absl::Status PrescriptionReader::ReadHeader() {
  std::string line;
  if (!ReadLine(&line))
    return absl::InvalidArgumentError("empty file: a header row is required");
  absl::StatusOr<std::vector<std::string>> names = SplitCsvLine(line);
  if (!names.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("header: ", names.status().message()));
  for (size_t c = 0; c < names->size(); ++c) {
    const std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace((*names)[c]));
    int field = -1;
    for (int f = 0; f < kFieldCount; ++f) {
      if (name == kFieldNames[f]) field = f;
    }
    if (field < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("header: unknown column '", (*names)[c],
                       "' (known: ", absl::StrJoin(kFieldNames, ", "), ")"));
    }
    if (column_[field] >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("header: column '", name, "' twice"));
    }
    column_[field] = static_cast<int>(c);
  }
  for (Field required : kRequired) {
    if (column_[required] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "header: required column '", kFieldNames[required], "' is missing"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> PrescriptionReader::Next(
    Prescription* out,
    const std::function<void(const RejectedRow&)>& on_rejected) {
  out->request.Clear();
  out->lines.clear();
  out->names.clear();
  const bool read = format_ == InputFormat::kCsv ? NextCsv(out, on_rejected)
                                                 : NextNdjson(out, on_rejected);
  if (in_->bad()) {
    return absl::DataLossError(absl::StrCat(
        name_, ": could not be read on after line ", line_number_));
  }
  return read;
}

bool PrescriptionReader::NextNdjson(
    Prescription* out,
    const std::function<void(const RejectedRow&)>& on_rejected) {
  std::string line;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  while (ReadLine(&line)) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    ++rows_read_;
    auto status = google::protobuf::util::JsonStringToMessage(
        line, &out->request, options);
    if (!status.ok()) {
      out->request.Clear();
      on_rejected(
          {line_number_, "",
           absl::StrCat("not a CheckRequest in the protobuf JSON mapping: ",
                        std::string(status.message()))});
      continue;
    }
    out->lines.push_back(line_number_);
    for (const v1::Medication& medication : out->request.medications()) {
      out->names.push_back(!medication.name().empty()    ? medication.name()
                           : !medication.rxcui().empty() ? medication.rxcui()
                           : !medication.ndc().empty()   ? medication.ndc()
                                                         : medication.atc_code());
    }
    return true;
  }
  return false;
}

bool PrescriptionReader::NextCsv(
    Prescription* out,
    const std::function<void(const RejectedRow&)>& on_rejected) {
  std::string line;
  bool started = false;
  auto field = [this](const std::vector<std::string>& fields,
                      Field f) -> std::string {
    const int c = column_[f];
    return c >= 0 && c < static_cast<int>(fields.size()) ? fields[c]
                                                         : std::string();
  };
  while (true) {
    std::vector<std::string> fields;
    int64_t line_number = 0;
    if (has_pending_) {
      fields = std::move(pending_fields_);
      line_number = pending_line_;
      has_pending_ = false;
    } else {
      if (!ReadLine(&line)) return started;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      ++rows_read_;
      line_number = line_number_;
      absl::StatusOr<std::vector<std::string>> split = SplitCsvLine(line);
      if (!split.ok()) {
        on_rejected({line_number, "", std::string(split.status().message())});
        continue;
      }
      fields = *std::move(split);
      if (fields.size() !=
          static_cast<size_t>(std::count_if(column_.begin(), column_.end(),
                                            [](int c) { return c >= 0; }))) {
        on_rejected(
            {line_number, field(fields, kPrescriptionId),
             absl::StrCat(fields.size(), " fields where the header has ",
                          std::count_if(column_.begin(), column_.end(),
                                        [](int c) { return c >= 0; }))});
        continue;
      }
    }
    const std::string id =
        std::string(absl::StripAsciiWhitespace(field(fields, kPrescriptionId)));
    if (started && id != out->request.request_id()) {
      // The first row of the next prescription: keep it for the next call.
      has_pending_ = true;
      pending_line_ = line_number;
      pending_fields_ = std::move(fields);
      return true;
    }
    auto reject = [&](absl::string_view reason) {
      on_rejected({line_number, id, std::string(reason)});
    };
    if (id.empty()) {
      reject("prescription_id: is empty (required)");
      continue;
    }
    const std::string age_text =
        std::string(absl::StripAsciiWhitespace(field(fields, kAgeYears)));
    double age = 0;
    if (age_text.empty()) {
      reject("age_years: is empty (required)");
      continue;
    }
    if (absl::Status status = ParseNumber("age_years", age_text, &age);
        !status.ok()) {
      reject(status.message());
      continue;
    }
    v1::Sex sex = v1::SEX_UNSPECIFIED;
    if (absl::Status status = ParseWord("sex", field(fields, kSex), &sex);
        !status.ok()) {
      reject(status.message());
      continue;
    }
    v1::Medication medication;
    medication.set_name(
        std::string(absl::StripAsciiWhitespace(field(fields, kMedication))));
    medication.set_rxcui(
        std::string(absl::StripAsciiWhitespace(field(fields, kRxcui))));
    medication.set_atc_code(
        std::string(absl::StripAsciiWhitespace(field(fields, kAtcCode))));
    medication.set_ndc(
        std::string(absl::StripAsciiWhitespace(field(fields, kNdc))));
    if (medication.name().empty() && medication.rxcui().empty() &&
        medication.atc_code().empty() && medication.ndc().empty()) {
      reject(
          "medication: is empty (give a name, an rxcui, an ndc or an "
          "atc_code)");
      continue;
    }
    v1::Route route = v1::ROUTE_UNSPECIFIED;
    v1::MedicationStatus status_word = v1::MEDICATION_STATUS_UNSPECIFIED;
    v1::Course course = v1::COURSE_UNSPECIFIED;
    double dose = 0;
    int32_t days = 0;
    int32_t increased = 0;
    absl::Status parsed = ParseWord("route", field(fields, kRoute), &route);
    if (parsed.ok())
      parsed = ParseWord("status", field(fields, kStatus), &status_word);
    if (parsed.ok())
      parsed = ParseWord("course", field(fields, kCourse), &course);
    if (parsed.ok())
      parsed = ParseNumber("daily_dose_mg", field(fields, kDailyDoseMg), &dose);
    if (parsed.ok())
      parsed =
          ParseNumber("days_on_therapy", field(fields, kDaysOnTherapy), &days);
    if (parsed.ok()) {
      parsed = ParseNumber("dose_increased_days_ago",
                           field(fields, kDoseIncreasedDaysAgo), &increased);
    }
    if (!parsed.ok()) {
      reject(parsed.message());
      continue;
    }
    v1::Patient patient;
    patient.set_age_years(age);
    patient.set_sex(sex);
    double weight = 0;
    parsed = ParseNumber("weight_kg", field(fields, kWeightKg), &weight);
    if (parsed.ok()) {
      if (weight != 0) patient.set_weight_kg(weight);
      parsed = ParseConditions(field(fields, kConditions), &patient);
    }
    if (parsed.ok()) {
      parsed =
          ParsePharmacogenomics(field(fields, kPharmacogenomics), &patient);
    }
    if (!parsed.ok()) {
      reject(parsed.message());
      continue;
    }
    medication.set_route(route);
    medication.set_status(status_word);
    medication.set_course(course);
    medication.set_daily_dose_mg(dose);
    medication.set_days_on_therapy(days);
    medication.set_dose_increased_days_ago(increased);
    // The patient is described on the prescription's first row; a later
    // row may repeat it or leave weight, conditions and pharmacogenomics
    // empty.
    const bool describes_patient = patient.has_weight_kg() ||
                                   !patient.conditions().empty() ||
                                   !patient.pharmacogenomics().empty();
    if (!started) {
      started = true;
      out->request.set_request_id(id);
      *out->request.mutable_patient() = std::move(patient);
    } else if (age != out->request.patient().age_years() ||
               sex != out->request.patient().sex() ||
               (describes_patient &&
                !google::protobuf::util::MessageDifferencer::Equals(
                    patient, out->request.patient()))) {
      reject(absl::StrCat(
          "age_years/sex/weight_kg/conditions/pharmacogenomics differ from "
          "line ",
          out->lines.front(), " of the same prescription"));
      continue;
    }
    out->names.push_back(!medication.name().empty()    ? medication.name()
                         : !medication.rxcui().empty() ? medication.rxcui()
                         : !medication.ndc().empty()   ? medication.ndc()
                                                       : medication.atc_code());
    *out->request.add_medications() = std::move(medication);
    out->lines.push_back(line_number);
  }
}

}  // namespace dystonia::audit
