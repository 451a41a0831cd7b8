#ifndef DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_
#define DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_

// The sources a finding rests on, however the view carried them: in full in
// the finding (FULL) or by id in the finding with the sources once in the
// response (COMPACT). Every reader of findings (CDS Hooks cards, the CLI,
// the audit report) reads them through this, so any view works for it.

#include <vector>

#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// The finding's citations in the order the engine listed them (labels
// first). An id the response does not carry is skipped. BASIC: none.
std::vector<const v1::Citation*> FindingCitations(
    const v1::CheckResponse& response, const v1::Finding& finding);

}  // namespace dystonia

#endif  // DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_
