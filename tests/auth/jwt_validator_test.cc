#include "service/auth/jwt_validator.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/auth/rocksdb_jti_store.h"
#include "tests/testing/jws_signing.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::auth {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using google::protobuf::Struct;
using google::protobuf::Value;
using ::testing::ElementsAre;

constexpr char kDiscoveryUrl[] = "https://cds.example.org/cds-services";
constexpr char kServiceUrl[] =
    "https://cds.example.org/cds-services/dystonia-risk-order-sign";
constexpr char kIssuer[] = "https://fhir-ehr.example.com/";
const absl::Time kNow = absl::FromUnixSeconds(1700000000);

using testing::B64;
using testing::BnParam;
using testing::EcJwk;
using testing::GenerateEc;
using testing::GenerateRsa;
using testing::Header;
using testing::HmacSha256;
using testing::JwksJson;
using testing::PkeyPtr;
using testing::RsaJwk;
using testing::Sign;
using testing::SigningInput;
using testing::ToJson;
using testing::Token;

// Claims a CDS Client would send at kNow, valid for five minutes.
Struct Claims(const std::string& jti) {
  Struct claims;
  auto& fields = *claims.mutable_fields();
  fields["iss"].set_string_value(kIssuer);
  fields["sub"].set_string_value("ehr-client");
  fields["aud"].set_string_value(kServiceUrl);
  fields["iat"].set_number_value(absl::ToUnixSeconds(kNow));
  fields["exp"].set_number_value(absl::ToUnixSeconds(kNow + absl::Minutes(5)));
  fields["jti"].set_string_value(jti);
  fields["tenant"].set_string_value("2ddd6c3a");
  return claims;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The JSON between the comment line `title` and the next comment title in
// the spec example file, without its comment lines.
std::string FixtureSection(const std::string& text, absl::string_view title) {
  std::string section;
  bool in_section = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "//")) {
      if (in_section && absl::StartsWith(line, "// JSON Web")) break;
      if (absl::StartsWith(line, title)) in_section = true;
      continue;
    }
    if (in_section) absl::StrAppend(&section, line, "\n");
  }
  return section;
}

// One JWK Set whose keys sign for kIssuer.
absl::StatusOr<std::unique_ptr<JwtValidator>> FromJwks(
    absl::string_view jwks, JwtValidator::Options options) {
  return JwtValidator::FromJwksJson(jwks, {kIssuer}, std::move(options));
}

// -------------------------------------------------------------------- fixture

class JwtValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = GenerateRsa(2048).release();
    ec384_ = GenerateEc("P-384").release();
    ec256_ = GenerateEc("P-256").release();
    ASSERT_NE(rsa_, nullptr);
    ASSERT_NE(ec384_, nullptr);
    ASSERT_NE(ec256_, nullptr);
  }

  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_);
    EVP_PKEY_free(ec384_);
    EVP_PKEY_free(ec256_);
  }

  static std::string Jwks() {
    return JwksJson({RsaJwk(rsa_, "rsa-1"), EcJwk(ec384_, "ec384-1", "P-384"),
                     EcJwk(ec256_, "ec256-1", "P-256")});
  }

  static JwtValidator::Options DefaultOptions() {
    JwtValidator::Options options;
    options.audience = kDiscoveryUrl;
    return options;
  }

  static std::unique_ptr<JwtValidator> Validator(
      JwtValidator::Options options = DefaultOptions()) {
    auto validator = FromJwks(Jwks(), options);
    EXPECT_THAT(validator, IsOk());
    return validator.ok() ? std::move(*validator) : nullptr;
  }

  static EVP_PKEY* rsa_;
  static EVP_PKEY* ec384_;
  static EVP_PKEY* ec256_;
};

EVP_PKEY* JwtValidatorTest::rsa_ = nullptr;
EVP_PKEY* JwtValidatorTest::ec384_ = nullptr;
EVP_PKEY* JwtValidatorTest::ec256_ = nullptr;

// ------------------------------------------------------------ accepted tokens

TEST_F(JwtValidatorTest, ValidRs384TokenIsAccepted) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);

  absl::StatusOr<VerifiedToken> verified = validator->Verify(token, kNow);

  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->issuer, kIssuer);
  EXPECT_EQ(verified->subject, "ehr-client");
  EXPECT_EQ(verified->tenant, "2ddd6c3a");
  EXPECT_EQ(verified->jti, "j1");
  EXPECT_EQ(verified->kid, "rsa-1");
  EXPECT_EQ(verified->algorithm, "RS384");
  EXPECT_THAT(verified->audiences, ElementsAre(kServiceUrl));
  EXPECT_EQ(verified->issued_at, kNow);
  EXPECT_EQ(verified->expires, kNow + absl::Minutes(5));
}

TEST_F(JwtValidatorTest, ValidEs384TokenIsAccepted) {
  auto validator = Validator();
  std::string token = Token(Header("ES384", "ec384-1"), Claims("j1"), ec384_);

  absl::StatusOr<VerifiedToken> verified = validator->Verify(token, kNow);

  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->kid, "ec384-1");
}

TEST_F(JwtValidatorTest, Rs256IsRefusedUnlessConfigured) {
  auto validator = Validator();
  std::string token = Token(Header("RS256", "rsa-1"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, Es256IsRefusedUnlessConfigured) {
  auto validator = Validator();
  std::string token = Token(Header("ES256", "ec256-1"), Claims("j1"), ec256_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, Rs256AndEs256AreAcceptedWhenConfigured) {
  JwtValidator::Options options = DefaultOptions();
  options.algorithms = {"RS384", "ES384", "RS256", "ES256"};
  auto validator = Validator(options);
  std::string rs256 = Token(Header("RS256", "rsa-1"), Claims("j1"), rsa_);
  std::string es256 = Token(Header("ES256", "ec256-1"), Claims("j2"), ec256_);

  EXPECT_THAT(validator->Verify(rs256, kNow), IsOk());
  EXPECT_THAT(validator->Verify(es256, kNow), IsOk());
}

TEST_F(JwtValidatorTest, TokenWithoutKidUsesTheOnlyKey) {
  auto validator =
      FromJwks(JwksJson({EcJwk(ec384_, "", "P-384")}), DefaultOptions());
  ASSERT_THAT(validator, IsOk());
  std::string token = Token(Header("ES384", ""), Claims("j1"), ec384_);

  EXPECT_THAT((*validator)->Verify(token, kNow), IsOk());
}

TEST_F(JwtValidatorTest, ExpiredWithinLeewayIsAccepted) {
  auto validator = Validator();
  std::string token = Token(Header("ES384", "ec384-1"), Claims("j1"), ec384_);

  EXPECT_THAT(
      validator->Verify(token, kNow + absl::Minutes(5) + absl::Seconds(59)),
      IsOk());
}

// --------------------------------------------------- algorithm and key attacks

TEST_F(JwtValidatorTest, AlgNoneIsRefused) {
  auto validator = Validator();
  std::string token =
      absl::StrCat(SigningInput(Header("none", ""), Claims("j1")), ".");

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, Hs256SignedWithThePublicKeyIsRefused) {
  auto validator = Validator();
  // The key-confusion attack: the public key, which anyone has, as the HMAC
  // secret, hoping the verifier feeds its "key" to HMAC.
  for (const std::string& secret : {Jwks(), ToJson(RsaJwk(rsa_, "rsa-1")),
                                    BnParam(rsa_, OSSL_PKEY_PARAM_RSA_N, 0)}) {
    std::string input = SigningInput(Header("HS256", "rsa-1"), Claims("j1"));
    std::string token =
        absl::StrCat(input, ".", B64(HmacSha256(secret, input)));

    EXPECT_THAT(validator->Verify(token, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
}

TEST_F(JwtValidatorTest, HmacAlgorithmsCannotBeConfigured) {
  JwtValidator::Options options = DefaultOptions();
  options.algorithms = {"RS384", "HS256"};

  EXPECT_THAT(FromJwks(Jwks(), options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, UnknownKidIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-2"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, TokenWithoutKidIsRefusedWhenTheSetHasSeveralKeys) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", ""), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, AlgThatDoesNotFitTheKeyIsRefused) {
  auto validator = Validator();
  // An ES384 signature by the P-384 key, but naming the RSA key; and an
  // ES384 header naming the P-256 key.
  std::string wrong_type =
      Token(Header("ES384", "rsa-1"), Claims("j1"), ec384_);
  std::string wrong_curve =
      Token(Header("ES384", "ec256-1"), Claims("j2"), ec384_);

  EXPECT_THAT(validator->Verify(wrong_type, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(validator->Verify(wrong_curve, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, TokenSignedByAnotherKeyIsRefused) {
  auto validator = Validator();
  PkeyPtr stranger = GenerateEc("P-384");
  std::string token =
      Token(Header("ES384", "ec384-1"), Claims("j1"), stranger.get());

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, TamperedPayloadIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  Struct forged = Claims("j1");
  (*forged.mutable_fields())["sub"].set_string_value("admin");
  std::string tampered =
      absl::StrCat(parts[0], ".", B64(ToJson(forged)), ".", parts[2]);

  EXPECT_THAT(validator->Verify(tampered, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, EcdsaSignatureOfTheWrongLengthIsRefused) {
  auto validator = Validator();
  std::string input = SigningInput(Header("ES384", "ec384-1"), Claims("j1"));
  std::string raw = Sign(ec384_, "ES384", input);
  // DER in place of R || S, and R || S cut to the ES256 size.
  std::string der;
  {
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(bytes, 48, nullptr),
                   BN_bin2bn(bytes + 48, 48, nullptr));
    unsigned char* out = nullptr;
    int length = i2d_ECDSA_SIG(sig, &out);
    der.assign(reinterpret_cast<char*>(out), static_cast<size_t>(length));
    OPENSSL_free(out);
    ECDSA_SIG_free(sig);
  }

  EXPECT_THAT(validator->Verify(absl::StrCat(input, ".", B64(der)), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(
      validator->Verify(absl::StrCat(input, ".", B64(raw.substr(0, 64))), kNow),
      StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(validator->Verify(absl::StrCat(input, ".", B64(raw)), kNow),
              IsOk());
}

TEST_F(JwtValidatorTest, CritHeaderIsRefused) {
  auto validator = Validator();
  Struct header = Header("RS384", "rsa-1");
  (*header.mutable_fields())["crit"]
      .mutable_list_value()
      ->add_values()
      ->set_string_value("exp");
  std::string token = Token(header, Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// --------------------------------------------------------------------- claims

TEST_F(JwtValidatorTest, ExpiredTokenIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow + absl::Minutes(7)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, TokenIssuedInTheFutureIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow - absl::Minutes(2)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, NotBeforeInTheFutureIsRefused) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["nbf"].set_number_value(
      absl::ToUnixSeconds(kNow + absl::Minutes(3)));
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, WrongAudienceIsRefused) {
  auto validator = Validator();
  for (const char* aud : {"https://cds.example.org/other",
                          "https://evil.example.com/cds-services",
                          "https://cds.example.org/cds-services-evil/x"}) {
    Struct claims = Claims("j1");
    (*claims.mutable_fields())["aud"].set_string_value(aud);
    std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

    EXPECT_THAT(validator->Verify(token, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << aud;
  }
}

TEST_F(JwtValidatorTest, AudienceArrayNamingTheServiceIsAccepted) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  auto* list = (*claims.mutable_fields())["aud"].mutable_list_value();
  list->add_values()->set_string_value("https://other.example.org/");
  list->add_values()->set_string_value(kServiceUrl);
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow), IsOk());
}

TEST_F(JwtValidatorTest, ExactAudienceRefusesAnotherService) {
  JwtValidator::Options options = DefaultOptions();
  options.audience = kServiceUrl;
  auto validator = Validator(options);
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["aud"].set_string_value(
      "https://cds.example.org/cds-services/dystonia-risk-order-select");
  std::string other = Token(Header("RS384", "rsa-1"), claims, rsa_);
  std::string own = Token(Header("RS384", "rsa-1"), Claims("j2"), rsa_);

  EXPECT_THAT(validator->Verify(other, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(validator->Verify(own, kNow), IsOk());
}

TEST_F(JwtValidatorTest, DiscoveryAudienceIsAccepted) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["aud"].set_string_value(
      absl::StrCat(kDiscoveryUrl, "/"));
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow), IsOk());
}

TEST_F(JwtValidatorTest, MissingRequiredClaimIsRefused) {
  auto validator = Validator();
  for (const char* claim : {"jti", "iss", "aud", "exp", "iat"}) {
    Struct claims = Claims(absl::StrCat("j-", claim));
    claims.mutable_fields()->erase(claim);
    std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

    EXPECT_THAT(validator->Verify(token, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << claim;
  }
}

TEST_F(JwtValidatorTest, ClaimOfTheWrongTypeIsRefused) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["exp"].set_string_value("tomorrow");
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// --------------------------------------------------------------------- replay

TEST_F(JwtValidatorTest, ReplayedJtiIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  std::string same_jti =
      Token(Header("ES384", "ec384-1"), Claims("j1"), ec384_);
  ASSERT_THAT(validator->Verify(token, kNow), IsOk());

  EXPECT_THAT(validator->Verify(token, kNow + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(validator->Verify(same_jti, kNow + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, JtiIsAcceptedAgainAfterItsTokenExpires) {
  auto validator = Validator();
  ASSERT_THAT(validator->Verify(
                  Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_), kNow),
              IsOk());
  EXPECT_EQ(validator->ReplayCacheSize(), 1u);
  absl::Time later = kNow + absl::Minutes(10);
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["iat"].set_number_value(
      absl::ToUnixSeconds(later));
  (*claims.mutable_fields())["exp"].set_number_value(
      absl::ToUnixSeconds(later + absl::Minutes(5)));
  std::string reissued = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(reissued, later), IsOk());
  EXPECT_EQ(validator->ReplayCacheSize(), 1u);
}

TEST_F(JwtValidatorTest, ExpiredJtiEntriesArePruned) {
  auto validator = Validator();
  for (int i = 0; i < 10; ++i) {
    ASSERT_THAT(validator->Verify(Token(Header("RS384", "rsa-1"),
                                        Claims(absl::StrCat("j", i)), rsa_),
                                  kNow),
                IsOk());
  }
  EXPECT_EQ(validator->ReplayCacheSize(), 10u);
  absl::Time later = kNow + absl::Minutes(10);
  Struct claims = Claims("fresh");
  (*claims.mutable_fields())["iat"].set_number_value(
      absl::ToUnixSeconds(later));
  (*claims.mutable_fields())["exp"].set_number_value(
      absl::ToUnixSeconds(later + absl::Minutes(5)));

  ASSERT_THAT(
      validator->Verify(Token(Header("RS384", "rsa-1"), claims, rsa_), later),
      IsOk());

  EXPECT_EQ(validator->ReplayCacheSize(), 1u);
}

TEST_F(JwtValidatorTest, RefusedTokenDoesNotUseUpItsJti) {
  auto validator = Validator();
  Struct wrong_aud = Claims("j1");
  (*wrong_aud.mutable_fields())["aud"].set_string_value("https://other/");
  ASSERT_THAT(
      validator->Verify(Token(Header("RS384", "rsa-1"), wrong_aud, rsa_), kNow),
      StatusIs(absl::StatusCode::kUnauthenticated));

  EXPECT_THAT(validator->Verify(
                  Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_), kNow),
              IsOk());
}

TEST_F(JwtValidatorTest, ConcurrentCallsAcceptOneTokenOnce) {
  auto validator = Validator();
  std::string token = Token(Header("ES384", "ec384-1"), Claims("j1"), ec384_);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;

  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (validator->Verify(token, kNow).ok()) ++accepted;
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(accepted.load(), 1);
}

// A restarted server (a new validator over the reopened RocksDB store)
// still refuses a token it accepted before.
TEST_F(JwtValidatorTest, TokenReplayedAfterARestartIsRefused) {
  const std::string path = testing::NewTempDir("jwt-replay");
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  {
    JwtValidator::Options options = DefaultOptions();
    auto store = RocksDbJtiStore::Open(path);
    ASSERT_THAT(store, IsOk());
    options.jti_store = *std::move(store);
    ASSERT_THAT(Validator(options)->Verify(token, kNow, kServiceUrl), IsOk());
  }
  JwtValidator::Options options = DefaultOptions();
  auto store = RocksDbJtiStore::Open(path);
  ASSERT_THAT(store, IsOk());
  options.jti_store = *std::move(store);
  auto restarted = Validator(options);

  EXPECT_THAT(restarted->Verify(token, kNow + absl::Seconds(30), kServiceUrl),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// ------------------------------------------------------------ malformed input

TEST_F(JwtValidatorTest, MalformedTokensAreRefused) {
  auto validator = Validator();
  std::string good = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  std::vector<std::string> parts = absl::StrSplit(good, '.');
  const std::vector<std::string> malformed = {
      "",
      "abc",
      absl::StrCat(parts[0], ".", parts[1]),
      absl::StrCat(good, ".", parts[2]),
      absl::StrCat("!!!.", parts[1], ".", parts[2]),
      absl::StrCat(parts[0], "=.", parts[1], ".", parts[2]),
      absl::StrCat(parts[0], ".", parts[1], "+/.", parts[2]),
      absl::StrCat(B64("not json"), ".", parts[1], ".", parts[2]),
      absl::StrCat(B64("[\"RS384\"]"), ".", parts[1], ".", parts[2]),
      std::string(20000, 'a'),
  };

  for (const std::string& token : malformed) {
    EXPECT_THAT(validator->Verify(token, kNow),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << token.substr(0, 80);
  }
  EXPECT_THAT(validator->Verify(good, kNow), IsOk());
}

// ----------------------------------------------------------------- JWKS load

TEST_F(JwtValidatorTest, KeyIdsListTheLoadedKeys) {
  auto validator = Validator();

  EXPECT_THAT(validator->KeyIds(), ElementsAre("rsa-1", "ec384-1", "ec256-1"));
}

TEST_F(JwtValidatorTest, UnsupportedKeyTypeIsInvalidArgument) {
  Struct okp;
  (*okp.mutable_fields())["kty"].set_string_value("OKP");
  (*okp.mutable_fields())["crv"].set_string_value("Ed25519");
  (*okp.mutable_fields())["kid"].set_string_value("ed");
  (*okp.mutable_fields())["x"].set_string_value(B64(std::string(32, 'x')));

  EXPECT_THAT(
      FromJwks(JwksJson({RsaJwk(rsa_, "rsa-1"), okp}), DefaultOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, UnsupportedCurveIsInvalidArgument) {
  PkeyPtr p521 = GenerateEc("P-521");
  Struct jwk = EcJwk(p521.get(), "p521", "P-521");

  EXPECT_THAT(FromJwks(JwksJson({jwk}), DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, PrivateKeyInTheSetIsInvalidArgument) {
  Struct jwk = EcJwk(ec384_, "ec384-1", "P-384");
  (*jwk.mutable_fields())["d"].set_string_value(
      B64(BnParam(ec384_, OSSL_PKEY_PARAM_PRIV_KEY, 48)));

  EXPECT_THAT(FromJwks(JwksJson({jwk}), DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, DuplicateKidIsInvalidArgument) {
  EXPECT_THAT(
      FromJwks(JwksJson({RsaJwk(rsa_, "k"), EcJwk(ec384_, "k", "P-384")}),
               DefaultOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, ShortRsaKeyIsInvalidArgument) {
  PkeyPtr short_rsa = GenerateRsa(1024);

  EXPECT_THAT(
      FromJwks(JwksJson({RsaJwk(short_rsa.get(), "short")}), DefaultOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, PointOffTheCurveIsInvalidArgument) {
  Struct jwk = EcJwk(ec384_, "ec384-1", "P-384");
  std::string y = BnParam(ec384_, OSSL_PKEY_PARAM_EC_PUB_Y, 48);
  y.back() ^= 1;
  (*jwk.mutable_fields())["y"].set_string_value(B64(y));

  EXPECT_THAT(FromJwks(JwksJson({jwk}), DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, KeyAlgThatDoesNotFitIsInvalidArgument) {
  Struct jwk = EcJwk(ec384_, "ec384-1", "P-384");
  (*jwk.mutable_fields())["alg"].set_string_value("ES256");

  EXPECT_THAT(FromJwks(JwksJson({jwk}), DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtValidatorTest, EncryptionKeyIsSkipped) {
  Struct enc = RsaJwk(rsa_, "enc-1");
  (*enc.mutable_fields())["use"].set_string_value("enc");
  (*enc.mutable_fields())["kty"].set_string_value("oct");

  auto validator = FromJwks(JwksJson({enc, EcJwk(ec384_, "ec384-1", "P-384")}),
                            DefaultOptions());

  ASSERT_THAT(validator, IsOk());
  EXPECT_THAT((*validator)->KeyIds(), ElementsAre("ec384-1"));
}

TEST_F(JwtValidatorTest, UnusableSetIsInvalidArgument) {
  for (const char* jwks : {"", "not json", "[]", "{}", "{\"keys\": []}",
                           "{\"keys\": {}}", "{\"keys\": [1]}"}) {
    EXPECT_THAT(FromJwks(jwks, DefaultOptions()),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << jwks;
  }
}

TEST_F(JwtValidatorTest, BadOptionsAreInvalidArgument) {
  JwtValidator::Options no_audience;
  JwtValidator::Options no_algorithms = DefaultOptions();
  no_algorithms.algorithms.clear();
  JwtValidator::Options none = DefaultOptions();
  none.algorithms = {"none"};

  for (const JwtValidator::Options& options :
       {no_audience, no_algorithms, none}) {
    EXPECT_THAT(FromJwks(Jwks(), options),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST_F(JwtValidatorTest, JwksFileIsRead) {
  std::string path = ::testing::TempDir() + "/jwks.json";
  std::ofstream(path) << Jwks();

  auto validator =
      JwtValidator::FromJwksFiles({{path, {kIssuer}}}, DefaultOptions());

  ASSERT_THAT(validator, IsOk());
  EXPECT_EQ((*validator)->KeyIds().size(), 3u);
}

TEST_F(JwtValidatorTest, MissingJwksFileIsNotFound) {
  EXPECT_THAT(JwtValidator::FromJwksFiles(
                  {{::testing::TempDir() + "/no-such-jwks.json", {kIssuer}}},
                  DefaultOptions()),
              StatusIs(absl::StatusCode::kNotFound));
}

// ------------------------------------------------- the specification's example

std::string SpecExample() {
  return ReadFile(std::string(DYSTONIA_SOURCE_DIR) +
                  "/tests/cds_hooks/fixtures/"
                  "jwt_header_payload_jwks_example.txt");
}

TEST_F(JwtValidatorTest, SpecExampleJwksParses) {
  std::string jwks =
      FixtureSection(SpecExample(), "// JSON Web Key Set (public key)");

  auto validator = FromJwks(jwks, DefaultOptions());

  ASSERT_THAT(validator, IsOk());
  EXPECT_THAT((*validator)->KeyIds(), ElementsAre("example-kid"));
}

// The spec publishes the example's private key too, so its header and
// payload can be signed and checked end to end at a time they were valid.
TEST_F(JwtValidatorTest, SpecExampleSignedWithTheSpecKeyVerifies) {
  std::string text = SpecExample();
  std::string jwks = FixtureSection(text, "// JSON Web Key Set (public key)");
  Struct header, payload, private_jwk;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  FixtureSection(text, "// JSON Web Token Header"), &header)
                  .ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  FixtureSection(text, "// JSON Web Token Payload"), &payload)
                  .ok());
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(
          FixtureSection(text, "// JSON Web Key (private key)"), &private_jwk)
          .ok());
  auto field = [&](const char* name) {
    std::string bytes;
    EXPECT_TRUE(absl::WebSafeBase64Unescape(
        private_jwk.fields().at(name).string_value(), &bytes));
    return bytes;
  };
  std::string d = field("d");
  std::string point =
      absl::StrCat(std::string(1, '\x04'), field("x"), field("y"));
  BIGNUM* d_bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(d.data()),
                           static_cast<int>(d.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1",
                                  0);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d_bn);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                   point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* raw_key = nullptr;
  ASSERT_EQ(EVP_PKEY_fromdata_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_fromdata(ctx, &raw_key, EVP_PKEY_KEYPAIR, params), 1);
  PkeyPtr key(raw_key);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(d_bn);
  // The example lives from 2011 to 2015: judge its signature, not its age.
  JwtValidator::Options options = DefaultOptions();
  options.max_lifetime = absl::InfiniteDuration();
  auto validator = FromJwks(jwks, options);
  ASSERT_THAT(validator, IsOk());
  std::string token = Token(header, payload, key.get());
  absl::Time before_exp = absl::FromUnixSeconds(1422568860) - absl::Minutes(1);

  absl::StatusOr<VerifiedToken> verified =
      (*validator)->Verify(token, before_exp);

  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->issuer, "https://fhir-ehr.example.com/");
  EXPECT_EQ(verified->jti, "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e");
  EXPECT_EQ(verified->tenant, "2ddd6c3a-8e9a-44c6-a305-52111ad302a2");
  EXPECT_THAT((*validator)->Verify(token, absl::FromUnixSeconds(1700000000)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// ------------------------------------------------------------------- lifetime

TEST_F(JwtValidatorTest, ExpFarInTheFutureIsRefused) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["exp"].set_number_value(4102444800);  // 2100
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, LifetimeOverFiveMinutesPlusLeewayIsRefused) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["exp"].set_number_value(
      absl::ToUnixSeconds(kNow + absl::Minutes(6) + absl::Seconds(1)));
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, LifetimeWithinLeewayIsAccepted) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["exp"].set_number_value(
      absl::ToUnixSeconds(kNow + absl::Minutes(6)));
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow), IsOk());
}

// Minted for an hour and presented in its last minute: exp is near, but the
// token was made to live too long.
TEST_F(JwtValidatorTest, LongLivedTokenIsRefusedLateInItsLife) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["iat"].set_number_value(
      absl::ToUnixSeconds(kNow - absl::Minutes(59)));
  (*claims.mutable_fields())["exp"].set_number_value(
      absl::ToUnixSeconds(kNow + absl::Minutes(1)));
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, NonPositiveMaxLifetimeIsInvalidArgument) {
  JwtValidator::Options options = DefaultOptions();
  options.max_lifetime = absl::ZeroDuration();

  EXPECT_THAT(FromJwks(Jwks(), options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// The specification's example token lives from 2011 to 2015.
TEST_F(JwtValidatorTest, SpecExampleTimesAreRefusedForTheirLifetime) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["iat"].set_number_value(1311280970);
  (*claims.mutable_fields())["exp"].set_number_value(1422568860);
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, absl::FromUnixSeconds(1422568800)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// --------------------------------------------------------------------- issuer

// The RSA key (kid a-1) signs for EHR A, the P-384 key (kid b-1) for EHR B.
class JwtIssuerTest : public JwtValidatorTest {
 protected:
  static std::vector<KeySource> TwoEhrs() {
    return {{{"https://ehr-a.example.org/"}, JwksJson({RsaJwk(rsa_, "a-1")})},
            {{"https://ehr-b.example.org", "https://ehr-b2.example.org/"},
             JwksJson({EcJwk(ec384_, "b-1", "P-384")})}};
  }

  static std::unique_ptr<JwtValidator> TwoEhrValidator() {
    auto validator = JwtValidator::FromKeySources(TwoEhrs(), DefaultOptions());
    EXPECT_THAT(validator, IsOk());
    return validator.ok() ? std::move(*validator) : nullptr;
  }

  // A token claiming `issuer`, signed by A's key or by B's.
  static std::string SignedByA(const std::string& issuer,
                               const std::string& jti) {
    return Token(Header("RS384", "a-1"), ClaimsFrom(issuer, jti), rsa_);
  }
  static std::string SignedByB(const std::string& issuer,
                               const std::string& jti) {
    return Token(Header("ES384", "b-1"), ClaimsFrom(issuer, jti), ec384_);
  }

 private:
  static Struct ClaimsFrom(const std::string& issuer, const std::string& jti) {
    Struct claims = Claims(jti);
    (*claims.mutable_fields())["iss"].set_string_value(issuer);
    return claims;
  }
};

TEST_F(JwtIssuerTest, IssuerOfTheVerifyingKeyIsAccepted) {
  auto validator = TwoEhrValidator();
  std::string a = SignedByA("https://ehr-a.example.org/", "j1");
  // A trailing '/' does not make another issuer.
  std::string b = SignedByB("https://ehr-b.example.org/", "j2");

  EXPECT_THAT(validator->Verify(a, kNow), IsOk());
  EXPECT_THAT(validator->Verify(b, kNow), IsOk());
}

TEST_F(JwtIssuerTest, IssuerOfAnotherKeyIsRefused) {
  auto validator = TwoEhrValidator();
  std::string a_as_b = SignedByA("https://ehr-b.example.org", "j1");
  std::string unknown = SignedByB("https://evil.example.com", "j2");

  EXPECT_THAT(validator->Verify(a_as_b, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(validator->Verify(unknown, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtIssuerTest, SourceWithoutIssuersIsInvalidArgument) {
  EXPECT_THAT(JwtValidator::FromJwksJson(Jwks(), {}, DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(JwtValidator::FromJwksJson(Jwks(), {""}, DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtIssuerTest, KidInTwoSourcesIsInvalidArgument) {
  std::vector<KeySource> sources = {
      {{"https://ehr-a.example.org"}, JwksJson({RsaJwk(rsa_, "same")})},
      {{"https://ehr-b.example.org"},
       JwksJson({EcJwk(ec384_, "same", "P-384")})}};

  EXPECT_THAT(JwtValidator::FromKeySources(sources, DefaultOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtIssuerTest, SameJtiFromTwoIssuersIsNotAReplay) {
  auto validator = TwoEhrValidator();
  std::string a = SignedByA("https://ehr-a.example.org", "j1");
  std::string b = SignedByB("https://ehr-b.example.org", "j1");

  EXPECT_THAT(validator->Verify(a, kNow), IsOk());
  EXPECT_THAT(validator->Verify(b, kNow), IsOk());
}

// ------------------------------------------------------- aud and the endpoint

constexpr char kOrderSelectUrl[] =
    "https://cds.example.org/cds-services/dystonia-risk-order-select";

TEST_F(JwtValidatorTest, AudNamingTheEndpointCalledIsAccepted) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow, kServiceUrl), IsOk());
}

TEST_F(JwtValidatorTest, AudNamingAnotherEndpointIsRefused) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);

  EXPECT_THAT(validator->Verify(token, kNow, kOrderSelectUrl),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, AudArrayNamingTheEndpointIsAccepted) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  auto* list = (*claims.mutable_fields())["aud"].mutable_list_value();
  list->add_values()->set_string_value(kServiceUrl);
  list->add_values()->set_string_value(kOrderSelectUrl);
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow, kOrderSelectUrl), IsOk());
}

TEST_F(JwtValidatorTest, ConfiguredBaseAudIsAcceptedAtEveryEndpoint) {
  auto validator = Validator();
  Struct claims = Claims("j1");
  (*claims.mutable_fields())["aud"].set_string_value(kDiscoveryUrl);
  std::string token = Token(Header("RS384", "rsa-1"), claims, rsa_);

  EXPECT_THAT(validator->Verify(token, kNow, kOrderSelectUrl), IsOk());
}

TEST_F(JwtValidatorTest, ServiceAudIsAcceptedAtItsFeedbackEndpoint) {
  auto validator = Validator();
  std::string token = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  std::string other = Token(Header("RS384", "rsa-1"), Claims("j2"), rsa_);

  EXPECT_THAT(
      validator->Verify(token, kNow, absl::StrCat(kServiceUrl, "/feedback")),
      IsOk());
  EXPECT_THAT(validator->Verify(other, kNow,
                                absl::StrCat(kOrderSelectUrl, "/feedback")),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, EndpointUrlIsBuiltFromTheConfiguredAudience) {
  auto validator = Validator();
  JwtValidator::Options behind_proxy = DefaultOptions();
  behind_proxy.audience = "https://cds.example.org/api/cds-services/";
  auto proxied = Validator(behind_proxy);
  JwtValidator::Options exact = DefaultOptions();
  exact.audience = kServiceUrl;
  auto exact_validator = Validator(exact);
  const char* path = "/cds-services/dystonia-risk-order-sign";

  EXPECT_EQ(validator->EndpointUrl(path), kServiceUrl);
  EXPECT_EQ(proxied->EndpointUrl(path),
            "https://cds.example.org/api/cds-services/"
            "dystonia-risk-order-sign");
  EXPECT_EQ(exact_validator->EndpointUrl(path), kServiceUrl);
}

// --------------------------------------------------------- nested JSON parts

// Hostile nesting in the header (read before the signature) and in a
// signed payload is refused by the bounded parser, not recursed into.
TEST_F(JwtValidatorTest, DeeplyNestedHeaderIsRefused) {
  auto validator = Validator();
  std::string good = Token(Header("RS384", "rsa-1"), Claims("j1"), rsa_);
  std::vector<std::string> parts = absl::StrSplit(good, '.');
  std::string token =
      absl::StrCat(B64(std::string(10000, '[')), ".", parts[1], ".", parts[2]);

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(JwtValidatorTest, DeeplyNestedSignedPayloadIsRefused) {
  auto validator = Validator();
  std::string input = absl::StrCat(B64(ToJson(Header("RS384", "rsa-1"))), ".",
                                   B64(std::string(10000, '[')));
  std::string token = absl::StrCat(input, ".", B64(Sign(rsa_, "RS384", input)));

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(validator->ReplayCacheSize(), 0u);
}

TEST_F(JwtValidatorTest, HundredKilobytePayloadOfBracketsIsRefused) {
  auto validator = Validator();
  std::string input = absl::StrCat(B64(ToJson(Header("RS384", "rsa-1"))), ".",
                                   B64(std::string(100 * 1024, '[')));
  std::string token = absl::StrCat(input, ".", B64(Sign(rsa_, "RS384", input)));

  EXPECT_THAT(validator->Verify(token, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// ---------------------------------------------------------------- BearerToken

TEST(BearerTokenTest, TakesTheTokenOfABearerHeader) {
  EXPECT_THAT(BearerToken("Bearer abc.def.ghi"), IsOk());
  EXPECT_EQ(*BearerToken("bearer  abc.def.ghi "), "abc.def.ghi");
}

TEST(BearerTokenTest, OtherSchemesAndEmptyValuesAreUnauthenticated) {
  for (const char* header : {"", "Bearer", "Bearer   ", "Basic dXNlcjpwdw==",
                             "abc.def.ghi", "Bearerabc.def.ghi"}) {
    EXPECT_THAT(BearerToken(header),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << header;
  }
}

}  // namespace
}  // namespace dystonia::auth
