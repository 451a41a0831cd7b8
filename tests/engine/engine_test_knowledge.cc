#include "tests/engine/engine_test_knowledge.h"

#include <memory>

#include "drug_db/knowledge_validator.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace dystonia::engine_testing {
namespace {

constexpr char kKnowledge[] = R"pb(
  manifest { version: "engine-test" }
  citation { id: "test-label-a" kind: LABEL title: "Test label A" }
  citation { id: "test-paper-b" kind: LITERATURE title: "Test paper B" }
  drug_class {
    id: "test-blocker"
    name: "Test dopamine blockers"
    roles: CLASS_ROLE_DOPAMINE_BLOCKER
    roles: CLASS_ROLE_ANTIPSYCHOTIC
  }
  drug_class {
    id: "test-anticholinergic"
    name: "Test anticholinergics"
    roles: CLASS_ROLE_ANTICHOLINERGIC_PROPHYLAXIS
    citation_ids: "test-paper-b"
  }
  drug_class {
    id: "test-inhibitor"
    name: "Test inhibitors"
    roles: CLASS_ROLE_ENZYME_INHIBITOR
  }
  drug {
    id: "highazine"
    name: "highazine"
    synonyms: "highazine lactate"
    brands: "Highax"
    rxcuis: "900001"
    atc_codes: "N05XX91"
    class_ids: "test-blocker"
    forms { name: "highazine decanoate" route: ROUTE_LONG_ACTING_INJECTABLE }
    products {
      system: RXNORM
      code: "900011"
      term_type: "SCD"
      name: "highazine 5 MG Oral Tablet"
      route: ROUTE_ORAL
    }
    acute {
      level: RISK_LEVEL_MODERATE
      evidence: EVIDENCE_LEVEL_LABELED_WARNING
      citation_ids: "test-label-a"
      citation_ids: "test-paper-b"
      note: "test acute note"
    }
    tardive {
      level: RISK_LEVEL_MODERATE
      evidence: EVIDENCE_LEVEL_LABELED_WARNING
      citation_ids: "test-label-a"
      note: "test tardive note"
    }
    route_liabilities {
      route: ROUTE_INTRAMUSCULAR
      acute {
        level: RISK_LEVEL_HIGH
        evidence: EVIDENCE_LEVEL_LABELED_WARNING
        citation_ids: "test-label-a"
        note: "test IM note"
        route_effect_included: true
      }
    }
  }
  drug {
    id: "lowazine"
    name: "lowazine"
    class_ids: "test-blocker"
    acute {
      level: RISK_LEVEL_LOW
      evidence: EVIDENCE_LEVEL_META_ANALYSIS
      citation_ids: "test-paper-b"
      note: "n"
      patient_factors_capped: true
    }
    tardive {
      level: RISK_LEVEL_LOW
      evidence: EVIDENCE_LEVEL_META_ANALYSIS
      citation_ids: "test-paper-b"
      note: "n"
    }
  }
  drug {
    id: "protectine"
    name: "protectine"
    class_ids: "test-anticholinergic"
    acute {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
    tardive {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
  }
  drug {
    id: "inhibitol"
    name: "inhibitol"
    class_ids: "test-inhibitor"
    acute {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
    tardive {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
  }
  drug {
    id: "plainol"
    name: "plainol"
    acute {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
    tardive {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
  }
  drug {
    id: "highazine-inhibitol"
    name: "highazine and inhibitol"
    brands: "Comboax"
    ingredient_ids: "highazine"
    ingredient_ids: "inhibitol"
  }
  modifier {
    id: "acute.test-young-male"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: PATIENT
    scope { class_ids: "test-blocker" }
    condition { max_age_years: 30 sex: SEX_MALE }
    steps: 1
    factor: "young male"
    citation_ids: "test-paper-b"
  }
  modifier {
    id: "acute.test-second-blocker"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: CONTEXT
    scope { class_ids: "test-blocker" }
    condition { second_dopamine_blocker_in_window: true }
    steps: 1
    factor: "a second dopamine blocker started"
    citation_ids: "test-label-a"
  }
  modifier {
    id: "tardive.test-older-adult"
    syndrome: SYNDROME_TARDIVE
    kind: PATIENT
    scope { class_ids: "test-blocker" }
    condition { min_age_years: 60 }
    steps: 1
    factor: "older adult"
    citation_ids: "test-label-a"
  }
  drug {
    id: "phenotazine"
    name: "phenotazine"
    class_ids: "test-blocker"
    acute {
      level: RISK_LEVEL_LOW
      evidence: EVIDENCE_LEVEL_LABELED_WARNING
      citation_ids: "test-label-a"
      note: "n"
    }
    tardive {
      level: RISK_LEVEL_LOW
      evidence: EVIDENCE_LEVEL_LABELED_WARNING
      citation_ids: "test-label-a"
      note: "n"
    }
  }
  drug {
    id: "twodesixol"
    name: "twodesixol"
    class_ids: "test-inhibitor"
    acute {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
    tardive {
      level: RISK_LEVEL_NONE
      evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION
    }
  }
  interaction {
    id: "ix.test-phenotazine-twodesixol"
    substrate { drug_ids: "phenotazine" }
    perpetrator { drug_ids: "twodesixol" }
    mechanism: "CYP2D6"
    level: RISK_LEVEL_MODERATE
    advice: "Halve the phenotazine dose."
    citation_ids: "test-label-a"
  }
  interaction {
    id: "ix.test-phenotazine-inhibitol"
    substrate { drug_ids: "phenotazine" }
    perpetrator { drug_ids: "inhibitol" }
    mechanism: "CYP3A4"
    level: RISK_LEVEL_MODERATE
    advice: "Halve the phenotazine dose."
    citation_ids: "test-label-a"
  }
  interaction {
    id: "ix.test-lowazine-twodesixol"
    substrate { drug_ids: "lowazine" }
    perpetrator { drug_ids: "twodesixol" }
    mechanism: "CYP2D6"
    level: RISK_LEVEL_HIGH
    contraindicated: true
    advice: "Do not give lowazine with twodesixol."
    citation_ids: "test-label-a"
  }
  caution {
    id: "pgx.test-phenotazine.cyp2d6-poor"
    drugs { drug_ids: "phenotazine" }
    phenotype { gene: "CYP2D6" phenotypes: POOR }
    raises_exposure: true
    level: RISK_LEVEL_MODERATE
    jurisdiction: "US"
    label_section: "2.3 Poor metabolizers"
    statement: "Poor metabolizers have twice the exposure."
    advice: "Give half the usual phenotazine dose."
    citation_ids: "test-label-a"
  }
  caution {
    id: "pgx.test-phenotazine.cyp2d6-poor-with-inhibitol"
    drugs { drug_ids: "phenotazine" }
    phenotype { gene: "CYP2D6" phenotypes: POOR }
    co_medication { drug_ids: "inhibitol" }
    level: RISK_LEVEL_MODERATE
    jurisdiction: "US"
    label_section: "2.3 Poor metabolizers"
    statement: "Poor metabolizers on inhibitol have four times the exposure."
    advice: "Give a quarter of the usual phenotazine dose."
    citation_ids: "test-label-a"
  }
  caution {
    id: "ci.test-lowazine.cyp2d6-reduced"
    drugs { drug_ids: "lowazine" }
    phenotype { gene: "CYP2D6" phenotypes: POOR phenotypes: INTERMEDIATE }
    raises_exposure: true
    contraindicated: true
    level: RISK_LEVEL_HIGH
    jurisdiction: "US"
    label_section: "4 CONTRAINDICATIONS"
    statement: "Contraindicated with reduced CYP2D6 activity."
    citation_ids: "test-label-a"
  }
  caution {
    id: "pgx.test-highazine.cyp2c19-ultrarapid"
    drugs { drug_ids: "highazine" }
    phenotype { gene: "CYP2C19" phenotypes: ULTRARAPID }
    level: RISK_LEVEL_LOW
    jurisdiction: "CPIC"
    label_section: "Dosing recommendations"
    statement: "Ultrarapid metabolizers have lower levels; no change advised."
    citation_ids: "test-paper-b"
  }
  interaction {
    id: "ix.test-highazine-inhibitol"
    substrate { drug_ids: "highazine" }
    perpetrator { drug_ids: "inhibitol" }
    mechanism: "test enzyme"
    level: RISK_LEVEL_MODERATE
    advice: "Halve the dose."
    citation_ids: "test-label-a"
  }
)pb";

}  // namespace

const KnowledgeSnapshot& EngineTestKnowledge() {
  static const std::shared_ptr<const KnowledgeSnapshot> snapshot = [] {
    v1::KnowledgeBundle bundle;
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(kKnowledge, &bundle));
    const absl::Status valid = ValidateKnowledge(bundle);
    EXPECT_TRUE(valid.ok()) << valid;
    return KnowledgeSnapshot::FromBundle(bundle);
  }();
  return *snapshot;
}

}  // namespace dystonia::engine_testing
