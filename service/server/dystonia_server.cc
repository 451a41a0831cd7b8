#include "service/server/dystonia_server.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace dystonia {
namespace {

constexpr char kServiceName[] = "dystonia.v1.RiskService";

void SetServing(grpc::Server* server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  health->SetServingStatus(kServiceName, serving);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DystoniaServer>> DystoniaServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<DystoniaServer> server(new DystoniaServer());
  server->service_ = std::make_unique<RiskServiceImpl>(&server->knowledge_);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  SetServing(server->server_.get(), false);

  auto fail = [&server](absl::Status status) {
    server->Shutdown(absl::ZeroDuration());
    return status;
  };
  auto store = DrugStore::Open(options.db_path);
  if (!store.ok()) return fail(store.status());
  server->store_ = *std::move(store);
  auto seeded = SeedIfEmpty(*server->store_, options.knowledge_dir);
  if (!seeded.ok()) return fail(seeded.status());
  auto snapshot = KnowledgeSnapshot::Load(*server->store_);
  if (!snapshot.ok()) return fail(snapshot.status());
  server->knowledge_.Set(*std::move(snapshot));
  server->service_->set_store(server->store_.get());
  if (!options.http_listen.empty()) {
    server->cds_hooks_ = std::make_unique<cds_hooks::CdsHooksService>(
        &server->knowledge_, server->store_.get());
    auto http = HttpEdge::Start(options.http_listen, server->cds_hooks_.get());
    if (!http.ok()) return fail(http.status());
    server->http_ = *std::move(http);
  }
  SetServing(server->server_.get(), true);
  return server;
}

DystoniaServer::~DystoniaServer() {
  Shutdown(absl::ZeroDuration());
  Wait();
}

int DystoniaServer::http_port() const {
  return http_ == nullptr ? 0 : http_->port();
}

std::string DystoniaServer::knowledge_version() const {
  std::shared_ptr<const KnowledgeSnapshot> current = knowledge_.Current();
  return current == nullptr ? "" : current->version();
}

void DystoniaServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mutex_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  SetServing(server_.get(), false);
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoSeconds(grace));
}

void DystoniaServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace dystonia
