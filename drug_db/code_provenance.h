#ifndef DYSTONIA_DRUG_DB_CODE_PROVENANCE_H_
#define DYSTONIA_DRUG_DB_CODE_PROVENANCE_H_

#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"
#include "google/protobuf/text_format.h"

namespace dystonia {

// The knowledge files say where each code was verified in a comment on the
// code's own line:
//   rxcuis: "5093"  # cpicpgx/cpic-schema drug.sql: RxNorm:5093 haloperidol
// The text-format parser drops comments, so this reads them back from `text`
// at the lines `locations` recorded while parsing it into `parsed`, and keeps
// them as Drug.code_sources, ProductCode.verified_in and
// ConditionCode.verified_in. A value already set (a file exported with its
// provenance) is kept.
void AttachCodeProvenance(
    absl::string_view text,
    const google::protobuf::TextFormat::ParseInfoTree& locations,
    v1::KnowledgeBundle* parsed);

// The comment that ends `line` ("" if none), without the '#' and the spaces
// around it. A '#' inside a quoted string is not a comment.
absl::string_view TrailingComment(absl::string_view line);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_CODE_PROVENANCE_H_
