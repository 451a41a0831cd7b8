#ifndef DYSTONIA_TESTS_TESTING_TEST_PKI_H_
#define DYSTONIA_TESTS_TESTING_TEST_PKI_H_

#include <string>

namespace dystonia::testing {

// PEM files in a temp dir: a CA, a server certificate it signed for
// 127.0.0.1 and localhost with its key, and a client certificate with its
// key.
struct Pki {
  std::string dir;
  std::string ca_cert, server_cert, server_key, client_cert, client_key;
};

// Made once per test binary with the openssl command (Debian package
// openssl); a failure to make them fails the calling test.
const Pki& TestPki();

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_TEST_PKI_H_
