#include "service/server/http_edge.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dystonia {
namespace {

void AddCors(httplib::Response& response) {
  response.set_header("Access-Control-Allow-Origin", "*");
  response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  response.set_header("Access-Control-Allow-Headers",
                      "Content-Type, Authorization");
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(
    const std::string& listen, const cds_hooks::CdsHooksService* service) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: '", listen, "' is not host:port"));
  }
  const std::string host = listen.substr(0, colon);
  std::unique_ptr<HttpEdge> edge(new HttpEdge());
  edge->server_ = std::make_unique<httplib::Server>();
  auto handle = [service](const httplib::Request& request,
                          httplib::Response& response) {
    cds_hooks::HttpAnswer answer =
        service->Handle(request.method, request.path, request.body);
    response.status = answer.status;
    AddCors(response);
    response.set_content(answer.json, "application/json");
  };
  edge->server_->Get(R"(/.*)", handle);
  edge->server_->Post(R"(/.*)", handle);
  edge->server_->Options(
      R"(/.*)", [](const httplib::Request&, httplib::Response& response) {
        AddCors(response);
        response.status = 204;
      });
  // A request body larger than this is refused before it is read.
  edge->server_->set_payload_max_length(8 << 20);
  if (port == 0) {
    edge->port_ = edge->server_->bind_to_any_port(host);
  } else if (edge->server_->bind_to_port(host, port)) {
    edge->port_ = port;
  } else {
    edge->port_ = -1;
  }
  if (edge->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot bind ", listen));
  }
  httplib::Server* server = edge->server_.get();
  edge->thread_ = std::thread([server] { server->listen_after_bind(); });
  return edge;
}

HttpEdge::~HttpEdge() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dystonia
