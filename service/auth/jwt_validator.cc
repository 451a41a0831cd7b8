#include "service/auth/jwt_validator.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "drug_db/file_text.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::auth {
namespace {

// JSON objects of the JWS header, the payload and the JWK Set.
using Json = cds_hooks::json::Value;

// Longer than any EHR's token; refused before any decoding work.
constexpr size_t kMaxTokenBytes = 16 * 1024;
// RSA keys below this are refused at load (NIST SP 800-131A).
constexpr int kMinRsaBits = 2048;
// NumericDate values beyond this (year 5138) are not times.
constexpr double kMaxNumericDate = 1e11;

struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

enum class KeyType { kRsa, kEc };

// One supported JWS algorithm.
struct Algorithm {
  const char* name;
  KeyType key_type;
  const char* curve;       // the JWK crv for ES*, else nullptr
  int ec_coordinate_size;  // bytes of R and of S for ES*
  const EVP_MD* (*digest)();
};

constexpr Algorithm kAlgorithms[] = {
    {"RS256", KeyType::kRsa, nullptr, 0, &EVP_sha256},
    {"RS384", KeyType::kRsa, nullptr, 0, &EVP_sha384},
    {"ES256", KeyType::kEc, "P-256", 32, &EVP_sha256},
    {"ES384", KeyType::kEc, "P-384", 48, &EVP_sha384},
};

const Algorithm* FindAlgorithm(absl::string_view name) {
  for (const Algorithm& algorithm : kAlgorithms) {
    if (name == algorithm.name) return &algorithm;
  }
  return nullptr;
}

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token refused: ", reason));
}

// Decodes unpadded base64url (RFC 7515 section 2). absl's decoder alone would
// also take padding and stray characters.
bool DecodeBase64Url(absl::string_view text, std::string* out) {
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_') {
      return false;
    }
  }
  if (text.size() % 4 == 1) return false;
  return absl::WebSafeBase64Unescape(text, out);
}

// Parses with the bounded parser (nesting limit, linear cost): the header is
// read before the signature is checked, so it is attacker text.
bool ParseJsonObject(const std::string& json, Json* out) {
  absl::StatusOr<Json> parsed = cds_hooks::json::Parse(json);
  if (!parsed.ok() || !parsed->is_object()) return false;
  *out = *std::move(parsed);
  return true;
}

// The string field `name` of `object`: nullptr when absent, and a non-string
// value sets `*wrong_type`.
const std::string* StringField(const Json& object, const std::string& name,
                               bool* wrong_type) {
  auto it = object.find(name);
  if (it == object.end()) return nullptr;
  if (!it->is_string()) {
    *wrong_type = true;
    return nullptr;
  }
  return it->get_ptr<const std::string*>();
}

// ------------------------------------------------------------------ JWK import

std::string KeyName(int index, absl::string_view kid) {
  return kid.empty() ? absl::StrCat("keys[", index, "]")
                     : absl::StrCat("keys[", index, "] (kid '", kid, "')");
}

struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

// Builds a public key of OpenSSL type `type` ("RSA", "EC") from the
// parameters `add` pushes, and checks it (an EC point must be on its curve).
absl::StatusOr<PkeyPtr> PublicKeyFromParams(
    const char* type, const std::function<bool(OSSL_PARAM_BLD*)>& add) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || !add(bld.get())) {
    return absl::InternalError("OpenSSL could not build key parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(
      OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (params == nullptr || ctx == nullptr) {
    return absl::InternalError("OpenSSL could not build key parameters");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <=
          0) {
    return absl::InvalidArgumentError("is not a valid public key");
  }
  PkeyPtr pkey(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError("is not a valid public key");
  }
  return pkey;
}

// Decodes the base64url member `name` of a JWK.
absl::StatusOr<std::string> KeyBytes(const Json& jwk, const std::string& name) {
  bool wrong_type = false;
  const std::string* text = StringField(jwk, name, &wrong_type);
  std::string bytes;
  if (text == nullptr || !DecodeBase64Url(*text, &bytes) || bytes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' is missing or not base64url"));
  }
  return bytes;
}

BnPtr BignumFrom(const std::string& big_endian) {
  return BnPtr(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()),
                static_cast<int>(big_endian.size()), nullptr));
}

absl::StatusOr<PkeyPtr> RsaPublicKey(const Json& jwk) {
  absl::StatusOr<std::string> n = KeyBytes(jwk, "n");
  if (!n.ok()) return n.status();
  absl::StatusOr<std::string> e = KeyBytes(jwk, "e");
  if (!e.ok()) return e.status();
  BnPtr n_bn = BignumFrom(*n);
  BnPtr e_bn = BignumFrom(*e);
  if (n_bn == nullptr || e_bn == nullptr) {
    return absl::InternalError("OpenSSL could not allocate a bignum");
  }
  absl::StatusOr<PkeyPtr> pkey =
      PublicKeyFromParams("RSA", [&](OSSL_PARAM_BLD* bld) {
        return OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n_bn.get()) ==
                   1 &&
               OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e_bn.get()) ==
                   1;
      });
  if (!pkey.ok()) return pkey.status();
  int bits = EVP_PKEY_get_bits(pkey->get());
  if (bits < kMinRsaBits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is a ", bits, "-bit RSA key; at least ", kMinRsaBits, " are needed"));
  }
  return pkey;
}

absl::StatusOr<PkeyPtr> EcPublicKey(const Json& jwk, const Algorithm& alg) {
  absl::StatusOr<std::string> x = KeyBytes(jwk, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<std::string> y = KeyBytes(jwk, "y");
  if (!y.ok()) return y.status();
  // RFC 7518 section 6.2.1.2: the coordinates are the full field size.
  size_t size = static_cast<size_t>(alg.ec_coordinate_size);
  if (x->size() != size || y->size() != size) {
    return absl::InvalidArgumentError(
        absl::StrCat("'x' and 'y' must be ", size, " bytes for ", alg.curve));
  }
  // An uncompressed SEC1 point: 0x04 || x || y.
  std::string point = absl::StrCat(std::string(1, '\x04'), *x, *y);
  const char* group = alg.ec_coordinate_size == 32 ? "prime256v1" : "secp384r1";
  return PublicKeyFromParams("EC", [&](OSSL_PARAM_BLD* bld) {
    return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, 0) == 1 &&
           OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                            point.data(), point.size()) == 1;
  });
}

// ------------------------------------------------------------------ signatures

// JWS carries an ECDSA signature as R || S, each `size` bytes (RFC 7518
// section 3.4); OpenSSL wants DER. Returns "" when it cannot be converted.
std::string RawEcdsaToDer(absl::string_view raw, int size) {
  if (raw.size() != static_cast<size_t>(2 * size)) return "";
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, size, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + size, size, nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return "";
  }
  // `sig` owns r and s now.
  std::string der;
  int length = i2d_ECDSA_SIG(sig, nullptr);
  if (length > 0) {
    der.resize(static_cast<size_t>(length));
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig, &out) != length) der.clear();
  }
  ECDSA_SIG_free(sig);
  return der;
}

bool SignatureVerifies(EVP_PKEY* key, const Algorithm& alg,
                       absl::string_view signing_input,
                       absl::string_view signature) {
  std::string der;
  if (alg.key_type == KeyType::kEc) {
    der = RawEcdsaToDer(signature, alg.ec_coordinate_size);
    if (der.empty()) return false;
    signature = der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, alg.digest(), nullptr, key) == 1 &&
      EVP_DigestVerify(
          ctx, reinterpret_cast<const unsigned char*>(signature.data()),
          signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()),
          signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// ---------------------------------------------------------------------- claims

// Reads the NumericDate claim `name` (seconds since the epoch, RFC 7519
// section 2) into `*out` and sets `*present`. An absent claim is an error
// only when `required`.
absl::Status NumericDate(const Json& payload, const std::string& name,
                         bool required, bool* present, absl::Time* out) {
  *present = false;
  auto it = payload.find(name);
  if (it == payload.end()) {
    return required
               ? Unauthenticated(absl::StrCat("claim '", name, "' is missing"))
               : absl::OkStatus();
  }
  double seconds = it->is_number() ? it->get<double>() : -1;
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate) {
    return Unauthenticated(
        absl::StrCat("claim '", name, "' is not a NumericDate"));
  }
  *present = true;
  *out = absl::UnixEpoch() + absl::Seconds(seconds);
  return absl::OkStatus();
}

absl::Status RequiredString(const Json& payload, const std::string& name,
                            std::string* out) {
  bool wrong_type = false;
  const std::string* value = StringField(payload, name, &wrong_type);
  if (value == nullptr || value->empty()) {
    return Unauthenticated(absl::StrCat(
        "claim '", name, "' is ", wrong_type ? "not a string" : "missing"));
  }
  *out = *value;
  return absl::OkStatus();
}

absl::Status OptionalString(const Json& payload, const std::string& name,
                            std::string* out) {
  bool wrong_type = false;
  const std::string* value = StringField(payload, name, &wrong_type);
  if (wrong_type) {
    return Unauthenticated(absl::StrCat("claim '", name, "' is not a string"));
  }
  if (value != nullptr) *out = *value;
  return absl::OkStatus();
}

std::string Trimmed(absl::string_view url) {
  while (absl::EndsWith(url, "/")) url.remove_suffix(1);
  return std::string(url);
}

// Whether one of `audiences` names the endpoint called: `endpoint_url`
// itself, the service when the endpoint is its feedback, or the configured
// base `audience`. Without an endpoint, any URL under a discovery
// `audience` matches too.
bool AudienceMatches(const std::vector<std::string>& audiences,
                     const std::string& audience,
                     const std::string* endpoint_url) {
  constexpr absl::string_view kFeedback = "/feedback";
  for (const std::string& value : audiences) {
    const std::string trimmed = Trimmed(value);
    if (trimmed == audience) return true;
    if (endpoint_url == nullptr) {
      if (absl::EndsWith(audience, "/cds-services") &&
          absl::StartsWith(trimmed, absl::StrCat(audience, "/"))) {
        return true;
      }
      continue;
    }
    if (trimmed == *endpoint_url ||
        absl::StrCat(trimmed, kFeedback) == *endpoint_url) {
      return true;
    }
  }
  return false;
}

}  // namespace

struct JwtValidator::Key {
  std::string kid;
  std::string alg;  // the JWK's own alg; empty when not given
  KeyType type;
  std::string curve;  // "P-256" or "P-384" for EC
  PkeyPtr pkey;
  // The `iss` values it may sign for, without trailing '/'.
  std::vector<std::string> issuers;
};

absl::StatusOr<absl::string_view> BearerToken(
    absl::string_view authorization_header) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization_header);
  if (value.empty()) {
    return Unauthenticated("no Authorization header");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::StartsWithIgnoreCase(value, kScheme)) {
    return Unauthenticated("the Authorization header is not 'Bearer <token>'");
  }
  absl::string_view token =
      absl::StripLeadingAsciiWhitespace(value.substr(kScheme.size()));
  if (token.empty()) {
    return Unauthenticated("the Authorization header carries no token");
  }
  return token;
}

JwtValidator::JwtValidator(Options options, std::vector<Key> keys)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      jti_store_(options_.jti_store != nullptr
                     ? options_.jti_store
                     : std::make_shared<InMemoryJtiStore>()) {}

JwtValidator::~JwtValidator() = default;

absl::StatusOr<std::unique_ptr<JwtValidator>> JwtValidator::FromJwksFiles(
    const std::vector<JwksFile>& files, Options options) {
  std::vector<KeySource> sources;
  for (const JwksFile& file : files) {
    absl::StatusOr<std::string> text = ReadFileText(file.path);
    if (!text.ok()) {
      return absl::NotFoundError(
          absl::StrCat("JWKS file ", text.status().message()));
    }
    sources.push_back({file.issuers, *std::move(text),
                       absl::StrCat("JWKS file ", file.path)});
  }
  return FromKeySources(std::move(sources), std::move(options));
}

absl::StatusOr<std::unique_ptr<JwtValidator>> JwtValidator::FromJwksJson(
    absl::string_view jwks_json, std::vector<std::string> issuers,
    Options options) {
  return FromKeySources({{std::move(issuers), std::string(jwks_json)}},
                        std::move(options));
}

absl::StatusOr<std::unique_ptr<JwtValidator>> JwtValidator::FromKeySources(
    std::vector<KeySource> sources, Options options) {
  options.audience = Trimmed(options.audience);
  if (options.audience.empty()) {
    return absl::InvalidArgumentError("audience: is empty");
  }
  if (options.algorithms.empty()) {
    return absl::InvalidArgumentError("algorithms: is empty");
  }
  for (const std::string& name : options.algorithms) {
    if (FindAlgorithm(name) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("algorithms: '", name,
                       "' is not supported (RS256, RS384, ES256, ES384 only)"));
    }
  }
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leeway: is negative");
  }
  if (options.max_lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("max_lifetime: is not positive");
  }
  if (sources.empty()) {
    return absl::InvalidArgumentError("JWKS: none given");
  }
  std::vector<Key> keys;
  for (const KeySource& source : sources) {
    absl::Status added = AddKeys(source, &keys);
    if (!added.ok()) return added;
  }
  return std::unique_ptr<JwtValidator>(
      new JwtValidator(std::move(options), std::move(keys)));
}

absl::Status JwtValidator::AddKeys(const KeySource& source,
                                   std::vector<Key>* keys) {
  const std::string& origin = source.origin;
  if (source.issuers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, ": names no issuer; name the iss values its keys sign for"));
  }
  std::vector<std::string> issuers;
  for (const std::string& issuer : source.issuers) {
    issuers.push_back(Trimmed(issuer));
    if (issuers.back().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": an issuer is empty"));
    }
  }
  Json jwks;
  if (!ParseJsonObject(source.jwks_json, &jwks)) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": is not a JSON object"));
  }
  auto keys_it = jwks.find("keys");
  if (keys_it == jwks.end() || !keys_it->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": has no 'keys' array"));
  }
  const size_t keys_before = keys->size();
  const Json& entries = *keys_it;
  for (int i = 0; i < static_cast<int>(entries.size()); ++i) {
    if (!entries[i].is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, " ", KeyName(i, ""), ": is not an object"));
    }
    const Json& jwk = entries[i];
    bool wrong_type = false;
    Key key;
    const std::string* kid = StringField(jwk, "kid", &wrong_type);
    if (kid != nullptr) key.kid = *kid;
    std::string name = KeyName(i, key.kid);
    auto fail = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, " ", name, ": ", reason));
    };
    const std::string* use = StringField(jwk, "use", &wrong_type);
    const std::string* kty = StringField(jwk, "kty", &wrong_type);
    const std::string* alg = StringField(jwk, "alg", &wrong_type);
    const std::string* crv = StringField(jwk, "crv", &wrong_type);
    if (wrong_type) return fail("kid, use, kty, alg and crv must be strings");
    // An encryption key in the same set is not ours to judge.
    if (use != nullptr && *use != "sig") continue;
    if (jwk.contains("d")) {
      return fail("holds private key material ('d'); give the public JWKS");
    }
    if (kty == nullptr) return fail("has no 'kty'");
    if (alg != nullptr) {
      const Algorithm* key_alg = FindAlgorithm(*alg);
      if (key_alg == nullptr) {
        return fail(absl::StrCat("alg '", *alg,
                                 "' is not supported (RS256, RS384, ES256, "
                                 "ES384 only)"));
      }
      key.alg = *alg;
    }
    absl::StatusOr<PkeyPtr> pkey;
    if (*kty == "RSA") {
      key.type = KeyType::kRsa;
      pkey = RsaPublicKey(jwk);
    } else if (*kty == "EC") {
      key.type = KeyType::kEc;
      const Algorithm* curve_alg = nullptr;
      if (crv != nullptr) {
        curve_alg = *crv == "P-256"   ? FindAlgorithm("ES256")
                    : *crv == "P-384" ? FindAlgorithm("ES384")
                                      : nullptr;
      }
      if (curve_alg == nullptr) {
        return fail(absl::StrCat("crv '", crv == nullptr ? "" : *crv,
                                 "' is not supported (P-256, P-384 only)"));
      }
      key.curve = *crv;
      pkey = EcPublicKey(jwk, *curve_alg);
    } else {
      return fail(
          absl::StrCat("kty '", *kty, "' is not supported (RSA, EC only)"));
    }
    if (!pkey.ok()) return fail(pkey.status().message());
    key.pkey = std::move(*pkey);
    if (!key.alg.empty()) {
      const Algorithm* key_alg = FindAlgorithm(key.alg);
      if (key_alg->key_type != key.type ||
          (key.type == KeyType::kEc && key.curve != key_alg->curve)) {
        return fail(absl::StrCat("alg '", key.alg, "' does not fit the key"));
      }
    }
    for (const Key& other : *keys) {
      if (other.kid == key.kid) {
        return fail(key.kid.empty() ? "a second key without kid"
                                    : "duplicate kid");
      }
    }
    key.issuers = issuers;
    keys->push_back(std::move(key));
  }
  if (keys->size() == keys_before) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": has no signature key"));
  }
  return absl::OkStatus();
}

absl::StatusOr<VerifiedToken> JwtValidator::Verify(
    absl::string_view token, absl::Time now, absl::string_view endpoint_url) {
  const std::string endpoint = Trimmed(endpoint_url);
  if (endpoint.empty()) {
    return Unauthenticated("no endpoint URL to hold the aud to");
  }
  return VerifyFor(token, now, &endpoint);
}

absl::StatusOr<VerifiedToken> JwtValidator::Verify(absl::string_view token,
                                                   absl::Time now) {
  return VerifyFor(token, now, nullptr);
}

std::string JwtValidator::EndpointUrl(absl::string_view request_path) const {
  absl::string_view base = options_.audience;
  constexpr absl::string_view kDiscovery = "/cds-services";
  if (absl::EndsWith(base, kDiscovery)) {
    base.remove_suffix(kDiscovery.size());
  } else {
    // Keep "scheme://host[:port]" only.
    const size_t authority = base.find("://");
    const size_t path = authority == absl::string_view::npos
                            ? absl::string_view::npos
                            : base.find('/', authority + 3);
    if (path != absl::string_view::npos) base = base.substr(0, path);
  }
  if (!absl::StartsWith(request_path, "/")) {
    return absl::StrCat(base, "/", request_path);
  }
  return absl::StrCat(base, request_path);
}

absl::StatusOr<VerifiedToken> JwtValidator::VerifyFor(
    absl::string_view token, absl::Time now, const std::string* endpoint_url) {
  // ---- The compact form.
  if (token.size() > kMaxTokenBytes) {
    return Unauthenticated("token is too long");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Unauthenticated(absl::StrCat("token has ", parts.size(),
                                        " parts; a signed JWT has 3 (JWE and "
                                        "unsigned tokens are not accepted)"));
  }
  std::string header_json, payload_json, signature;
  if (!DecodeBase64Url(parts[0], &header_json) ||
      !DecodeBase64Url(parts[1], &payload_json) ||
      !DecodeBase64Url(parts[2], &signature)) {
    return Unauthenticated("token is not base64url");
  }
  Json header;
  if (!ParseJsonObject(header_json, &header)) {
    return Unauthenticated("header is not a JSON object");
  }

  // ---- The algorithm, before anything is trusted.
  bool wrong_type = false;
  const std::string* alg_name = StringField(header, "alg", &wrong_type);
  if (alg_name == nullptr) return Unauthenticated("header has no 'alg'");
  if (*alg_name == "none" || absl::StartsWithIgnoreCase(*alg_name, "HS")) {
    return Unauthenticated(absl::StrCat(
        "alg '", *alg_name, "' is not allowed (asymmetric algorithms only)"));
  }
  const Algorithm* alg = FindAlgorithm(*alg_name);
  if (alg == nullptr ||
      std::find(options_.algorithms.begin(), options_.algorithms.end(),
                *alg_name) == options_.algorithms.end()) {
    return Unauthenticated(
        absl::StrCat("alg '", *alg_name, "' is not allowed (accepted: ",
                     absl::StrJoin(options_.algorithms, ", "), ")"));
  }
  if (header.contains("crit")) {
    return Unauthenticated("header 'crit' names extensions not understood");
  }

  // ---- The key.
  const std::string* kid = StringField(header, "kid", &wrong_type);
  if (wrong_type) return Unauthenticated("header 'kid' is not a string");
  const Key* key = nullptr;
  if (kid != nullptr) {
    for (const Key& candidate : keys_) {
      if (candidate.kid == *kid) key = &candidate;
    }
    if (key == nullptr) {
      return Unauthenticated(absl::StrCat("no key with kid '", *kid, "'"));
    }
  } else if (keys_.size() == 1) {
    key = &keys_.front();
  } else {
    return Unauthenticated("token has no kid and the JWKS has several keys");
  }
  if (key->type != alg->key_type ||
      (key->type == KeyType::kEc && key->curve != alg->curve) ||
      (!key->alg.empty() && key->alg != alg->name)) {
    return Unauthenticated(absl::StrCat("alg '", alg->name,
                                        "' does not fit the key with kid '",
                                        key->kid, "'"));
  }

  // ---- The signature, over the text as sent.
  absl::string_view signing_input =
      token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!SignatureVerifies(key->pkey.get(), *alg, signing_input, signature)) {
    return Unauthenticated("signature does not verify");
  }

  // ---- The claims (now authentic).
  Json payload;
  if (!ParseJsonObject(payload_json, &payload)) {
    return Unauthenticated("payload is not a JSON object");
  }
  VerifiedToken verified;
  verified.kid = key->kid;
  verified.algorithm = alg->name;
  bool present = false;
  absl::Status status = NumericDate(payload, "exp", /*required=*/true, &present,
                                    &verified.expires);
  if (!status.ok()) return status;
  if (now > verified.expires + options_.leeway) {
    return Unauthenticated(
        absl::StrCat("token expired at ", absl::FormatTime(verified.expires)));
  }
  status = NumericDate(payload, "iat", /*required=*/true, &present,
                       &verified.issued_at);
  if (!status.ok()) return status;
  // Measured from now and from iat: a token minted for a year is refused
  // in its last minutes too.
  const absl::Time latest_exp = std::min(now, verified.issued_at) +
                                options_.max_lifetime + options_.leeway;
  if (verified.expires > latest_exp) {
    return Unauthenticated(absl::StrCat(
        "token lives too long: exp ", absl::FormatTime(verified.expires),
        " is more than ", absl::FormatDuration(options_.max_lifetime),
        " after iat or now"));
  }
  if (verified.issued_at > now + options_.leeway) {
    return Unauthenticated(absl::StrCat("token is not yet valid: issued at ",
                                        absl::FormatTime(verified.issued_at),
                                        " (in the future)"));
  }
  absl::Time not_before;
  status =
      NumericDate(payload, "nbf", /*required=*/false, &present, &not_before);
  if (!status.ok()) return status;
  if (present && not_before > now + options_.leeway) {
    return Unauthenticated(absl::StrCat("token is not yet valid: not before ",
                                        absl::FormatTime(not_before)));
  }

  auto aud = payload.find("aud");
  if (aud != payload.end()) {
    if (aud->is_string()) {
      verified.audiences.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const Json& value : *aud) {
        if (!value.is_string()) {
          return Unauthenticated("claim 'aud' is not a string or strings");
        }
        verified.audiences.push_back(value.get<std::string>());
      }
    } else {
      return Unauthenticated("claim 'aud' is not a string or strings");
    }
  }
  if (verified.audiences.empty()) {
    return Unauthenticated("claim 'aud' is missing");
  }
  if (!AudienceMatches(verified.audiences, options_.audience, endpoint_url)) {
    return Unauthenticated(absl::StrCat(
        "aud does not name the endpoint called (",
        endpoint_url != nullptr ? *endpoint_url : options_.audience, ")"));
  }

  status = RequiredString(payload, "iss", &verified.issuer);
  if (status.ok()) status = RequiredString(payload, "jti", &verified.jti);
  if (status.ok()) status = OptionalString(payload, "sub", &verified.subject);
  if (status.ok()) status = OptionalString(payload, "tenant", &verified.tenant);
  if (!status.ok()) return status;
  const std::string issuer = Trimmed(verified.issuer);
  if (std::find(key->issuers.begin(), key->issuers.end(), issuer) ==
      key->issuers.end()) {
    return Unauthenticated(absl::StrCat("iss is not one the key with kid '",
                                        key->kid, "' may sign for"));
  }

  // ---- Replay: last, so that only accepted tokens are remembered. The id
  // is the issuer's: two EHRs may well pick the same jti.
  const absl::Time refused_after = verified.expires + options_.leeway;
  absl::Status recorded = jti_store_->Record(
      absl::StrCat(issuer, "\n", verified.jti), refused_after, now);
  if (absl::IsAlreadyExists(recorded)) {
    return Unauthenticated(
        absl::StrCat("jti '", verified.jti, "' was already used"));
  }
  if (!recorded.ok()) return recorded;
  return verified;
}

size_t JwtValidator::ReplayCacheSize() const { return jti_store_->Size(); }

std::vector<std::string> JwtValidator::KeyIds() const {
  std::vector<std::string> kids;
  for (const Key& key : keys_) kids.push_back(key.kid);
  return kids;
}

}  // namespace dystonia::auth
