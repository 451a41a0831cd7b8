#ifndef DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_
#define DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_

// The sources a finding rests on, however the view carried them: in full in
// the finding (FULL) or by id in the finding with the sources once in the
// response (COMPACT). Every reader of findings (CDS Hooks cards, the CLI,
// the audit report) reads them through this, so any view works for it.

#include <string>
#include <vector>

#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// The finding's citations in the order the engine listed them (labels
// first). An id the response does not carry is skipped. BASIC: none.
std::vector<const v1::Citation*> FindingCitations(
    const v1::CheckResponse& response, const v1::Finding& finding);

// The sources of one answer numbered for a reader: each source once, next to
// the findings it backs by number ("[1][3]"), listed once after them.
struct NumberedSources {
  struct Source {
    // The first citation of this source; its section is sections[0].
    const v1::Citation* citation = nullptr;
    // The parts relied on, each once, in first-cited order (two findings may
    // rest on different sections of one label). Empty ones are left out.
    std::vector<std::string> sections;
  };
  // Every source a finding cites, once each (one URL is one source; without
  // a URL, one id; without either, one title), in first-cited order: number
  // n is sources[n - 1].
  std::vector<Source> sources;
  // references[i]: the numbers finding i cites, in its order, no repeats.
  std::vector<std::vector<int>> references;
};
NumberedSources NumberSources(const v1::CheckResponse& response);

// "[1][3]" for `numbers`; "" for none.
std::string ReferenceMarks(const std::vector<int>& numbers);

}  // namespace dystonia

#endif  // DYSTONIA_PROTO_VIEWS_FINDING_CITATIONS_H_
