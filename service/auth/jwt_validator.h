#ifndef DYSTONIA_SERVICE_AUTH_JWT_VALIDATOR_H_
#define DYSTONIA_SERVICE_AUTH_JWT_VALIDATOR_H_

// Validates the JSON Web Token a CDS Client (the EHR) sends with every CDS
// Hooks call ("Authorization: Bearer <JWT>"), against the EHR's public keys
// (a JWK Set) configured locally. No HTTP and no gRPC here: the server edge
// takes the header, calls Verify() and maps the status once.
//
// What is checked (CDS Hooks "Trusting CDS Clients", RFC 7515/7518/7519):
// - the compact JWS form (three base64url parts, no padding);
// - the header's `alg` is one of Options::algorithms, all asymmetric; `none`
//   and the HMAC family are refused whatever the options say (HS256 signed
//   with a public key as the secret is the classic confusion attack); a
//   `crit` header is refused (no extension is understood);
// - the key: the JWKS key named by `kid`, or the only key when the token has
//   no `kid`; its type and curve must fit `alg`, and its own `alg`, if given,
//   must equal the header's. The header's `jku`/`jwk`/`x5u` are never
//   followed: only the configured keys are trusted;
// - the signature, by OpenSSL (RSASSA-PKCS1-v1_5 or ECDSA over SHA-2);
// - the claims: `iss`, `aud`, `exp`, `iat` and `jti` are required (the spec
//   marks them REQUIRED); `exp` not passed, `iat` and `nbf` not in the future
//   (each with Options::leeway); `exp` at most Options::max_lifetime after
//   now and after `iat` (the spec recommends 5 minutes); `iss` one the key
//   that verified the token may sign for (KeySource::issuers); `aud` the
//   endpoint called (see Verify); `jti` not seen before in an accepted token
//   that is still live (Options::jti_store: across restarts when it is a
//   RocksDbJtiStore).
//
// The header and payload are parsed by a bounded JSON parser (nesting
// limit, linear cost), never trusting their size or shape.
//
// Thread-safe: Verify() may be called from any number of threads. The keys
// are immutable; the replay store is thread-safe.
//
// Example:
//   JwtValidator::Options options;
//   options.audience = "https://cds.example.org/cds-services";
//   auto validator = JwtValidator::FromJwksFiles(
//       {{jwks_path, {"https://ehr.example.org/"}}}, options);
//   if (!validator.ok()) return validator.status();
//   ...
//   absl::StatusOr<absl::string_view> token = BearerToken(authorization);
//   if (!token.ok()) return Reply401(token.status());
//   auto verified = (*validator)->Verify(
//       *token, absl::Now(), (*validator)->EndpointUrl(request_path));
//   if (!verified.ok()) return Reply401(verified.status());

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/auth/jti_store.h"

namespace dystonia::auth {

// What a verified token says about its sender.
struct VerifiedToken {
  std::string issuer;   // `iss`
  std::string subject;  // `sub`; empty when absent
  std::string tenant;   // `tenant` (CDS Hooks, optional); empty when absent
  std::string jti;
  std::string kid;  // the kid of the key that verified it; may be empty
  std::string algorithm;
  // Every `aud` value (a string `aud` gives one), for an edge that wants to
  // hold the token to the exact endpoint invoked.
  std::vector<std::string> audiences;
  absl::Time issued_at;
  absl::Time expires;
};

// Returns the token of an HTTP Authorization header value "Bearer <token>"
// (the scheme is case-insensitive, RFC 7235). kUnauthenticated when the value
// is empty, uses another scheme, or carries no token.
absl::StatusOr<absl::string_view> BearerToken(
    absl::string_view authorization_header);
// The answer is a view into the header: a temporary would leave it dangling.
absl::StatusOr<absl::string_view> BearerToken(std::string&&) = delete;
inline absl::StatusOr<absl::string_view> BearerToken(
    const char* authorization_header) {
  return BearerToken(absl::string_view(authorization_header));
}

// One EHR's keys and the issuers they may sign for.
struct KeySource {
  // The `iss` values a token verified by one of these keys may carry
  // (compared ignoring a trailing '/'). Required: a source naming none is
  // kInvalidArgument, so a key never signs for just any issuer.
  std::vector<std::string> issuers;
  // The JWK Set (RFC 7517) in JSON: {"keys": [...]}.
  std::string jwks_json;
  // Where the set came from, for messages (e.g. its file path).
  // Default: "JWKS".
  std::string origin = "JWKS";
};

// A JWK Set file and the issuers its keys may sign for.
struct JwksFile {
  std::string path;
  std::vector<std::string> issuers;
};

class JwtValidator {
 public:
  struct Options {
    // The base URL the EHR addresses, normally the discovery endpoint
    // "https://host/cds-services" (a trailing '/' is ignored). EndpointUrl()
    // builds the URL of an endpoint from it, and a token whose `aud` equals
    // it is accepted at every endpoint (compatibility with EHRs that send
    // the base). Required: empty is kInvalidArgument.
    // Default: "" (must be set).
    std::string audience;

    // The accepted `alg` values. Allowed members: RS256, RS384, ES256,
    // ES384; anything else (HS*, none, PS*, ES512, ...) is kInvalidArgument
    // at construction. The spec requires ES384 and RS384 of CDS Clients;
    // add RS256/ES256 only for an EHR known to use them.
    // Default: {"RS384", "ES384"}.
    std::vector<std::string> algorithms = {"RS384", "ES384"};

    // Clock skew allowed on `exp`, `iat` and `nbf`.
    // Default: 60 seconds.
    absl::Duration leeway = absl::Seconds(60);

    // The longest a token may live: `exp` may be at most this (plus leeway)
    // after now and after `iat`. A token minted for longer is refused even
    // late in its life, so a leaked token is useful for minutes at most.
    // Must be positive. Default: 5 minutes (CDS Hooks: "recommended ... 5
    // minutes"); absl::InfiniteDuration() turns the check off.
    absl::Duration max_lifetime = absl::Minutes(5);

    // Where accepted jti values are remembered. Default: nullptr, an
    // InMemoryJtiStore of this validator (forgotten on restart).
    std::shared_ptr<JtiStore> jti_store;
  };

  // Builds a validator from the JWK Sets of `sources`; each key signs only
  // for its source's issuers. A kid must be unique across all sources.
  // kInvalidArgument as FromJwksJson(), naming the source, and for a source
  // without issuers or an empty issuer.
  static absl::StatusOr<std::unique_ptr<JwtValidator>> FromKeySources(
      std::vector<KeySource> sources, Options options);

  // As FromKeySources(), reading each file. kNotFound naming the file when
  // one cannot be read.
  static absl::StatusOr<std::unique_ptr<JwtValidator>> FromJwksFiles(
      const std::vector<JwksFile>& files, Options options);

  // Builds a validator from one JWK Set (RFC 7517) in JSON: {"keys": [...]}
  // whose keys sign for `issuers`.
  // Keys: kty "RSA" (n, e; at least 2048 bits) or kty "EC" (crv P-256 or
  // P-384; x, y of the curve's full length, a point on the curve); `kid`
  // (unique, and needed when there is more than one key), optional `alg` and
  // `use`. A key whose `use` is not "sig" (an encryption key) is skipped.
  // kInvalidArgument, naming the key by index and kid, for JSON that does
  // not parse, no usable key, an unsupported kty or crv (the whole set is
  // refused rather than a key silently dropped), a key carrying private
  // material (`d`: publish only the public set), a bad or short key, a
  // duplicate kid, or bad Options.
  static absl::StatusOr<std::unique_ptr<JwtValidator>> FromJwksJson(
      absl::string_view jwks_json, std::vector<std::string> issuers,
      Options options);

  ~JwtValidator();
  JwtValidator(const JwtValidator&) = delete;
  JwtValidator& operator=(const JwtValidator&) = delete;

  // Verifies `token` (the compact JWS, without "Bearer ") sent at time
  // `now` to `endpoint_url` (the CDS Service's URL, as EndpointUrl() builds
  // it) and, when it is valid, records its `jti` until the token expires so
  // the same token (or any token of the issuer with that jti) is refused
  // meanwhile. A refused token records nothing. `aud` (a string or an array;
  // one match suffices, a trailing '/' ignored) must equal `endpoint_url`,
  // or the service URL when `endpoint_url` is its ".../feedback", or
  // Options::audience. Every refusal is kUnauthenticated with a message
  // naming the reason (malformed, alg not allowed, no key with the kid,
  // signature does not verify, expired, not yet valid, lives too long, iss
  // not allowed for the key, aud does not name the endpoint, a required
  // claim missing, jti already used); the messages hold no claim values
  // beyond alg, kid, jti and times. kResourceExhausted when the replay store
  // is full, or the store's error (kUnavailable, kInternal).
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token, absl::Time now,
                                       absl::string_view endpoint_url);

  // As above without an endpoint: any `aud` equal to Options::audience or
  // under it is accepted. For an edge that does not yet pass the endpoint;
  // prefer the three-argument form.
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token, absl::Time now);

  // The URL of the endpoint at `request_path` (the HTTP request's path, no
  // query), built from Options::audience, never from the request's Host
  // header: with audience "https://cds.example.org/api/cds-services" and
  // path "/cds-services/dystonia-risk-order-sign" it is
  // "https://cds.example.org/api/cds-services/dystonia-risk-order-sign" (a
  // reverse proxy's prefix kept). An audience not ending in "/cds-services"
  // gives its scheme and host followed by the path.
  std::string EndpointUrl(absl::string_view request_path) const;

  // The number of jti values held against replay (for tests and metrics).
  size_t ReplayCacheSize() const;

  // The kids of the loaded keys, in JWKS order ("" for a key without kid).
  std::vector<std::string> KeyIds() const;

 private:
  struct Key;

  JwtValidator(Options options, std::vector<Key> keys);

  // Appends the signature keys of `source` to `keys`. kInvalidArgument
  // naming the source and key.
  static absl::Status AddKeys(const KeySource& source, std::vector<Key>* keys);

  // Verify() with `endpoint_url` nullptr meaning "any endpoint under
  // Options::audience".
  absl::StatusOr<VerifiedToken> VerifyFor(absl::string_view token,
                                          absl::Time now,
                                          const std::string* endpoint_url);

  const Options options_;
  const std::vector<Key> keys_;
  // Options::jti_store, or an in-memory one.
  const std::shared_ptr<JtiStore> jti_store_;
};

}  // namespace dystonia::auth

#endif  // DYSTONIA_SERVICE_AUTH_JWT_VALIDATOR_H_
