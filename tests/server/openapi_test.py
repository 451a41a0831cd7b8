#!/usr/bin/python3
"""proto/openapi.yaml against the real server: every documented operation is
called on a dystonia-server on 127.0.0.1 (success and each documented error)
and each answer's status and body are checked against the document.

Usage: openapi_test.py SOURCE_DIR BINARY_DIR
Needs Debian's python3-yaml. The schema checker below covers the subset of
OpenAPI 3.0 schemas the document uses ($ref, type, required, properties,
additionalProperties, items, enum, pattern, minimum/maximum); a keyword it
does not know fails the test rather than passing unchecked.
"""

import json
import os
import re
import sys
import unittest

import yaml

from loopback_server import LoopbackServer

SOURCE_DIR = None
BINARY_DIR = None
READER_TOKEN = "openapi-test-reader-token"
METRICS_TOKEN = "openapi-test-metrics-token"
ADMIN_TOKEN = "openapi-test-admin-token"

KNOWN_KEYWORDS = {
    "$ref", "type", "required", "properties", "additionalProperties", "items",
    "enum", "pattern", "minimum", "maximum", "description", "format", "oneOf",
}


class SchemaError(Exception):
    pass


class SchemaChecker:
    def __init__(self, document):
        self.document = document

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise SchemaError(f"unsupported $ref {ref}")
        node = self.document
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def check(self, schema, value, where="$"):
        unknown = set(schema) - KNOWN_KEYWORDS
        if unknown:
            raise SchemaError(f"{where}: schema keywords not checked: {unknown}")
        if "$ref" in schema:
            return self.check(self.resolve(schema["$ref"]), value, where)
        if "oneOf" in schema:
            matched = 0
            for choice in schema["oneOf"]:
                try:
                    self.check(choice, value, where)
                    matched += 1
                except SchemaError:
                    pass
            if matched != 1:
                raise SchemaError(f"{where}: matches {matched} of oneOf")
            return None
        kind = schema.get("type")
        if kind == "object":
            if not isinstance(value, dict):
                raise SchemaError(f"{where}: expected an object, got {value!r}")
            for name in schema.get("required", []):
                if name not in value:
                    raise SchemaError(f"{where}: required field {name} missing")
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties", True)
            for name, item in value.items():
                if name in properties:
                    self.check(properties[name], item, f"{where}.{name}")
                elif extra is False:
                    raise SchemaError(f"{where}: field {name} not documented")
                elif isinstance(extra, dict):
                    self.check(extra, item, f"{where}.{name}")
        elif kind == "array":
            if not isinstance(value, list):
                raise SchemaError(f"{where}: expected an array, got {value!r}")
            for i, item in enumerate(value):
                self.check(schema.get("items", {}), item, f"{where}[{i}]")
        elif kind == "string":
            if not isinstance(value, str):
                raise SchemaError(f"{where}: expected a string, got {value!r}")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                raise SchemaError(f"{where}: {value!r} does not match {schema['pattern']}")
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise SchemaError(f"{where}: expected an integer, got {value!r}")
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SchemaError(f"{where}: expected a number, got {value!r}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise SchemaError(f"{where}: expected a boolean, got {value!r}")
        elif kind is not None:
            raise SchemaError(f"{where}: unsupported type {kind}")
        if "enum" in schema and value not in schema["enum"]:
            raise SchemaError(f"{where}: {value!r} not in {schema['enum']}")
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaError(f"{where}: {value} below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaError(f"{where}: {value} above {schema['maximum']}")


def load_document():
    with open(os.path.join(SOURCE_DIR, "proto", "openapi.yaml")) as f:
        return yaml.safe_load(f)


HALOPERIDOL_IM = {
    "medications": [{"name": "haloperidol", "route": "ROUTE_INTRAMUSCULAR"}],
    "patient": {"ageYears": 19, "sex": "SEX_MALE"},
}

# (operation path, method, request path, body, expected status, token: ""
# the reader token, None none)
CASES = [
    ("/v1/check", "post", "/v1/check", HALOPERIDOL_IM, 200, ""),
    ("/v1/check", "post", "/v1/check", {"medications": []}, 400, ""),
    ("/v1/check", "post", "/v1/check", {"medicationz": []}, 400, ""),
    ("/v1/check", "post", "/v1/check", b"[" * 10000, 400, ""),
    ("/v1/check", "post", "/v1/check", HALOPERIDOL_IM, 401, None),
    ("/v1/check", "post", "/v1/check", HALOPERIDOL_IM, 401, "not-a-token"),
    ("/v1/check", "post", "/v1/check", HALOPERIDOL_IM, 403, METRICS_TOKEN),
    ("/v1/check", "post", "/v1/check", HALOPERIDOL_IM, 200, ADMIN_TOKEN),
    ("/v1/check", "post", "/v1/check", None, 405, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/haloperidol", None, 200, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/Haldol%20", None, 200, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/no-such-drug-zz", None, 404, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/%zz", None, 400, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/", None, 400, ""),
    ("/v1/drugs/{query}", "get", "/v1/drugs/haloperidol", None, 401, None),
    ("/v1/drugs/{query}", "get", "/v1/drugs/haloperidol", None, 403, METRICS_TOKEN),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=halo&limit=3", None, 200, ""),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=hal%6Fperidol", None, 200, ""),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=halo&limit=many", None, 400, ""),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=halo&limit=101", None, 400, ""),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=halo", None, 401, None),
    ("/v1/drugs:search", "get", "/v1/drugs:search?q=halo", None, 403, METRICS_TOKEN),
    ("/v1/knowledge-base", "get", "/v1/knowledge-base", None, 200, ""),
    ("/v1/knowledge-base", "get", "/v1/knowledge-base", None, 401, None),
    ("/v1/knowledge-base", "get", "/v1/knowledge-base", None, 403, METRICS_TOKEN),
]


def response_schema(document, operation_path, method, status):
    operation = document["paths"][operation_path][method]
    response = operation["responses"].get(str(status))
    if response is None:
        raise SchemaError(f"{method.upper()} {operation_path}: {status} not documented")
    if "$ref" in response:
        response = SchemaChecker(document).resolve(response["$ref"])
    return response["content"]["application/json"]["schema"]


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.document = load_document()
        cls.checker = SchemaChecker(cls.document)
        cls.server = LoopbackServer(
            SOURCE_DIR, BINARY_DIR, READER_TOKEN,
            {METRICS_TOKEN: "metrics", ADMIN_TOKEN: "admin"}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_every_operation_is_exercised(self):
        documented = {(path, method)
                      for path, operations in self.document["paths"].items()
                      for method in operations}
        called = {(case[0], case[1]) for case in CASES}
        self.assertEqual(documented, called)

    def test_answers_match_the_document(self):
        for operation_path, method, path, body, status, token in CASES:
            with self.subTest(path=path, status=status, token=bool(token)):
                call_method = method.upper()
                if status == 405:
                    call_method = "GET" if method == "post" else "POST"
                got, headers, raw = self.server.call(call_method, path, body,
                                                      token)
                self.assertEqual(got, status, raw[:300])
                self.assertEqual(headers.get("Access-Control-Allow-Origin"), "*")
                answer = json.loads(raw)
                self.checker.check(
                    response_schema(self.document, operation_path, method, status),
                    answer)
                if status >= 400:
                    self.assertEqual(answer["error"]["code"], status)

    def test_an_oversized_body_is_refused_as_documented(self):
        status, raw = self.server.claim_oversized_body("/v1/check")
        self.assertEqual(status, 413)
        self.checker.check(
            response_schema(self.document, "/v1/check", "post", 413),
            json.loads(raw))

    def test_errors_name_the_field(self):
        _, _, raw = self.server.call("GET", "/v1/drugs:search?q=a&limit=x")
        self.assertIn("limit", json.loads(raw)["error"]["message"])
        _, _, raw = self.server.call("POST", "/v1/check", {"medicationz": []})
        self.assertIn("medicationz", json.loads(raw)["error"]["message"])
        _, _, raw = self.server.call(
            "POST", "/v1/check",
            {"medications": [{"name": ""}], "patient": {"ageYears": 30}})
        error = json.loads(raw)["error"]
        self.assertEqual(error["status"], "INVALID_ARGUMENT")
        self.assertIn("medications[0]", error["message"])

    def test_high_acute_finding_for_im_haloperidol(self):
        _, _, raw = self.server.call("POST", "/v1/check", HALOPERIDOL_IM)
        answer = json.loads(raw)
        self.assertEqual(answer["acuteDystonia"]["level"], "RISK_LEVEL_HIGH")
        self.assertTrue(any(f["kind"] == "ACUTE_DYSTONIA" and
                            f["level"] == "RISK_LEVEL_HIGH"
                            for f in answer["findings"]))

    def test_preflight_needs_no_token(self):
        got, headers, _ = self.server.call("OPTIONS", "/v1/check", token=None)
        self.assertEqual(got, 204)
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), "*")
        self.assertIn("Authorization",
                      headers.get("Access-Control-Allow-Headers", ""))

    def test_drift_from_the_document_fails(self):
        # The checker must catch an answer that lost a required field, gained
        # an undocumented one, or changed an enum or int64 encoding.
        _, _, raw = self.server.call("GET", "/v1/knowledge-base")
        good = json.loads(raw)
        schema = response_schema(self.document, "/v1/knowledge-base", "get", 200)
        self.checker.check(schema, good)
        for drifted in (
                {k: v for k, v in good.items() if k != "version"},
                dict(good, undocumentedField=1),
                dict(good, importedAtUnixSeconds=int(good["importedAtUnixSeconds"]))):
            with self.assertRaises(SchemaError):
                self.checker.check(schema, drifted)
        _, _, raw = self.server.call("POST", "/v1/check", HALOPERIDOL_IM)
        check = json.loads(raw)
        check["findings"][0]["level"] = 4
        with self.assertRaises(SchemaError):
            self.checker.check(
                response_schema(self.document, "/v1/check", "post", 200), check)


if __name__ == "__main__":
    SOURCE_DIR, BINARY_DIR = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
