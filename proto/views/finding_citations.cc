#include "proto/views/finding_citations.h"

namespace dystonia {

std::vector<const v1::Citation*> FindingCitations(
    const v1::CheckResponse& response, const v1::Finding& finding) {
  std::vector<const v1::Citation*> out;
  out.reserve(finding.citations_size() + finding.citation_ids_size());
  for (const v1::Citation& citation : finding.citations()) {
    out.push_back(&citation);
  }
  // A response cites a few dozen sources: a linear scan per id is cheaper
  // than building an index for each answer read.
  for (const std::string& id : finding.citation_ids()) {
    for (const v1::Citation& citation : response.citations()) {
      if (citation.id() == id) {
        out.push_back(&citation);
        break;
      }
    }
  }
  return out;
}

}  // namespace dystonia
