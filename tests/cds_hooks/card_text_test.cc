// The escaping every card text goes through: hostile markup comes out
// inert, prose stays readable, cuts respect escapes and UTF-8, and only
// http(s) addresses may be links.
#include "service/cds_hooks/card_text.h"

#include <string>

#include "gtest/gtest.h"

namespace dystonia::cds_hooks {
namespace {

struct EscapeCase {
  const char* text;
  const char* escaped;
};

TEST(CardTextTest, HostileMarkupIsEscaped) {
  for (const EscapeCase& c : {
           EscapeCase{"<img src=x onerror=alert(1)>",
                      "&lt;img src=x onerror=alert(1)&gt;"},
           EscapeCase{"[click](javascript:alert(1))",
                      "\\[click\\](javascript:alert(1))"},
           EscapeCase{"![](https://evil/x.png)", "!\\[\\](https://evil/x.png)"},
           EscapeCase{"<script>\"x\" & y</script>",
                      "&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt;"},
           EscapeCase{"`code` *bold* _em_ ~strike~ # h | t",
                      "\\`code\\` \\*bold\\* \\_em\\_ \\~strike\\~ \\# h \\| t"},
           // A backslash of its own cannot undo the escape that follows it.
           EscapeCase{"\\[x]", "\\\\\\[x\\]"},
       }) {
    EXPECT_EQ(EscapeCardText(c.text), c.escaped) << c.text;
  }
}

TEST(CardTextTest, ClinicalProseIsUnchanged) {
  const std::string prose =
      "Parkinson's disease (avoid) — dose 5 mg/day, children over 12 years!";

  EXPECT_EQ(EscapeCardText(prose), prose);
}

TEST(CardTextTest, LineBreaksBecomeSpacesAndControlsAreDropped) {
  EXPECT_EQ(EscapeCardText("a\nb\r\tc\x01\x7f" "d\u202e" "e\u2028f"),
            "a b  cde f");
}

TEST(CardTextTest, IllFormedUtf8IsDropped) {
  EXPECT_EQ(EscapeCardText("a\xff\xc3(b\xe2\x82"), "a(b");
}

TEST(CardTextTest, ShortTextIsNotCut) {
  EXPECT_EQ(BoundedCardText("haloperidol", 11), "haloperidol");
}

TEST(CardTextTest, LongTextIsCutWithAnEllipsis) {
  EXPECT_EQ(BoundedCardText("haloperidol", 5), "halo\u2026");
}

TEST(CardTextTest, CutNeverSplitsAnEscape) {
  // "ab&lt;" is six characters: with the ellipsis it does not fit in six.
  EXPECT_EQ(BoundedCardText("ab<cd", 6), "ab\u2026");
  EXPECT_EQ(BoundedCardText("ab[cd", 5), "ab\\[\u2026");
}

TEST(CardTextTest, CutCountsCharactersNotBytes) {
  // Five two-byte characters fit in five; six do not.
  EXPECT_EQ(BoundedCardText("\u00e9\u00e9\u00e9\u00e9\u00e9", 5),
            "\u00e9\u00e9\u00e9\u00e9\u00e9");
  EXPECT_EQ(BoundedCardText("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 5),
            "\u00e9\u00e9\u00e9\u00e9\u2026");
}

TEST(CardTextTest, OnlyHttpAddressesAreSafeUrls) {
  for (const char* safe :
       {"https://pubmed.ncbi.nlm.nih.gov/123/", "http://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG/"}) {
    EXPECT_TRUE(IsSafeCardUrl(safe)) << safe;
  }
  for (const char* unsafe :
       {"javascript:alert(1)", "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "//evil.example/x",
        "/relative", "https://", "https:///path", "https://a b/",
        "https://evil/\"onmouseover=alert(1)", "https://evil/<x>",
        "vbscript:msgbox", ""}) {
    EXPECT_FALSE(IsSafeCardUrl(unsafe)) << unsafe;
  }
}

}  // namespace
}  // namespace dystonia::cds_hooks
