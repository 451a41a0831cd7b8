#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_VALIDATOR_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_VALIDATOR_H_

#include "absl/status/status.h"
#include "drug_db/knowledge_loader.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Checks that `bundle` is a consistent knowledge base: a manifest with a
// version; unique, well-formed ids; every referenced class, citation, drug and
// ingredient defined; every liability above NONE, modifier, interaction,
// recommendation and dose threshold cited; well-formed RxCUIs and ATC codes;
// no name, brand or code claimed by two drugs; no markup in any text (HTML
// tags, markdown links or images, script or data addresses: see
// prose_markup.h), since the text reaches CDS Hooks cards.
// Returns kInvalidArgument listing the problems (at most 25), each prefixed
// by "file:line: " when `locator` knows where the entry was written.
absl::Status ValidateKnowledge(const v1::KnowledgeBundle& bundle,
                               const KnowledgeLocator* locator = nullptr);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_VALIDATOR_H_
