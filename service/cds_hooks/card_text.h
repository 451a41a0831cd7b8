#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CARD_TEXT_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CARD_TEXT_H_

// Text that goes into a CDS Hooks card. An EHR renders a card's detail as
// GitHub-flavoured markdown, possibly with HTML allowed, and may show the
// summary and link labels the same way; the words come from the knowledge
// base and from the request (unrecognized medication names), so none of it
// may be taken for markup. Every piece of such text is escaped here, at the
// point where a card is built; the card's own structure (bold headings,
// list dashes) is written around the escaped pieces.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace dystonia::cds_hooks {

// `text` made inert for markdown and HTML, one piece of a card at a time:
// - `<`, `>`, `&` and `"` become the HTML entities &lt; &gt; &amp; &quot;
//   (rendered as the characters by markdown and HTML alike, never a tag);
// - the markdown metacharacters \ ` * _ [ ] # | ~ get a backslash, so no
//   link, image, emphasis, heading, code span, table or strike-through
//   forms (parentheses and `!` are left: without an unescaped `]` or `[`
//   they start nothing, and clinical prose is full of them);
// - line breaks and tabs become spaces; other control characters, Unicode
//   direction overrides and ill-formed UTF-8 bytes are dropped.
std::string EscapeCardText(absl::string_view text);

// EscapeCardText(`text`) in at most `max_characters` code points: when it is
// longer, it is cut between two escaped characters (never inside an escape
// or a UTF-8 sequence) and ends with "…".
std::string BoundedCardText(absl::string_view text, size_t max_characters);

// True when `url` may be a card's link or source url: an absolute https: or
// http: address with a host and no whitespace, control character, quote,
// angle bracket or backslash. Anything else (javascript:, data:, relative
// or protocol-relative addresses) is dropped by the caller, never emitted.
bool IsSafeCardUrl(absl::string_view url);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CARD_TEXT_H_
