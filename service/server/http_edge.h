#ifndef DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "service/cds_hooks/cds_hooks.h"

namespace httplib {
class Server;
}

namespace dystonia {

// The HTTP/JSON port: CDS Hooks (discovery, the two services, feedback)
// with the CORS headers EHR front ends need, served by cpp-httplib on its
// own threads.
class HttpEdge {
 public:
  // Binds `listen` ("host:port", port 0 picks one) and starts serving.
  // kUnavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpEdge>> Start(
      const std::string& listen, const cds_hooks::CdsHooksService* service);

  // Stops serving and joins its threads.
  ~HttpEdge();

  int port() const { return port_; }

 private:
  HttpEdge() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
