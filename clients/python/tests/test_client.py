#!/usr/bin/env python3
"""dystonia_risk against a live dystonia-server at $DYSTONIA_SERVER.

ctest runs this through tests/clients/with_server.sh, which starts a server on
a free port and sets DYSTONIA_SERVER.
"""

import os
import sys
import unittest

import grpc

from dystonia_risk import (Client, DEFAULT_TARGET, common_pb2,
                           finding_citations, level_name, make_request,
                           risk_service_pb2)

TARGET = os.environ.get("DYSTONIA_SERVER") or DEFAULT_TARGET
YOUNG_MAN = {"age_years": 19, "sex": "male"}
IM_HALOPERIDOL = {"name": "haloperidol", "route": "intramuscular",
                  "status": "proposed", "days_on_therapy": 0,
                  "daily_dose_mg": 5, "rxcui": "", "atc_code": ""}


class ClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.client = Client(TARGET, timeout=20)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_im_haloperidol_in_a_young_man_is_high_acute(self):
        response = self.client.check(YOUNG_MAN, [IM_HALOPERIDOL],
                                     request_id="py-1")
        self.assertEqual(response.request_id, "py-1")
        self.assertEqual(response.acute_dystonia.level,
                         common_pb2.RISK_LEVEL_HIGH)
        self.assertEqual(level_name(response.acute_dystonia.level), "HIGH")
        self.assertFalse(response.HasField("error"))
        self.assertEqual(len(response.assessed), 1)
        self.assertEqual(response.assessed[0].drug_id, "haloperidol")
        self.assertEqual(response.assessed[0].route,
                         common_pb2.ROUTE_INTRAMUSCULAR)
        acute = [f for f in response.findings
                 if f.kind == risk_service_pb2.Finding.ACUTE_DYSTONIA]
        self.assertTrue(acute, response)
        self.assertEqual(acute[0].level, common_pb2.RISK_LEVEL_HIGH)
        self.assertIn("haloperidol", acute[0].drug_ids)
        self.assertEqual(list(acute[0].medication_indexes), [0])
        self.assertTrue(acute[0].citations)  # FULL view by default
        self.assertTrue(response.knowledge_base_version)

    def test_contraindication_by_condition_comes_first(self):
        patient = {"age_years": 72, "sex": "male", "weight_kg": 70,
                   "conditions": [
                       {"system": "http://snomed.info/sct",
                        "code": "49049000"},
                       "gout"]}
        response = self.client.check(patient, ["metoclopramide"])
        self.assertTrue(response.contraindicated)
        self.assertTrue(response.findings[0].contraindicated)
        self.assertEqual(response.findings[0].kind,
                         risk_service_pb2.Finding.DRUG_CONDITION)
        self.assertEqual(
            [c.condition_id for c in response.assessed_conditions],
            ["parkinsons-disease"])
        self.assertEqual(
            [c.text for c in response.unrecognized_conditions], ["gout"])

    def test_basic_view_drops_citations(self):
        response = self.client.check(YOUNG_MAN, [IM_HALOPERIDOL],
                                     view="basic")
        self.assertEqual(response.acute_dystonia.level,
                         common_pb2.RISK_LEVEL_HIGH)
        self.assertTrue(response.findings)
        for finding in response.findings:
            self.assertFalse(finding.citations)

    def test_compact_view_cites_each_source_once(self):
        medications = [IM_HALOPERIDOL, "metoclopramide 10 mg",
                       "paroxetine 20 mg"]
        full = self.client.check(YOUNG_MAN, medications, view="full")
        compact = self.client.check(YOUNG_MAN, medications, view="compact")
        self.assertEqual(len(compact.findings), len(full.findings))
        carried = [citation.id for citation in compact.citations]
        self.assertEqual(len(carried), len(set(carried)))
        for full_finding, compact_finding in zip(full.findings,
                                                 compact.findings):
            self.assertFalse(compact_finding.citations)
            self.assertEqual(
                [c.id for c in finding_citations(compact, compact_finding)],
                [c.id for c in finding_citations(full, full_finding)])
        self.assertLess(compact.ByteSize(), full.ByteSize())

    def test_protobuf_messages_are_accepted(self):
        patient = risk_service_pb2.Patient(age_years=19,
                                           sex=common_pb2.SEX_MALE)
        medication = risk_service_pb2.Medication(
            name="haloperidol", route=common_pb2.ROUTE_INTRAMUSCULAR,
            status=common_pb2.MEDICATION_STATUS_PROPOSED)
        response = self.client.check(patient, [medication])
        self.assertEqual(response.acute_dystonia.level,
                         common_pb2.RISK_LEVEL_HIGH)

    def test_unrecognized_name_comes_back(self):
        response = self.client.check(
            YOUNG_MAN, [IM_HALOPERIDOL, {"name": "zzqxnotadrug"}])
        self.assertEqual(len(response.unrecognized), 1, response.unrecognized)
        self.assertEqual(response.unrecognized[0].name, "zzqxnotadrug")
        self.assertEqual(response.unrecognized[0].medication_index, 1)
        self.assertEqual([a.medication_index for a in response.assessed], [0])

    def test_bad_words_raise_value_error_before_any_call(self):
        with self.assertRaisesRegex(ValueError, "sex"):
            self.client.check({"age_years": 19, "sex": "mail"},
                              [IM_HALOPERIDOL])
        with self.assertRaisesRegex(ValueError, "route"):
            self.client.check(YOUNG_MAN, [{"name": "haloperidol",
                                           "route": "intramuscle"}])
        with self.assertRaisesRegex(ValueError, "status"):
            self.client.check(YOUNG_MAN, [{"name": "haloperidol",
                                           "status": "planned"}])
        with self.assertRaisesRegex(ValueError, "dose_mg"):
            self.client.check(YOUNG_MAN, [{"name": "haloperidol",
                                           "dose_mg": 5}])

    def test_words_map_to_enums(self):
        request = make_request(
            {"age_years": 0.5, "sex": "FEMALE"},
            [{"name": "x", "route": "long-acting injectable",
              "status": "active"},
             {"name": "y", "route": "IM"},
             {"name": "z", "route": "ROUTE_ORAL"}],
            view="basic")
        self.assertEqual(request.patient.sex, common_pb2.SEX_FEMALE)
        self.assertTrue(request.patient.HasField("age_years"))
        self.assertEqual([m.route for m in request.medications],
                         [common_pb2.ROUTE_LONG_ACTING_INJECTABLE,
                          common_pb2.ROUTE_INTRAMUSCULAR,
                          common_pb2.ROUTE_ORAL])
        self.assertEqual(request.medications[0].status,
                         common_pb2.MEDICATION_STATUS_ACTIVE)
        self.assertEqual(request.view, risk_service_pb2.CHECK_VIEW_BASIC)
        self.assertFalse(make_request({}, []).patient.HasField("age_years"))

    def test_the_vocabulary_is_common_protos(self):
        # The words the C++ clients read from common.proto's `words`
        # options, here too: "u", "depot", "pr", "new".
        request = make_request(
            {"age_years": 40, "sex": "u"},
            [{"name": "x", "route": "depot", "status": "new"},
             {"name": "y", "route": "pr"}])
        self.assertEqual(request.patient.sex, common_pb2.SEX_UNKNOWN)
        self.assertEqual([m.route for m in request.medications],
                         [common_pb2.ROUTE_LONG_ACTING_INJECTABLE,
                          common_pb2.ROUTE_RECTAL])
        self.assertEqual(request.medications[0].status,
                         common_pb2.MEDICATION_STATUS_PROPOSED)
        with self.assertRaisesRegex(ValueError, r"intramuscular \(im\)"):
            make_request({}, [{"name": "x", "route": "nasal"}])

    def test_a_poor_metabolizers_contraindication_comes_first(self):
        patient = {"age_years": 45, "sex": "female",
                   "pharmacogenomics": ["CYP2D6=poor",
                                        {"gene": "tpmt", "phenotype": "pm"}]}
        response = self.client.check(patient, ["thioridazine"])
        self.assertTrue(response.contraindicated)
        self.assertEqual(response.findings[0].kind,
                         risk_service_pb2.Finding.DRUG_PHENOTYPE)
        self.assertEqual(list(response.findings[0].pharmacogenomic_indexes),
                         [0])
        self.assertEqual(
            [r.gene for r in response.assessed_pharmacogenomics], ["CYP2D6"])
        self.assertEqual(
            [r.gene for r in response.unrecognized_pharmacogenomics],
            ["TPMT"])

    def test_pharmacogenomics_and_course_words_map_to_enums(self):
        request = make_request(
            {"age_years": 40, "pharmacogenomics": ["cyp2c19=um"]},
            [{"name": "haloperidol", "course": "single", "ndc": "1234"}])
        self.assertEqual(request.patient.pharmacogenomics[0].gene, "CYP2C19")
        self.assertEqual(request.patient.pharmacogenomics[0].phenotype,
                         common_pb2.PharmacogenomicResult.ULTRARAPID)
        self.assertEqual(request.medications[0].course,
                         common_pb2.COURSE_SINGLE_DOSE)
        self.assertEqual(request.medications[0].ndc, "1234")
        with self.assertRaisesRegex(ValueError, "GENE=PHENOTYPE"):
            make_request({"pharmacogenomics": ["CYP2D6"]}, [])
        with self.assertRaisesRegex(ValueError, r"poor \(pm\)"):
            make_request({"pharmacogenomics": ["CYP2D6=slow"]}, [])

    def test_invalid_request_is_an_rpc_error(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.client.check({"sex": "male"}, [IM_HALOPERIDOL])  # no age
        self.assertEqual(raised.exception.code(),
                         grpc.StatusCode.INVALID_ARGUMENT)

    def test_get_drug_by_brand(self):
        profile = self.client.get_drug("Haldol")
        self.assertEqual(profile.drug_id, "haloperidol")
        self.assertEqual(profile.name, "haloperidol")
        self.assertEqual(profile.match_kind,
                         risk_service_pb2.AssessedMedication.BRAND)

    def test_get_drug_not_found(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.client.get_drug("zzqxnotadrug")
        self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_knowledge_base_info(self):
        info = self.client.knowledge_base_info()
        self.assertTrue(info.version)
        self.assertGreater(info.drug_count, 0)
        self.assertGreater(info.citation_count, 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
