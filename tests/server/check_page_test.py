#!/usr/bin/python3
"""drug_db/site/check.html in Debian's headless Chromium, opened from file://
against a real dystonia-server on 127.0.0.1 (the page's origin is "null", so
this also proves the /v1/ routes' CORS). Asserts on the DOM the page built
(--dump-dom after --virtual-time-budget).

Usage: check_page_test.py SOURCE_DIR BINARY_DIR
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

from loopback_server import LoopbackServer

SOURCE_DIR = None
BINARY_DIR = None
CHROMIUM = "/usr/bin/chromium"
PAGE = None


def page_dom(query):
    """The DOM of the check page opened with `query` (a dict or pair list)."""
    with tempfile.TemporaryDirectory() as profile:
        url = "file://" + PAGE + "?" + urllib.parse.urlencode(query)
        # As root Chromium refuses to start without --no-sandbox; its own
        # profile keeps it away from the user's and from other runs.
        done = subprocess.run(
            ["timeout", "60", CHROMIUM, "--headless=new", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
             "--virtual-time-budget=15000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90)
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout


def result_state(dom):
    found = re.search(r'<div id="result" data-state="(\w+)"', dom)
    return found.group(1) if found else None


class CheckPageTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(CHROMIUM):
            self.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                      "(deploy/setup.sh test does)")

    def test_page_is_self_contained(self):
        with open(PAGE) as f:
            text = f.read()
        self.assertNotRegex(text, r'<(script|img|link|iframe)[^>]+(src|href)=')
        self.assertNotIn("@import", text)
        self.assertNotIn("url(", text)
        # Server text goes in with textContent, never as markup.
        self.assertNotIn("innerHTML", text)
        self.assertNotIn("insertAdjacentHTML", text)

    def test_im_haloperidol_in_a_young_man_shows_a_high_acute_finding(self):
        with LoopbackServer(SOURCE_DIR, BINARY_DIR) as server:
            dom = page_dom([("server", server.base), ("med", "haloperidol"),
                            ("route", "intramuscular"), ("age", "19"),
                            ("sex", "male"), ("run", "1")])
        self.assertEqual(result_state(dom), "done", dom[-3000:])
        self.assertRegex(dom, r'id="level-acute">Acute dystonia: <span class="level level-HIGH">HIGH<')
        self.assertRegex(dom, r'<div class="finding" data-kind="ACUTE_DYSTONIA" data-level="HIGH">')
        self.assertIn("<h4>Recommendations</h4>", dom)
        self.assertIn("<h4>Citations</h4>", dom)
        self.assertIn("rule: acute-dystonia.haloperidol", dom)
        self.assertRegex(dom, r'<ul id="medications"><li>1\. haloperidol -&gt; ')

    def test_names_from_the_server_are_text_not_markup(self):
        # The server echoes an unrecognized name; the page must show it as text.
        with LoopbackServer(SOURCE_DIR, BINARY_DIR) as server:
            dom = page_dom([("server", server.base),
                            ("med", '<b id="injected">zz</b>'), ("age", "40"),
                            ("run", "1")])
        self.assertEqual(result_state(dom), "done", dom[-3000:])
        self.assertNotIn('<b id="injected">', dom)
        self.assertIn("&lt;b id=\"injected\"&gt;zz&lt;/b&gt; -&gt; NOT RECOGNIZED", dom)

    def test_a_refusal_shows_the_servers_error(self):
        # The server wants a token and the page has none: the 401 is shown.
        with LoopbackServer(SOURCE_DIR, BINARY_DIR, "page-test-token") as server:
            dom = page_dom([("server", server.base), ("med", "haloperidol"),
                            ("age", "19"), ("run", "1")])
        self.assertEqual(result_state(dom), "error", dom[-3000:])
        self.assertRegex(dom, r'<div id="error" role="alert">UNAUTHENTICATED \(401\)')

    def test_a_bad_request_names_the_field(self):
        with LoopbackServer(SOURCE_DIR, BINARY_DIR) as server:
            dom = page_dom([("server", server.base), ("med", "haloperidol"),
                            ("age", "-5"), ("run", "1")])
        self.assertEqual(result_state(dom), "error", dom[-3000:])
        self.assertRegex(dom, r'INVALID_ARGUMENT \(400\): [^<]*age')


if __name__ == "__main__":
    SOURCE_DIR, BINARY_DIR = sys.argv[1], sys.argv[2]
    PAGE = os.path.join(SOURCE_DIR, "drug_db", "site", "check.html")
    unittest.main(argv=sys.argv[:1], verbosity=2)
