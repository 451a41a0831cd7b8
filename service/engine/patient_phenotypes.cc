#include "service/engine/patient_phenotypes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia {

PatientPhenotypes::PatientPhenotypes(const KnowledgeSnapshot& knowledge,
                                     const v1::Patient& patient,
                                     v1::CheckResponse* response) {
  for (int i = 0; i < patient.pharmacogenomics_size(); ++i) {
    const v1::PharmacogenomicResult& result = patient.pharmacogenomics(i);
    std::string gene = NormalizeGeneSymbol(result.gene());
    if (!knowledge.KnowsGene(gene)) {
      v1::UnrecognizedPharmacogenomicResult* unrecognized =
          response->add_unrecognized_pharmacogenomics();
      unrecognized->set_result_index(i);
      unrecognized->set_gene(result.gene());
      continue;
    }
    auto same_gene = std::find_if(
        known_.begin(), known_.end(),
        [&gene](const PatientPhenotype& had) { return had.gene == gene; });
    if (same_gene != known_.end()) {
      repeats_.emplace_back(i, static_cast<int>(same_gene - known_.begin()));
      continue;
    }
    known_.push_back({std::move(gene), result.phenotype(), i});
  }
}

const PatientPhenotype* PatientPhenotypes::Matching(
    const v1::PhenotypeTrigger& trigger) const {
  const PatientPhenotype* had = ForGene(trigger.gene());
  if (had == nullptr) return nullptr;
  for (int phenotype : trigger.phenotypes()) {
    if (phenotype == had->phenotype) return had;
  }
  return nullptr;
}

const PatientPhenotype* PatientPhenotypes::ForGene(
    absl::string_view gene) const {
  for (const PatientPhenotype& had : known_) {
    if (had.gene == gene) return &had;
  }
  return nullptr;
}

void PatientPhenotypes::Account(v1::CheckResponse* response) const {
  if (known_.empty()) return;
  // The drugs of the findings that name each result, in finding order.
  std::vector<std::vector<std::string>> changed(known_.size());
  for (const v1::Finding& finding : response->findings()) {
    for (int index : finding.pharmacogenomic_indexes()) {
      for (size_t k = 0; k < known_.size(); ++k) {
        if (known_[k].request_index != index || finding.drug_ids().empty()) {
          continue;
        }
        std::vector<std::string>& drugs = changed[k];
        if (std::find(drugs.begin(), drugs.end(), finding.drug_ids(0)) ==
            drugs.end()) {
          drugs.push_back(finding.drug_ids(0));
        }
      }
    }
  }
  std::vector<std::pair<int, int>> order;  // (request index, known index)
  for (size_t k = 0; k < known_.size(); ++k) {
    order.emplace_back(known_[k].request_index, static_cast<int>(k));
  }
  order.insert(order.end(), repeats_.begin(), repeats_.end());
  std::sort(order.begin(), order.end());
  for (const auto& [request_index, k] : order) {
    const PatientPhenotype& had = known_[k];
    v1::AssessedPharmacogenomicResult* assessed =
        response->add_assessed_pharmacogenomics();
    assessed->set_result_index(request_index);
    assessed->set_gene(had.gene);
    assessed->set_phenotype(had.phenotype);
    const std::string result = PhenotypeResultText(had.gene, had.phenotype);
    if (request_index != had.request_index) {
      assessed->set_affects_judgement(!changed[k].empty());
      assessed->set_note(absl::StrCat(result, ": the same result as position ",
                                      had.request_index, ", read once"));
    } else if (!changed[k].empty()) {
      assessed->set_affects_judgement(true);
      assessed->set_note(absl::StrCat(result, ": changes the judgement of ",
                                      absl::StrJoin(changed[k], ", ")));
    } else if (had.phenotype == v1::PharmacogenomicResult::INDETERMINATE) {
      assessed->set_note(
          absl::StrCat(result, ": no phenotype to apply; changes nothing"));
    } else {
      assessed->set_note(absl::StrCat(
          result,
          ": no label or guideline statement in the knowledge ties this "
          "phenotype to a medication of the list"));
    }
  }
}

}  // namespace dystonia
