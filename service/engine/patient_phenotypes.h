#ifndef DYSTONIA_SERVICE_ENGINE_PATIENT_PHENOTYPES_H_
#define DYSTONIA_SERVICE_ENGINE_PATIENT_PHENOTYPES_H_

#include <string>
#include <vector>

#include "drug_db/knowledge_snapshot.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// One pharmacogenomic result of the request, read against the knowledge.
struct PatientPhenotype {
  // HGNC symbol as the knowledge writes it ("CYP2D6").
  std::string gene;
  v1::PharmacogenomicResult::Phenotype phenotype =
      v1::PharmacogenomicResult::PHENOTYPE_UNSPECIFIED;
  // Position in Patient.pharmacogenomics.
  int request_index = -1;
};

// The patient's metabolizer phenotypes, one per gene, and their accounting:
// every result sent comes back assessed (a gene the knowledge knows) or
// unrecognized (any other gene), like medications and conditions.
class PatientPhenotypes {
 public:
  // Reads `patient.pharmacogenomics` (validated: one phenotype per gene),
  // adding an UnrecognizedPharmacogenomicResult to `response` for each gene
  // the knowledge does not know. A repeated identical result is read once.
  PatientPhenotypes(const KnowledgeSnapshot& knowledge,
                    const v1::Patient& patient, v1::CheckResponse* response);

  // The patient's result for `gene` whose phenotype `trigger` names, or
  // nullptr. An INDETERMINATE result matches nothing.
  const PatientPhenotype* Matching(const v1::PhenotypeTrigger& trigger) const;

  // The patient's result for `gene`, whatever the phenotype, or nullptr.
  const PatientPhenotype* ForGene(absl::string_view gene) const;

  // Adds an AssessedPharmacogenomicResult for each known result, in request
  // order, once the findings are made: affects_judgement when a finding
  // names its position, with a note that says what it changed or why it
  // changed nothing.
  void Account(v1::CheckResponse* response) const;

 private:
  std::vector<PatientPhenotype> known_;
  // Request positions of repeats of a known result (accounted like it).
  std::vector<std::pair<int, int>> repeats_;  // (request index, known index)
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_PATIENT_PHENOTYPES_H_
