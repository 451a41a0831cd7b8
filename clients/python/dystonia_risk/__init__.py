"""dystonia_risk: a small Python client for dystonia.v1.RiskService.

    from dystonia_risk import Client, level_name

    client = Client("127.0.0.1:50051")
    response = client.check(
        {"age_years": 19, "sex": "male"},
        [{"name": "haloperidol", "route": "intramuscular", "status": "proposed"}])
    print(level_name(response.acute_dystonia.level))  # "HIGH"

Needs Debian's python3-grpcio and python3-protobuf, and the stubs generated
from proto/ at build time (CMake target dystonia_python_stubs, written to
<build>/clients/python/generated): put that directory and clients/python on
PYTHONPATH. gRPC failures surface as grpc.RpcError; bad words in a patient or
medication dict raise ValueError before any call is made.
"""

import grpc

try:
    from dystonia.v1 import common_pb2
    from dystonia.v1 import risk_service_pb2
    from dystonia.v1 import risk_service_pb2_grpc
    from dystonia.v1 import vocabulary_pb2
except ImportError as error:  # pragma: no cover - depends on the build
    raise ImportError(
        "dystonia_risk needs the Python stubs generated from proto/: build "
        "the CMake target dystonia_python_stubs and put "
        "<build>/clients/python/generated on PYTHONPATH "
        "(" + str(error) + ")") from error

__all__ = [
    "Client",
    "DEFAULT_TARGET",
    "finding_citations",
    "level_name",
    "make_condition",
    "make_medication",
    "make_patient",
    "make_request",
    "make_pharmacogenomic_result",
    "common_pb2",
    "risk_service_pb2",
]

DEFAULT_TARGET = "127.0.0.1:50051"

_PATIENT_FIELDS = ("age_years", "sex", "prior_drug_induced_dystonia",
                   "conditions", "weight_kg", "pharmacogenomics")
_PHARMACOGENOMIC_FIELDS = ("gene", "phenotype")
_CONDITION_FIELDS = ("text", "system", "code")
_MEDICATION_FIELDS = ("name", "rxcui", "atc_code", "route", "daily_dose_mg",
                      "status", "days_on_therapy", "dose_increased_days_ago",
                      "ndc", "course")


def _words(value):
    """The words common.proto gives an enum value ("im" for intramuscular)."""
    return value.GetOptions().Extensions[vocabulary_pb2.words].split()


def _enum_value(enum_type, prefix, word, what):
    """Maps "male", "SEX_MALE", "Long-acting injectable", "im" or an int.

    The words are the API's vocabulary, read from the descriptors (the value
    names and the `words` options of common.proto), as the C++ clients read
    them. None and "" mean unspecified (0). Raises ValueError naming the
    accepted words for anything else.
    """
    if word is None or word == "":
        return 0
    if isinstance(word, bool):
        raise ValueError("%s must be a word, not %r" % (what, word))
    if isinstance(word, int):
        if word in enum_type.values():
            return word
        raise ValueError("unknown %s value %d" % (what, word))
    if not isinstance(word, str):
        raise ValueError("%s must be a word, not %r" % (what, word))
    key = word.strip().replace("-", "_").replace(" ", "_").upper()
    accepted = []
    for value in enum_type.DESCRIPTOR.values:
        if value.number == 0:
            continue
        short = value.name[len(prefix):]
        if key in (value.name, short) or key.lower() in _words(value):
            return value.number
        words = _words(value)
        accepted.append(short.lower() +
                        (" (%s)" % ", ".join(words) if words else ""))
    raise ValueError("unknown %s %r; expected one of: %s" %
                     (what, word, ", ".join(accepted)))


def _check_keys(values, allowed, what):
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError("unknown %s field(s) %s; expected: %s" %
                         (what, ", ".join(unknown), ", ".join(allowed)))


def make_condition(condition):
    """A risk_service_pb2.Condition from a text, a dict or a Condition.

    "Parkinson's disease", or {"system": "http://snomed.info/sct",
    "code": "49049000", "text": "Parkinson's disease"}.
    """
    if isinstance(condition, risk_service_pb2.Condition):
        return condition
    if isinstance(condition, str):
        return risk_service_pb2.Condition(text=condition)
    if not isinstance(condition, dict):
        raise ValueError("a condition must be a dict, a text or a "
                         "Condition, not %r" % type(condition).__name__)
    _check_keys(condition, _CONDITION_FIELDS, "condition")
    return risk_service_pb2.Condition(
        text=condition.get("text") or "",
        system=condition.get("system") or "",
        code=str(condition.get("code") or ""))


def make_pharmacogenomic_result(result):
    """A common_pb2.PharmacogenomicResult from "GENE=PHENOTYPE", a dict or a
    PharmacogenomicResult.

    "CYP2D6=poor", or {"gene": "CYP2D6", "phenotype": "poor"}; the gene is
    its HGNC symbol, the phenotype poor (pm), intermediate (im), normal (nm),
    rapid (rm), ultrarapid (um) or indeterminate.
    """
    if isinstance(result, common_pb2.PharmacogenomicResult):
        return result
    if isinstance(result, str):
        gene, equals, phenotype = result.partition("=")
        if not equals:
            raise ValueError("a pharmacogenomic result is GENE=PHENOTYPE "
                             "(e.g. CYP2D6=poor), not %r" % result)
        result = {"gene": gene, "phenotype": phenotype}
    if not isinstance(result, dict):
        raise ValueError("a pharmacogenomic result must be a dict, a "
                         "GENE=PHENOTYPE text or a PharmacogenomicResult, "
                         "not %r" % type(result).__name__)
    _check_keys(result, _PHARMACOGENOMIC_FIELDS, "pharmacogenomic result")
    return common_pb2.PharmacogenomicResult(
        gene=(result.get("gene") or "").strip().upper(),
        phenotype=_enum_value(common_pb2.PharmacogenomicResult.Phenotype, "",
                              result.get("phenotype"), "phenotype"))


def make_patient(patient):
    """A risk_service_pb2.Patient from a dict (or a Patient, returned as is).

    {"age_years": 19, "sex": "male", "prior_drug_induced_dystonia": False,
     "conditions": ["Parkinson's disease"], "weight_kg": 70,
     "pharmacogenomics": ["CYP2D6=poor"]};
    sex is female, male, other or unknown; conditions as make_condition
    takes them, pharmacogenomics as make_pharmacogenomic_result.
    """
    if isinstance(patient, risk_service_pb2.Patient):
        return patient
    if patient is None:
        return risk_service_pb2.Patient()
    if not isinstance(patient, dict):
        raise ValueError("patient must be a dict or a Patient, not %r" %
                         type(patient).__name__)
    _check_keys(patient, _PATIENT_FIELDS, "patient")
    message = risk_service_pb2.Patient(
        sex=_enum_value(common_pb2.Sex, "SEX_", patient.get("sex"), "sex"),
        prior_drug_induced_dystonia=bool(
            patient.get("prior_drug_induced_dystonia", False)))
    age = patient.get("age_years")
    if age is not None:
        message.age_years = float(age)
    conditions = patient.get("conditions") or []
    if isinstance(conditions, (str, dict)):
        raise ValueError("conditions must be a list")
    message.conditions.extend(make_condition(c) for c in conditions)
    weight = patient.get("weight_kg")
    if weight is not None:
        message.weight_kg = float(weight)
    results = patient.get("pharmacogenomics") or []
    if isinstance(results, (str, dict)):
        raise ValueError("pharmacogenomics must be a list")
    message.pharmacogenomics.extend(
        make_pharmacogenomic_result(r) for r in results)
    return message


def make_medication(medication):
    """A risk_service_pb2.Medication from a dict, a name, or a Medication.

    {"name": "haloperidol", "route": "intramuscular", "status": "proposed",
     "days_on_therapy": 0, "daily_dose_mg": 5, "rxcui": "", "atc_code": "",
     "dose_increased_days_ago": 0}. route is oral, intramuscular (im),
    intravenous (iv), long_acting_injectable (lai), rectal, transdermal,
    sublingual or other; status is proposed or active.
    """
    if isinstance(medication, risk_service_pb2.Medication):
        return medication
    if isinstance(medication, str):
        return risk_service_pb2.Medication(name=medication)
    if not isinstance(medication, dict):
        raise ValueError("a medication must be a dict, a name or a "
                         "Medication, not %r" % type(medication).__name__)
    _check_keys(medication, _MEDICATION_FIELDS, "medication")
    return risk_service_pb2.Medication(
        name=medication.get("name") or "",
        rxcui=str(medication.get("rxcui") or ""),
        atc_code=medication.get("atc_code") or "",
        route=_enum_value(common_pb2.Route, "ROUTE_", medication.get("route"),
                          "route"),
        daily_dose_mg=float(medication.get("daily_dose_mg") or 0),
        status=_enum_value(common_pb2.MedicationStatus, "MEDICATION_STATUS_",
                           medication.get("status"), "status"),
        days_on_therapy=int(medication.get("days_on_therapy") or 0),
        dose_increased_days_ago=int(
            medication.get("dose_increased_days_ago") or 0),
        ndc=str(medication.get("ndc") or ""),
        course=_enum_value(common_pb2.Course, "COURSE_",
                           medication.get("course"), "course"))


def make_request(patient, medications, request_id="", view=None):
    """The CheckRequest Client.check sends; view is None, "full", "compact"
    or "basic"."""
    if isinstance(medications, (str, dict)):
        raise ValueError("medications must be a list")
    return risk_service_pb2.CheckRequest(
        request_id=request_id or "",
        patient=make_patient(patient),
        medications=[make_medication(m) for m in medications],
        view=_enum_value(risk_service_pb2.CheckView, "CHECK_VIEW_", view,
                         "view"))


def finding_citations(response, finding):
    """The Citations a finding rests on, in any view: inline in the finding
    (FULL) or named by id with each source once in the response (COMPACT).
    """
    by_id = {citation.id: citation for citation in response.citations}
    return list(finding.citations) + [
        by_id[cited] for cited in finding.citation_ids if cited in by_id]


def level_name(level):
    """RISK_LEVEL_HIGH (4) -> "HIGH"."""
    return common_pb2.RiskLevel.Name(level)[len("RISK_LEVEL_"):]


class Client:
    """A connection to a dystonia-server.

    target: "host:port". credentials: grpc.ssl_channel_credentials(...) for
    TLS (with a client certificate for mutual TLS); plaintext when None.
    token: the bearer token, sent with every call as "authorization: Bearer
    TOKEN" metadata (None: no token). timeout: seconds per call (None: no
    deadline). Usable as a context manager; close() releases the channel.
    """

    def __init__(self, target=DEFAULT_TARGET, credentials=None, timeout=30.0,
                 options=None, token=None):
        self.target = target
        self.timeout = timeout
        if token is not None and (not isinstance(token, str) or
                                  not token.strip()):
            raise ValueError("token must be a non-empty string or None")
        self._metadata = (("authorization", "Bearer " + token.strip()),
                          ) if token is not None else None
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=options)
        else:
            self._channel = grpc.secure_channel(target, credentials,
                                                options=options)
        self._stub = risk_service_pb2_grpc.RiskServiceStub(self._channel)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def check(self, patient, medications, request_id="", view=None,
              timeout=None):
        """Check one patient's medication list; returns the CheckResponse.

        patient: a dict ({"age_years": 19, "sex": "male"}) or a Patient.
        medications: a list of dicts, names or Medication messages.
        view: None or "full" (everything), "compact" (everything, each
        source once in response.citations: read a finding's sources with
        finding_citations), or "basic" (levels and findings without the
        explanatory text and citations).
        """
        request = make_request(patient, medications, request_id, view)
        return self._stub.Check(request, timeout=self._timeout(timeout),
            metadata=self._metadata)

    def get_drug(self, query, timeout=None):
        """One drug's DrugProfile by name, brand, RxCUI or ATC code.

        Raises grpc.RpcError with code NOT_FOUND when nothing matches.
        """
        return self._stub.GetDrug(risk_service_pb2.GetDrugRequest(query=query),
                                  timeout=self._timeout(timeout),
            metadata=self._metadata)

    def search_drugs(self, query, limit=0, timeout=None):
        """Prefix and near-miss matches (SearchDrugsResponse)."""
        return self._stub.SearchDrugs(
            risk_service_pb2.SearchDrugsRequest(query=query, limit=limit),
            timeout=self._timeout(timeout),
            metadata=self._metadata)

    def knowledge_base_info(self, timeout=None):
        """Version, counts and sources of the serving knowledge base."""
        return self._stub.GetKnowledgeBaseInfo(
            risk_service_pb2.GetKnowledgeBaseInfoRequest(),
            timeout=self._timeout(timeout),
            metadata=self._metadata)

    def _timeout(self, timeout):
        return self.timeout if timeout is None else timeout
