#ifndef DYSTONIA_DRUG_DB_SITE_HTML_ESCAPE_H_
#define DYSTONIA_DRUG_DB_SITE_HTML_ESCAPE_H_

// Escaping for everything the knowledge site writes: knowledge text reaches
// a committee's browser, so none of it may become markup, script or a link
// to anything but a web page.

#include <string>

#include "absl/strings/string_view.h"

namespace dystonia::site {

// `text` with & < > " ' replaced by character references: safe in element
// content and in double- or single-quoted attribute values.
std::string EscapeHtml(absl::string_view text);

// `url`, escaped for an href attribute, when it is an http or https URL
// (scheme case-insensitive, no control characters or spaces); "" otherwise,
// so javascript:, data: and relative URLs never become links.
std::string SafeHttpHref(absl::string_view url);

// `text` as a JavaScript string literal in double quotes, safe inside a
// <script> file or element: < > & and the line separators U+2028/9 are
// written as \u escapes, so no "</script>" can close it.
std::string JsStringLiteral(absl::string_view text);

// A file-name-safe form of a knowledge id: letters, digits, '-' and '_'
// kept, every other byte written as "~" and two hex digits, so ids such as
// "../x" cannot leave the page's folder and distinct ids stay distinct.
std::string IdToFileStem(absl::string_view id);

}  // namespace dystonia::site

#endif  // DYSTONIA_DRUG_DB_SITE_HTML_ESCAPE_H_
