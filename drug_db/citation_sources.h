#ifndef DYSTONIA_DRUG_DB_CITATION_SOURCES_H_
#define DYSTONIA_DRUG_DB_CITATION_SOURCES_H_

// Whether a citation names and links its primary source, the rule of
// drug_db/knowledge/README.md: a label by its set id or regulator document
// on an official host, a paper by DOI or PMID, a guideline or regulator
// communication on its issuing body's site, a reference work on its
// publisher's. A mirror is where a text was read, never what is cited.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/common.pb.h"

namespace dystonia {

// A host a citation may link, and whose it is (why it counts as official or
// indexed).
struct TrustedHost {
  absl::string_view host;
  absl::string_view whose;
};

// The hosts a citation of `kind` may link.
std::vector<TrustedHost> TrustedHosts(v1::Citation::Kind kind);

// OK when `citation` names and links its primary source; otherwise
// kFailedPrecondition saying which field breaks the rule and how.
absl::Status CheckPrimarySource(const v1::Citation& citation);

// The host of an http(s) URL, lower-cased; "" when it is not one.
std::string UrlHost(absl::string_view url);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_CITATION_SOURCES_H_
