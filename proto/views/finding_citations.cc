#include "proto/views/finding_citations.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

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

namespace {

std::string SourceKey(const v1::Citation& citation) {
  if (!citation.url().empty()) return absl::StrCat("url:", citation.url());
  if (!citation.id().empty()) return absl::StrCat("id:", citation.id());
  return absl::StrCat("title:", citation.title());
}

}  // namespace

NumberedSources NumberSources(const v1::CheckResponse& response) {
  NumberedSources numbered;
  std::map<std::string, int> number_of;
  for (const v1::Finding& finding : response.findings()) {
    std::vector<int>& marks = numbered.references.emplace_back();
    for (const v1::Citation* citation : FindingCitations(response, finding)) {
      auto [it, added] = number_of.emplace(
          SourceKey(*citation), static_cast<int>(numbered.sources.size()) + 1);
      if (added) numbered.sources.push_back({citation, {}});
      std::vector<std::string>& sections =
          numbered.sources[it->second - 1].sections;
      if (!citation->section().empty() &&
          std::find(sections.begin(), sections.end(), citation->section()) ==
              sections.end()) {
        sections.push_back(citation->section());
      }
      if (std::find(marks.begin(), marks.end(), it->second) == marks.end()) {
        marks.push_back(it->second);
      }
    }
  }
  return numbered;
}

std::string ReferenceMarks(const std::vector<int>& numbers) {
  std::string marks;
  for (int number : numbers) absl::StrAppend(&marks, "[", number, "]");
  return marks;
}

}  // namespace dystonia
