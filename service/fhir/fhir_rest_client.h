#ifndef DYSTONIA_SERVICE_FHIR_FHIR_REST_CLIENT_H_
#define DYSTONIA_SERVICE_FHIR_FHIR_REST_CLIENT_H_

// Reads from a FHIR server over REST (GET, JSON), as CDS Hooks allows a
// service to when the EHR's prefetch lacks what it needs. Every read is
// bounded: a deadline, a size limit, no redirects, TLS verified.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dystonia::fhir {

struct FhirRestOptions {
  // A response larger than this is refused. Default: 4 MiB.
  int64_t max_response_bytes = 4 << 20;
  // PEM file of the certificate authorities that sign the FHIR servers'
  // certificates; "" uses the system's trust store. Default: "".
  std::string ca_file;
};

class FhirRestClient {
 public:
  explicit FhirRestClient(FhirRestOptions options = {})
      : options_(std::move(options)) {}

  // GET `url` (absolute http or https) with "Accept: application/fhir+json"
  // and, unless `bearer_token` is empty, "Authorization: Bearer ...";
  // returns the body of a 200 answer. kInvalidArgument for a URL that is not
  // http(s); kDeadlineExceeded when `deadline` passes; kUnavailable when the
  // server cannot be reached or its certificate is not trusted;
  // kUnauthenticated/kPermissionDenied for 401/403; kNotFound for 404;
  // kResourceExhausted for a body over the limit; kUnavailable for any other
  // status (redirects are not followed).
  absl::StatusOr<std::string> Get(const std::string& url,
                                  const std::string& bearer_token,
                                  absl::Time deadline) const;

 private:
  const FhirRestOptions options_;
};

}  // namespace dystonia::fhir

#endif  // DYSTONIA_SERVICE_FHIR_FHIR_REST_CLIENT_H_
