#include "tests/testing/test_pki.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia::testing {

const Pki& TestPki() {
  static const Pki* pki = [] {
    auto* made = new Pki();
    made->dir = NewTempDir("pki");
    const std::string d = made->dir;
    const std::string script = absl::StrCat(
        "set -e; cd ", d, "; ",
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=dystonia "
        "test CA' "
        "-keyout ca.key -out ca.pem 2>/dev/null; ",
        "openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' "
        "-keyout server.key -out server.csr 2>/dev/null; ",
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext; ",
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -days 2 "
        "-extfile server.ext -out server.pem 2>/dev/null; ",
        "openssl req -newkey rsa:2048 -nodes -subj '/CN=pharmacy-app' "
        "-keyout client.key -out client.csr 2>/dev/null; ",
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -days 2 "
        "-out client.pem 2>/dev/null; ",
        // The server refuses keys others may read.
        "chmod 600 *.key");
    EXPECT_EQ(std::system(absl::StrCat("bash -c \"", script, "\"").c_str()), 0)
        << "openssl (Debian package openssl) is needed to make test "
           "certificates";
    made->ca_cert = d + "/ca.pem";
    made->server_cert = d + "/server.pem";
    made->server_key = d + "/server.key";
    made->client_cert = d + "/client.pem";
    made->client_key = d + "/client.key";
    return made;
  }();
  return *pki;
}

}  // namespace dystonia::testing
