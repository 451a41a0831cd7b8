#ifndef DYSTONIA_SERVICE_SERVER_STATUS_CONVERSION_H_
#define DYSTONIA_SERVICE_SERVER_STATUS_CONVERSION_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace dystonia {

// Maps an absl::Status to the gRPC status with the same code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_STATUS_CONVERSION_H_
