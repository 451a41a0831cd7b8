#ifndef DYSTONIA_SERVICE_CDS_HOOKS_PREFETCH_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_PREFETCH_H_

// Prefetch the EHR did not send, read from its FHIR server. CDS Hooks 2.0:
// a service may query the request's fhirServer with fhirAuthorization's
// bearer token when the prefetch lacks what it needs, and answers 412 when it
// cannot get it.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// Reads one URL with a bearer token ("" for none) before a deadline; the
// response body. Its error statuses say why (see fhir::FhirRestClient).
using FhirGet = std::function<absl::StatusOr<std::string>(
    const std::string& url, const std::string& bearer_token,
    absl::Time deadline)>;

struct PrefetchSource {
  // FHIR base URLs this service may read ("https://ehr.example.org/fhir");
  // a request's fhirServer must be one of them (or under one). Empty: no
  // FHIR server is read, so an anonymous caller cannot make the service
  // fetch an address of its choosing.
  std::vector<std::string> allowed_servers;
  // Reads a URL; null: no FHIR server is read.
  FhirGet get;
  // For all the reads of one request.
  absl::Duration timeout = absl::Seconds(3);
  // Search result pages followed per prefetch key (Bundle.link "next").
  int max_pages = 5;
};

// The prefetch keys of the discovery document that `request` lacks: absent
// (or an OperationOutcome where the EHR's own query failed) and no resource
// of the key's type under another key. A key sent as null counts as sent:
// the EHR found nothing.
std::vector<std::string> MissingPrefetch(const json::Value& request);

// Fills the missing prefetch keys of `request` from its fhirServer. OK when
// nothing is missing or the request names no fhirServer (it is then judged
// on what it sent, and the cards say what was not available).
// kFailedPrecondition naming the key and the reason when a key cannot be
// read: the server is not allowed, unreachable, slow, refuses the token,
// answers too much or not FHIR. kInvalidArgument naming the field for a
// malformed fhirServer, fhirAuthorization or context.patientId.
absl::Status CompletePrefetch(json::Value* request,
                              const PrefetchSource& source, absl::Time now);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_PREFETCH_H_
