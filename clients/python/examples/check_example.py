#!/usr/bin/python3
"""Checks a 19-year-old man given intramuscular haloperidol.

    /usr/bin/python3 check_example.py [HOST:PORT]

Run it with Debian's /usr/bin/python3: the grpc and protobuf modules are
Debian's python3-grpcio and python3-protobuf, installed for that interpreter
only (another python3 first on PATH, e.g. pyenv's, does not have them).
PYTHONPATH needs clients/python and the generated stubs
(build/clients/python/generated).

The server address is argv[1], else $DYSTONIA_SERVER, else 127.0.0.1:50051.
Prints both levels and the findings. Exit status:
  0  checked: acute dystonia is HIGH, as expected for this patient
  1  checked, but acute dystonia is not HIGH
  2  the call failed (server unreachable, refused, or an error answer)
  3  could not run here (a module missing: wrong interpreter or PYTHONPATH;
     or bad arguments)
"""

import os
import sys

EXIT_HIGH = 0
EXIT_NOT_HIGH = 1
EXIT_CALL_FAILED = 2
EXIT_CANNOT_RUN = 3

try:
    import grpc

    from dystonia_risk import DEFAULT_TARGET, Client, level_name
except ImportError as missing:
    print("check_example: cannot import %s with %s: run it with Debian's "
          "/usr/bin/python3 (packages python3-grpcio, python3-protobuf) and "
          "PYTHONPATH=clients/python:build/clients/python/generated"
          % (missing.name or missing, sys.executable), file=sys.stderr)
    sys.exit(EXIT_CANNOT_RUN)


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return EXIT_CANNOT_RUN
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
            return EXIT_CALL_FAILED

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
        return EXIT_NOT_HIGH
    return EXIT_HIGH


if __name__ == "__main__":
    sys.exit(main(sys.argv))
