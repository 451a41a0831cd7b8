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
//   (each with Options::leeway); `aud` names this service (see
//   Options::audience); `jti` not seen before in an accepted token that is
//   still live.
//
// Thread-safe: Verify() may be called from any number of threads. The keys
// are immutable; the replay cache is guarded by a mutex.
//
// Example:
//   JwtValidator::Options options;
//   options.audience = "https://cds.example.org/cds-services";
//   auto validator = JwtValidator::FromJwksFile(jwks_path, options);
//   if (!validator.ok()) return validator.status();
//   ...
//   absl::StatusOr<absl::string_view> token = BearerToken(authorization);
//   if (!token.ok()) return Reply401(token.status());
//   auto verified = (*validator)->Verify(*token, absl::Now());
//   if (!verified.ok()) return Reply401(verified.status());

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

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

class JwtValidator {
 public:
  struct Options {
    // The URL the EHR addresses, compared with the token's `aud` (a string or
    // an array of strings; one match suffices). An `aud` equal to it is
    // accepted. When it ends with "/cds-services" (the discovery endpoint),
    // any URL under it is accepted too ("<audience>/<service-id>",
    // ".../feedback"), as the spec has the EHR send the invoked endpoint's
    // URL. A trailing '/' is ignored. Required: empty is kInvalidArgument.
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
  };

  // Builds a validator from a JWK Set (RFC 7517) in JSON: {"keys": [...]}.
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
      absl::string_view jwks_json, Options options);

  // As FromJwksJson(), reading the JWK Set from `path`. kNotFound if the
  // file cannot be read.
  static absl::StatusOr<std::unique_ptr<JwtValidator>> FromJwksFile(
      const std::string& path, Options options);

  ~JwtValidator();
  JwtValidator(const JwtValidator&) = delete;
  JwtValidator& operator=(const JwtValidator&) = delete;

  // Verifies `token` (the compact JWS, without "Bearer ") at time `now`
  // and, when it is valid, records its `jti` until the token expires so the
  // same token (or any token with that jti) is refused meanwhile. A refused
  // token records nothing. Every refusal is kUnauthenticated with a message
  // naming the reason (malformed, alg not allowed, no key with the kid,
  // signature does not verify, expired, not yet valid, aud does not name
  // this service, a required claim missing, jti already used); the messages
  // hold no claim values beyond alg, kid, jti and times.
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token, absl::Time now);

  // The number of jti values held against replay (for tests and metrics).
  size_t ReplayCacheSize() const;

  // The kids of the loaded keys, in JWKS order ("" for a key without kid).
  std::vector<std::string> KeyIds() const;

 private:
  struct Key;

  JwtValidator(Options options, std::vector<Key> keys);

  // Drops the jti entries whose tokens can no longer be accepted at `now`.
  void PruneLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const Options options_;
  const std::vector<Key> keys_;

  mutable absl::Mutex mutex_;
  // jti -> the time after which its token is refused anyway (exp + leeway).
  absl::flat_hash_map<std::string, absl::Time> seen_jti_
      ABSL_GUARDED_BY(mutex_);
  // The same entries ordered by that time, for pruning in order.
  std::vector<std::pair<absl::Time, std::string>> expiry_heap_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace dystonia::auth

#endif  // DYSTONIA_SERVICE_AUTH_JWT_VALIDATOR_H_
