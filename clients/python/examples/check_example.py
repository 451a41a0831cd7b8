#!/usr/bin/env python3
"""Checks a 19-year-old man given intramuscular haloperidol.

    python3 check_example.py [HOST:PORT]

The server address is argv[1], else $DYSTONIA_SERVER, else 127.0.0.1:50051.
Prints both levels and the findings; exits 1 unless the acute dystonia level
is HIGH, 2 when the call fails.
"""

import os
import sys

import grpc

from dystonia_risk import DEFAULT_TARGET, Client, level_name


def main(argv):
    target = (argv[1] if len(argv) > 1
              else os.environ.get("DYSTONIA_SERVER") or DEFAULT_TARGET)
    patient = {"age_years": 19, "sex": "male"}
    medications = [{
        "name": "haloperidol",
        "route": "intramuscular",
        "status": "proposed",
        "days_on_therapy": 0,
        "daily_dose_mg": 5,
        "rxcui": "",
        "atc_code": "",
    }]
    with Client(target) as client:
        try:
            response = client.check(patient, medications,
                                    request_id="example-1")
        except grpc.RpcError as error:
            print("check_example: %s: %s: %s" % (target, error.code().name,
                                                 error.details()),
                  file=sys.stderr)
            return 2

    acute = level_name(response.acute_dystonia.level)
    print("knowledge base %s" % response.knowledge_base_version)
    print("acute dystonia:     %s" % acute)
    for factor in response.acute_dystonia.factors:
        print("  - %s" % factor)
    print("tardive dyskinesia: %s" % level_name(
        response.tardive_dyskinesia.level))
    for factor in response.tardive_dyskinesia.factors:
        print("  - %s" % factor)
    print("findings:")
    for finding in response.findings:
        print("  [%s] %s: %s" % (level_name(finding.level), finding.id,
                                 finding.summary))
    for unrecognized in response.unrecognized:
        print("  unrecognized: %s (did you mean %s?)" % (
            unrecognized.name, ", ".join(unrecognized.suggestions) or "-"))

    if acute != "HIGH":
        print("check_example: expected acute dystonia HIGH, got %s" % acute,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
