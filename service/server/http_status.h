#ifndef DYSTONIA_SERVICE_SERVER_HTTP_STATUS_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_STATUS_H_

#include "absl/status/status.h"

namespace dystonia {

// The HTTP status for an absl::Status code: the one map the HTTP edge uses.
// kFailedPrecondition is 412, which CDS Hooks 2.0 gives a service that
// cannot get the FHIR data it needs.
int HttpStatusOf(absl::StatusCode code);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_STATUS_H_
