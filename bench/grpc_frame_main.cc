// Writes one gRPC message frame (flag byte 0, 4-byte big-endian length, the
// serialized message) for h2load's --data:
//   grpc-frame check REQUEST.textproto OUT   a dystonia.v1.CheckRequest
//   grpc-frame health SERVICE OUT            a
//   grpc.health.v1.HealthCheckRequest
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "dystonia/v1/risk_service.pb.h"
#include "google/protobuf/text_format.h"
#include "grpc/health/v1/health.pb.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: grpc-frame check REQUEST.textproto OUT\n"
               "       grpc-frame health SERVICE OUT\n");
  return 2;
}

bool WriteFrame(const std::string& message, const std::string& path) {
  const uint32_t length = static_cast<uint32_t>(message.size());
  const char prefix[5] = {
      0, static_cast<char>(length >> 24), static_cast<char>(length >> 16),
      static_cast<char>(length >> 8), static_cast<char>(length)};
  std::ofstream out(path, std::ios::binary);
  out.write(prefix, sizeof(prefix));
  out.write(message.data(), static_cast<std::streamsize>(message.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return Usage();
  const std::string kind = argv[1];
  std::string message;
  if (kind == "check") {
    std::ifstream in(argv[2]);
    std::stringstream text;
    text << in.rdbuf();
    dystonia::v1::CheckRequest request;
    if (!in ||
        !google::protobuf::TextFormat::ParseFromString(text.str(), &request)) {
      std::fprintf(stderr, "grpc-frame: cannot parse %s as CheckRequest\n",
                   argv[2]);
      return 1;
    }
    message = request.SerializeAsString();
  } else if (kind == "health") {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(argv[2]);
    message = request.SerializeAsString();
  } else {
    return Usage();
  }
  if (!WriteFrame(message, argv[3])) {
    std::fprintf(stderr, "grpc-frame: cannot write %s\n", argv[3]);
    return 1;
  }
  return 0;
}
