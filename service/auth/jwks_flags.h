#ifndef DYSTONIA_SERVICE_AUTH_JWKS_FLAGS_H_
#define DYSTONIA_SERVICE_AUTH_JWKS_FLAGS_H_

// The server's JWT key flags as JwksFile values: which JWK Set files to
// trust and the issuers each may sign for.
//   --cds_jwks_file=FILE --cds_issuers=ISS[,ISS...]   (one EHR, as before)
//   --cds_jwks=FILE=ISS[,FILE=ISS...]                 (several EHRs)
// Both forms may be combined; entries naming the same FILE are one source.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/auth/jwt_validator.h"

namespace dystonia::auth {

// kInvalidArgument naming the flag: --cds_jwks_file without --cds_issuers
// (a deployment from before issuers were required learns it at start),
// --cds_issuers without --cds_jwks_file, an empty issuer, or a --cds_jwks
// entry that is not FILE=ISSUER. No flag given: an empty list.
absl::StatusOr<std::vector<JwksFile>> JwksFilesFromFlags(
    const std::string& cds_jwks_file,
    const std::vector<std::string>& cds_issuers,
    const std::vector<std::string>& cds_jwks);

}  // namespace dystonia::auth

#endif  // DYSTONIA_SERVICE_AUTH_JWKS_FLAGS_H_
