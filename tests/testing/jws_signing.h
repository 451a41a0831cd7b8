#ifndef DYSTONIA_TESTS_TESTING_JWS_SIGNING_H_
#define DYSTONIA_TESTS_TESTING_JWS_SIGNING_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"

// Signing JWTs as an EHR does (OpenSSL keys, JWKs, compact JWS), for the
// validator's tests and the server's end-to-end ones.
namespace dystonia::testing {

struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

PkeyPtr GenerateRsa(size_t bits);
PkeyPtr GenerateEc(const char* curve);

// The big-endian bytes of a BIGNUM key parameter (OSSL_PKEY_PARAM_*),
// left-padded to `size` (0: minimal length).
std::string BnParam(EVP_PKEY* pkey, const char* name, int size);

// base64url without padding.
std::string B64(absl::string_view bytes);

// The public JWK of an RSA key, or of an EC key on `crv` ("P-256", "P-384").
google::protobuf::Struct RsaJwk(EVP_PKEY* pkey, const std::string& kid);
google::protobuf::Struct EcJwk(EVP_PKEY* pkey, const std::string& kid,
                               const std::string& crv);

std::string ToJson(const google::protobuf::Message& message);
std::string JwksJson(const std::vector<google::protobuf::Struct>& keys);

// Signs `input` as JWS `alg` does; ES* signatures become raw R || S.
std::string Sign(EVP_PKEY* key, absl::string_view alg, absl::string_view input);
std::string HmacSha256(absl::string_view secret, absl::string_view input);

google::protobuf::Struct Header(const std::string& alg, const std::string& kid);
std::string SigningInput(const google::protobuf::Struct& header,
                         const google::protobuf::Struct& claims);
// A compact JWS of `header` and `claims` signed by `key` per the header's alg.
std::string Token(const google::protobuf::Struct& header,
                  const google::protobuf::Struct& claims, EVP_PKEY* key);

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_JWS_SIGNING_H_
