#ifndef DYSTONIA_SERVICE_SERVER_WIRE_DIAGNOSIS_H_
#define DYSTONIA_SERVICE_SERVER_WIRE_DIAGNOSIS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace dystonia {

// Explains why `bytes` did not parse as a `type` message: walks the wire
// format and returns kInvalidArgument naming the first string field that is
// not valid UTF-8 ("medications[2].name: is not valid UTF-8"), or saying the
// bytes are not a well-formed message. Never fails to return an error.
absl::Status DiagnoseUnparsableMessage(const google::protobuf::Descriptor& type,
                                       absl::string_view bytes);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_WIRE_DIAGNOSIS_H_
