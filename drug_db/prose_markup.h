#ifndef DYSTONIA_DRUG_DB_PROSE_MARKUP_H_
#define DYSTONIA_DRUG_DB_PROSE_MARKUP_H_

// Knowledge-base prose (notes, remarks, recommendations, citation titles)
// ends up on CDS Hooks cards that an EHR renders as markdown with HTML. The
// cards escape it, but the knowledge base should not hold markup in the
// first place: an entry with it was written for something else, or by
// someone with intent.

#include <string>

#include "absl/strings/string_view.h"

namespace dystonia {

// Describes the first markup in `text`, e.g. "an HTML tag '<img'"; "" when
// there is none. Markup is: an HTML tag, closing tag, comment or processing
// instruction (`<` then a letter, `/`, `!` or `?`: "<5 years" and "< 1%"
// are prose), a markdown link or image (`](` or `![`), or a script or data
// address (`javascript:`, `vbscript:`, `data:text/`, `data:image/`, any
// case).
std::string FindProseMarkup(absl::string_view text);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_PROSE_MARKUP_H_
