"""A real dystonia-server for the Python tests of tests/server."""

import hashlib
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


class LoopbackServer:
    """dystonia-server on loopback ports it picks, with the bundled knowledge;
    with `reader_token`, that token (role reader) and `other_tokens`
    ({token: role}) are the only ones it takes."""

    def __init__(self, source_dir, binary_dir, reader_token=None,
                 other_tokens=None):
        self.source_dir = source_dir
        self.binary_dir = binary_dir
        self.reader_token = reader_token
        self.other_tokens = other_tokens or {}

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory()
        command = [
            os.path.join(self.binary_dir, "service/server/dystonia-server"),
            "--listen", "127.0.0.1:0", "--http_listen", "127.0.0.1:0",
            "--db_path", os.path.join(self.dir.name, "db"),
            "--knowledge_dir", os.path.join(self.source_dir, "drug_db/knowledge")]
        if self.reader_token:
            tokens = os.path.join(self.dir.name, "tokens")
            roles = dict(self.other_tokens, **{self.reader_token: "reader"})
            with open(tokens, "w") as f:
                for number, (token, role) in enumerate(roles.items()):
                    digest = hashlib.sha256(token.encode()).hexdigest()
                    f.write(f"test-{number} {role} {digest}\n")
            os.chmod(tokens, 0o600)  # the server refuses a readable one
            command += ["--tokens_file", tokens]
        self.log = open(os.path.join(self.dir.name, "log"), "w+")
        self.process = subprocess.Popen(command, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.log.seek(0)
            found = re.search(r"on http port (\d+)", self.log.read())
            if found:
                self.base = f"http://127.0.0.1:{found.group(1)}"
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.log.seek(0)
        self.__exit__(None, None, None)
        raise RuntimeError("dystonia-server did not start: " + self.log.read())

    def __exit__(self, *unused):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        self.dir.cleanup()

    def claim_oversized_body(self, path, token=""):
        """(status, body bytes) of a POST whose Content-Length claims 64 MiB
        and whose body is never sent: the server must refuse on the head."""
        host, port = self.base[len("http://"):].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.putrequest("POST", path)
            connection.putheader("Content-Length", str(64 << 20))
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Authorization",
                                 f"Bearer {token or self.reader_token}")
            connection.endheaders()
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def call(self, method, path, body=None, token=""):
        """(status, headers, body bytes); `token` "" means the reader token."""
        if token == "":
            token = self.reader_token
        data = None if body is None else (
            body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data,
                                         method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
