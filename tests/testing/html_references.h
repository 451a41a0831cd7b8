#ifndef DYSTONIA_TESTS_TESTING_HTML_REFERENCES_H_
#define DYSTONIA_TESTS_TESTING_HTML_REFERENCES_H_

#include <string>
#include <vector>

namespace dystonia::testing {

// One href or src attribute value and the start of the tag holding it
// (from '<' to the attribute), so a test can tell a citation's source link
// (class="source") from the page's own references.
struct HtmlReference {
  std::string tag;
  std::string value;
};

// Every double-quoted href and src value of `html`.
inline std::vector<HtmlReference> HtmlReferences(const std::string& html) {
  std::vector<HtmlReference> references;
  for (const std::string attribute : {" href=\"", " src=\""}) {
    for (size_t at = html.find(attribute); at != std::string::npos;
         at = html.find(attribute, at + 1)) {
      const size_t start = at + attribute.size();
      const size_t tag_start = html.rfind('<', at);
      references.push_back(
          {html.substr(tag_start, at - tag_start),
           html.substr(start, html.find('"', start) - start)});
    }
  }
  return references;
}

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_HTML_REFERENCES_H_
