#ifndef DYSTONIA_TESTS_ENGINE_ENGINE_TEST_KNOWLEDGE_H_
#define DYSTONIA_TESTS_ENGINE_ENGINE_TEST_KNOWLEDGE_H_

// A small knowledge base written for the engine's tests, so that each rule
// (acute window, tardive exposure, course, routes, patient modifiers,
// prophylaxis, interactions, duplicate blockade, combinations, names and
// codes) is tested apart from the curated data: a reviewed tier change in
// drug_db/knowledge/ breaks only tests/clinical/, never these.
//
// Made-up drugs, brands, codes and sources: the ids, names and codes below
// are fictitious placeholders in valid shapes (no real RxCUI, ATC code,
// NDC or document). Tiers:
//   highazine   acute MODERATE (IM route: HIGH), tardive MODERATE; brand
//               "Highax", salt "highazine lactate", depot form
//               "highazine decanoate" (long-acting injectable), RxCUI
//               "900001", ATC "N05XX91", product RxCUI "900011" (oral)
//   lowazine    acute LOW, tardive LOW, acute capped at patient factors
//   protectine  anticholinergic prophylaxis, no liability
//   inhibitol   an enzyme inhibitor raising highazine's exposure
//   plainol     no known association
//   highazine-inhibitol  a combination of the two
//   phenotazine acute LOW, tardive LOW; CYP2D6 poor metabolizers: exposure
//               raised, half the dose; with inhibitol a quarter (CYP3A4; that
//               statement does not repeat the raised exposure)
//   twodesixol  a CYP2D6 inhibitor raising phenotazine's exposure, and
//               contraindicated with lowazine
// Phenotypes: lowazine is contraindicated in CYP2D6 poor and intermediate
// metabolizers, whose exposure it raises; highazine has an informational (LOW)
// CYP2C19 ultrarapid statement. Modifiers: young male (under 30) +1 acute;
// parenteral (IM/IV) +1 acute is part of highazine's IM tier; a second dopamine
// blocker in the window +1 acute; older adult (60 and over) +1 tardive.

#include "drug_db/knowledge_snapshot.h"

namespace dystonia::engine_testing {

// The knowledge above, validated and indexed once (a failed validation
// fails the test that asked for it).
const KnowledgeSnapshot& EngineTestKnowledge();

}  // namespace dystonia::engine_testing

#endif  // DYSTONIA_TESTS_ENGINE_ENGINE_TEST_KNOWLEDGE_H_
