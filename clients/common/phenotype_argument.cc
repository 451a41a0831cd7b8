#include "clients/common/phenotype_argument.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/vocabulary/enum_words.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia {

absl::StatusOr<v1::PharmacogenomicResult> ParsePhenotypeArgument(
    absl::string_view value) {
  const size_t equals = value.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", value, "' is not GENE=PHENOTYPE (e.g. CYP2D6=poor)"));
  }
  const std::string gene =
      NormalizeGeneSymbol(absl::StripAsciiWhitespace(value.substr(0, equals)));
  if (!IsWellFormedGeneSymbol(gene)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", value.substr(0, equals),
                     "' is not an HGNC gene symbol (e.g. CYP2D6)"));
  }
  const absl::string_view word = value.substr(equals + 1);
  std::optional<v1::PharmacogenomicResult::Phenotype> phenotype =
      EnumOfWord<v1::PharmacogenomicResult::Phenotype>(word);
  if (!phenotype.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", word, "' is not a phenotype: one of ",
        AcceptedEnumWords<v1::PharmacogenomicResult::Phenotype>()));
  }
  v1::PharmacogenomicResult result;
  result.set_gene(gene);
  result.set_phenotype(*phenotype);
  return result;
}

}  // namespace dystonia
