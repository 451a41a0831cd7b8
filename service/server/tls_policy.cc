#include "service/server/tls_policy.h"

#include <cstdlib>
#include <cstring>

namespace dystonia {

void PinGrpcCipherSuites() {
  // setenv races with getenv in other threads: write only when needed, so
  // that a second server in the same process only reads.
  const char* current = std::getenv("GRPC_SSL_CIPHER_SUITES");
  if (current != nullptr && std::strcmp(current, kGrpcCipherSuites) == 0) {
    return;
  }
  setenv("GRPC_SSL_CIPHER_SUITES", kGrpcCipherSuites, /*overwrite=*/1);
}

}  // namespace dystonia
