#!/usr/bin/env python3
"""dystonia_risk against a server with mutual TLS and bearer tokens on.

ctest runs this through `tests/clients/with_server.sh --secure`, which sets
DYSTONIA_SERVER, DYSTONIA_TLS_CA, DYSTONIA_TLS_CERT, DYSTONIA_TLS_KEY and
DYSTONIA_TOKEN.
"""

import os
import unittest

import grpc

from dystonia_risk import Client, common_pb2

YOUNG_MAN = {"age_years": 19, "sex": "male"}
IM_HALOPERIDOL = {"name": "haloperidol", "route": "intramuscular"}


def _read(variable):
    with open(os.environ[variable], "rb") as f:
        return f.read()


def _credentials():
    return grpc.ssl_channel_credentials(
        root_certificates=_read("DYSTONIA_TLS_CA"),
        private_key=_read("DYSTONIA_TLS_KEY"),
        certificate_chain=_read("DYSTONIA_TLS_CERT"))


class SecuredClientTest(unittest.TestCase):

    def check_with(self, token):
        with Client(os.environ["DYSTONIA_SERVER"], credentials=_credentials(),
                    timeout=20, token=token) as client:
            return client.check(YOUNG_MAN, [IM_HALOPERIDOL])

    def test_token_and_client_certificate_are_answered(self):
        response = self.check_with(os.environ["DYSTONIA_TOKEN"])

        self.assertEqual(response.acute_dystonia.level,
                         common_pb2.RISK_LEVEL_HIGH)

    def test_without_token_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.check_with(None)

        self.assertEqual(raised.exception.code(),
                         grpc.StatusCode.UNAUTHENTICATED)

    def test_wrong_token_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.check_with("not-the-token")

        self.assertEqual(raised.exception.code(),
                         grpc.StatusCode.UNAUTHENTICATED)

    def test_empty_token_is_value_error(self):
        with self.assertRaises(ValueError):
            Client(os.environ["DYSTONIA_SERVER"], token=" ")


if __name__ == "__main__":
    unittest.main()
