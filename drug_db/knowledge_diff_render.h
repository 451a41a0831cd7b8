#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_RENDER_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_RENDER_H_

#include <string>

#include "drug_db/knowledge_diff.h"

namespace dystonia {

// Plain text for a terminal: a summary line, then per entry one line per
// change, then the audit entries of each version. "no changes" when the
// bundles are equal.
std::string RenderKnowledgeDiffText(const KnowledgeDiff& diff);

// The HTML body part (a <section class="kb-diff">, CSS scoped under
// .kb-diff, no scripts, every text escaped) for embedding in another page.
std::string RenderKnowledgeDiffHtmlFragment(const KnowledgeDiff& diff);

// A whole self-contained HTML page around the fragment.
std::string RenderKnowledgeDiffHtmlPage(const KnowledgeDiff& diff);

// A human label for a field change kind, e.g. "tier up".
const char* FieldChangeKindLabel(FieldChangeKind kind);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_RENDER_H_
