// jws-verify-compare: what verifying a CDS Client's JWT costs on the
// service's own OpenSSL path (JwtValidator::Verify: JWS parse, key choice,
// signature, claims, replay store) against libcjose 0.6 (Debian's
// libcjose-dev: cjose_jwk_import, cjose_jws_import, cjose_jws_verify, the
// signature only). Issue 20 asked for the decision to rest on a measurement;
// README ("Libraries, and why") records it.
//
//   build/bench/jws-verify-compare [TOKENS_PER_ALGORITHM]
//
// Signs TOKENS_PER_ALGORITHM distinct tokens (distinct jti, so the replay
// store accepts each once) for RS256, RS384, ES256 and ES384, verifies each
// once both ways and prints microseconds per token. Exits 1 if either path
// refuses a valid token.
#include <cjose/cjose.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/auth/jwt_validator.h"
#include "tests/testing/jws_signing.h"

namespace {

namespace testing = dystonia::testing;

constexpr char kIssuer[] = "https://ehr.example.org/";
constexpr char kAudience[] = "https://cds.example.org/cds-services";

google::protobuf::Struct Claims(const std::string& jti, absl::Time now) {
  google::protobuf::Struct claims;
  auto& fields = *claims.mutable_fields();
  fields["iss"].set_string_value(kIssuer);
  fields["aud"].set_string_value(kAudience);
  fields["iat"].set_number_value(absl::ToUnixSeconds(now));
  fields["exp"].set_number_value(absl::ToUnixSeconds(now + absl::Minutes(5)));
  fields["jti"].set_string_value(jti);
  return claims;
}

double MicrosecondsPer(std::chrono::steady_clock::duration elapsed, int n) {
  return std::chrono::duration<double, std::micro>(elapsed).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  const int tokens = argc > 1 ? std::atoi(argv[1]) : 500;
  if (tokens <= 0) {
    std::fprintf(stderr, "usage: jws-verify-compare [TOKENS_PER_ALGORITHM]\n");
    return 2;
  }
  testing::PkeyPtr rsa = testing::GenerateRsa(2048);
  testing::PkeyPtr ec256 = testing::GenerateEc("P-256");
  testing::PkeyPtr ec384 = testing::GenerateEc("P-384");
  struct Algorithm {
    const char* alg;
    const char* kid;
    EVP_PKEY* key;
    google::protobuf::Struct jwk;
  };
  std::vector<Algorithm> algorithms = {
      {"RS256", "rsa", rsa.get(), testing::RsaJwk(rsa.get(), "rsa")},
      {"RS384", "rsa", rsa.get(), testing::RsaJwk(rsa.get(), "rsa")},
      {"ES256", "ec256", ec256.get(),
       testing::EcJwk(ec256.get(), "ec256", "P-256")},
      {"ES384", "ec384", ec384.get(),
       testing::EcJwk(ec384.get(), "ec384", "P-384")},
  };
  dystonia::auth::JwtValidator::Options options;
  options.audience = kAudience;
  options.algorithms = {"RS256", "RS384", "ES256", "ES384"};
  auto validator = dystonia::auth::JwtValidator::FromJwksJson(
      testing::JwksJson(
          {algorithms[0].jwk, algorithms[2].jwk, algorithms[3].jwk}),
      {kIssuer}, options);
  if (!validator.ok()) {
    std::fprintf(stderr, "%s\n", validator.status().ToString().c_str());
    return 2;
  }
  const absl::Time now = absl::Now();
  std::printf("%-6s %8s %18s %18s\n", "alg", "tokens", "OpenSSL path us",
              "cjose verify us");
  int failures = 0;
  int serial = 0;
  for (const Algorithm& algorithm : algorithms) {
    std::vector<std::string> signed_tokens;
    for (int i = 0; i < tokens; ++i) {
      signed_tokens.push_back(testing::Token(
          testing::Header(algorithm.alg, algorithm.kid),
          Claims(absl::StrCat("jti-", ++serial), now), algorithm.key));
    }
    auto start = std::chrono::steady_clock::now();
    for (const std::string& token : signed_tokens) {
      if (!(*validator)->Verify(token, now).ok()) ++failures;
    }
    const auto ours = std::chrono::steady_clock::now() - start;

    const std::string jwk_json = testing::ToJson(algorithm.jwk);
    cjose_err error;
    cjose_jwk_t* jwk =
        cjose_jwk_import(jwk_json.c_str(), jwk_json.size(), &error);
    if (jwk == nullptr) {
      std::fprintf(stderr, "cjose_jwk_import: %s\n", error.message);
      return 2;
    }
    start = std::chrono::steady_clock::now();
    for (const std::string& token : signed_tokens) {
      cjose_jws_t* jws = cjose_jws_import(token.c_str(), token.size(), &error);
      if (jws == nullptr || !cjose_jws_verify(jws, jwk, &error)) ++failures;
      if (jws != nullptr) cjose_jws_release(jws);
    }
    const auto theirs = std::chrono::steady_clock::now() - start;
    cjose_jwk_release(jwk);
    std::printf("%-6s %8d %18.1f %18.1f\n", algorithm.alg, tokens,
                MicrosecondsPer(ours, tokens), MicrosecondsPer(theirs, tokens));
  }
  if (failures > 0) {
    std::fprintf(stderr, "%d valid tokens refused\n", failures);
    return 1;
  }
  return 0;
}
