#include "tests/testing/jws_signing.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace dystonia::testing {

using google::protobuf::Struct;

std::string BnParam(EVP_PKEY* pkey, const char* name, int size) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(pkey, name, &bn), 1) << name;
  int length = size > 0 ? size : BN_num_bytes(bn);
  std::string bytes(static_cast<size_t>(length), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), length);
  BN_free(bn);
  return bytes;
}

PkeyPtr GenerateRsa(size_t bits) {
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

PkeyPtr GenerateEc(const char* curve) {
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

std::string B64(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);
}

Struct RsaJwk(EVP_PKEY* pkey, const std::string& kid) {
  Struct jwk;
  auto& fields = *jwk.mutable_fields();
  fields["kty"].set_string_value("RSA");
  fields["kid"].set_string_value(kid);
  fields["use"].set_string_value("sig");
  fields["n"].set_string_value(B64(BnParam(pkey, OSSL_PKEY_PARAM_RSA_N, 0)));
  fields["e"].set_string_value(B64(BnParam(pkey, OSSL_PKEY_PARAM_RSA_E, 0)));
  return jwk;
}

Struct EcJwk(EVP_PKEY* pkey, const std::string& kid, const std::string& crv) {
  int size = crv == "P-256" ? 32 : 48;
  Struct jwk;
  auto& fields = *jwk.mutable_fields();
  fields["kty"].set_string_value("EC");
  fields["kid"].set_string_value(kid);
  fields["crv"].set_string_value(crv);
  fields["x"].set_string_value(
      B64(BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size)));
  fields["y"].set_string_value(
      B64(BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size)));
  return jwk;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

std::string JwksJson(const std::vector<Struct>& keys) {
  Struct jwks;
  auto* list = (*jwks.mutable_fields())["keys"].mutable_list_value();
  for (const Struct& key : keys)
    *list->add_values()->mutable_struct_value() = key;
  return ToJson(jwks);
}

std::string Sign(EVP_PKEY* key, absl::string_view alg,
                 absl::string_view input) {
  const EVP_MD* md = absl::EndsWith(alg, "256") ? EVP_sha256() : EVP_sha384();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, md, nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &length, data, input.size()), 1);
  std::string signature(length, '\0');
  EXPECT_EQ(
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()),
                     &length, data, input.size()),
      1);
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  if (!absl::StartsWith(alg, "ES")) return signature;

  int size = alg == "ES256" ? 32 : 48;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(length));
  EXPECT_NE(sig, nullptr);
  std::string raw(static_cast<size_t>(2 * size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, size);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + size, size);
  ECDSA_SIG_free(sig);
  return raw;
}

std::string HmacSha256(absl::string_view secret, absl::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

Struct Header(const std::string& alg, const std::string& kid) {
  Struct header;
  (*header.mutable_fields())["alg"].set_string_value(alg);
  (*header.mutable_fields())["typ"].set_string_value("JWT");
  if (!kid.empty()) (*header.mutable_fields())["kid"].set_string_value(kid);
  return header;
}

std::string SigningInput(const Struct& header, const Struct& claims) {
  return absl::StrCat(B64(ToJson(header)), ".", B64(ToJson(claims)));
}

std::string Token(const Struct& header, const Struct& claims, EVP_PKEY* key) {
  std::string input = SigningInput(header, claims);
  std::string alg = header.fields().at("alg").string_value();
  return absl::StrCat(input, ".", B64(Sign(key, alg, input)));
}

}  // namespace dystonia::testing
