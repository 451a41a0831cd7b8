#include "service/server/dystonia_server.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "drug_db/file_text.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "service/auth/jwks_flags.h"
#include "service/auth/rocksdb_jti_store.h"
#include "service/fhir/fhir_rest_client.h"
#include "service/server/file_permissions.h"
#include "service/server/listen_address.h"
#include "service/server/tls_policy.h"

namespace dystonia {
namespace {

constexpr char kServiceName[] = "dystonia.v1.RiskService";

void SetServing(grpc::Server* server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  health->SetServingStatus(kServiceName, serving);
}

// Whether `knowledge` may serve: a version below the drug floor (a wiped or
// truncated import) would answer "no finding" for drugs it has lost.
bool MeetsDrugFloor(const KnowledgeSnapshot& knowledge, int min_drugs) {
  if (knowledge.bundle().drug_size() >= min_drugs) return true;
  std::cerr << "dystonia-server: knowledge base " << knowledge.version()
            << " holds " << knowledge.bundle().drug_size()
            << " drugs, fewer than --min_drugs " << min_drugs
            << ": health NOT_SERVING until a complete version is active\n";
  return false;
}

// Turns server reflection on or off for one builder. Linking the
// reflection library registers its plugin for every server the process
// builds (a static initializer), so "off" must remove it and "on" must not
// rely on it.
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}

  void UpdateArguments(grpc::ChannelArguments* /*arguments*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    grpc::reflection::ProtoServerReflectionPlugin reflection;
    const std::string name = reflection.name();
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [&name](const auto& plugin) {
                                    return plugin->name() == name;
                                  }),
                   plugins->end());
    if (enabled_) {
      plugins->push_back(
          std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
  }

 private:
  const bool enabled_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DystoniaServer>> DystoniaServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<DystoniaServer> server(new DystoniaServer());
  const std::vector<NamedListener> listeners = {
      {"--listen", options.listen},
      {"--http_listen", options.http_listen},
      {"--admin_listen", options.admin_listen}};
  absl::Status exposure =
      RequireTokensOffLoopback(listeners, !options.tokens_file.empty());
  if (exposure.ok()) {
    exposure = RequireTlsOffLoopback(listeners, !options.tls_cert.empty(),
                                     options.allow_plaintext);
  }
  if (!exposure.ok()) return exposure;
  if (!options.tokens_file.empty()) {
    absl::Status mode =
        CheckSecretFileMode(options.tokens_file, "--tokens_file");
    if (!mode.ok()) return mode;
    auto access = AccessControl::FromTokensFile(options.tokens_file);
    if (!access.ok()) return access.status();
    server->access_ = *std::move(access);
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!options.tls_client_ca.empty() && options.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca needs --tls_cert and --tls_key");
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (!options.tls_cert.empty()) {
    auto cert = ReadFileText(options.tls_cert);
    if (!cert.ok()) return cert.status();
    auto key = ReadSecretFile(options.tls_key, "--tls_key");
    if (!key.ok()) return key.status();
    PinGrpcCipherSuites();
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    server->transport_ = "TLS";
    if (!options.tls_client_ca.empty()) {
      auto ca = ReadFileText(options.tls_client_ca);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
      server->transport_ = "mutual TLS";
    }
    credentials = grpc::SslServerCredentials(ssl);
  }
  ServiceLimits limits;
  limits.max_concurrent_streams = options.max_concurrent_streams;
  if (options.log_requests)
    server->request_log_ = std::make_unique<RequestLog>();
  server->service_ = std::make_unique<RiskServiceImpl>(
      &server->knowledge_, &server->access_, &server->metrics_, limits,
      server->request_log_.get());

  if (!options.follow.empty()) {
    // A replica: set up before serving, so that no call sees it half-made.
    server->follow_.writer = options.follow;
    if (!options.follow_token_file.empty()) {
      auto token =
          ReadSecretFile(options.follow_token_file, "--follow_token_file");
      if (!token.ok()) return token.status();
      server->follow_.token = std::string(absl::StripAsciiWhitespace(*token));
    }
    if (!options.follow_tls_ca.empty()) {
      auto ca = ReadFileText(options.follow_tls_ca);
      if (!ca.ok()) return ca.status();
      server->follow_.tls_ca_pem = *ca;
    }
    server->writer_channel_ =
        WriterChannel(server->follow_.writer, server->follow_.tls_ca_pem);
    server->service_->set_feedback_summary_source(
        [writer = server->writer_channel_, token = server->follow_.token](
            const v1::GetFeedbackSummaryRequest& range)
            -> absl::StatusOr<v1::FeedbackSummary> {
          grpc::ClientContext context;
          if (!token.empty())
            context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
          context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(3));
          v1::FeedbackSummary summary;
          grpc::Status status = v1::RiskService::NewStub(writer)->GetFeedbackSummary(
              &context, range, &summary);
          if (!status.ok()) {
            return absl::UnavailableError(absl::StrCat(
                "the writer holds the feedback totals and did not answer: ",
                status.error_message()));
          }
          return summary;
        });
  }
  auto database_warning = PrepareDatabaseDirectory(options.db_path);
  if (!database_warning.ok()) return database_warning.status();
  if (!database_warning->empty()) {
    server->warnings_.push_back(*std::move(database_warning));
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<ReflectionOption>(options.reflection));
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  // A client that sends and never reads must not make the server buffer
  // without bound: fixed HTTP/2 flow-control windows (no BDP probing, which
  // would grow them to tens of MB per connection) keep what gRPC accepts
  // ahead of the bounded CheckStream queue small.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // gRPC sets SO_REUSEPORT by default, so a second server on the same port
  // started "serving" and the two answered alternately from different
  // knowledge versions: a port in use is a start-up error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(server->service_.get());
  server->admin_service_ =
      std::make_unique<AdminServiceImpl>(&server->access_, &server->metrics_,
                                         &server->knowledge_);
  if (!options.follow.empty()) server->admin_service_->set_writer(options.follow);
  if (options.admin_listen.empty()) {
    builder.RegisterService(server->admin_service_.get());
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", options.listen,
                     " (is another server already using that port?)"));
  }
  SetServing(server->server_.get(), false);
  if (!options.admin_listen.empty()) {
    grpc::ServerBuilder admin_builder;
    admin_builder.SetOption(
        std::make_unique<ReflectionOption>(options.reflection));
    admin_builder.AddListeningPort(options.admin_listen, credentials,
                                   &server->admin_port_);
    admin_builder.SetMaxReceiveMessageSize(options.max_request_bytes);
    admin_builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    admin_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    admin_builder.RegisterService(server->admin_service_.get());
    server->admin_server_ = admin_builder.BuildAndStart();
    if (server->admin_server_ == nullptr || server->admin_port_ == 0) {
      server->Shutdown(absl::ZeroDuration());
      return absl::UnavailableError(absl::StrCat(
          "--admin_listen: cannot listen on ", options.admin_listen));
    }
    SetServing(server->admin_server_.get(), false);
  }

  auto fail = [&server](absl::Status status) {
    server->Shutdown(absl::ZeroDuration());
    return status;
  };
  auto store = DrugStore::Open(options.db_path);
  if (!store.ok()) return fail(store.status());
  server->store_ = *std::move(store);
  // A trail that no longer verifies was altered while no server held it;
  // serving on would keep writing onto a chain nobody can trust.
  auto chain = server->store_->VerifyAuditChain();
  if (!chain.ok()) {
    return fail(absl::FailedPreconditionError(absl::StrCat(
        "audit trail of ", options.db_path, " is broken: ",
        chain.status().message(),
        "; investigate with `dystonia-kb audit --verify`, restore a backup")));
  }
  server->min_drugs_ = options.min_drugs;
  // Every version swapped in (an admin write, a replica's import) is served
  // and counted; a replica turns SERVING with its first version.
  DystoniaServer* raw = server.get();
  server->knowledge_.AddListener([raw] {
    std::shared_ptr<const KnowledgeSnapshot> current = raw->knowledge_.Current();
    if (current == nullptr) return;
    raw->metrics_.SetKnowledgeVersion(current->version());
    const bool serving = MeetsDrugFloor(*current, raw->min_drugs_);
    absl::MutexLock lock(&raw->shutdown_mutex_);
    if (!raw->shut_down_ && raw->ready_) raw->SetServingLocked(serving);
  });
  // A replica serves only what its writer sent: it is not seeded from
  // --knowledge_dir, and an empty store waits for the writer.
  if (options.follow.empty()) {
    auto seeded = SeedIfEmpty(*server->store_, options.knowledge_dir);
    if (!seeded.ok()) return fail(seeded.status());
  }
  auto snapshot = KnowledgeSnapshot::Load(*server->store_);
  if (snapshot.ok()) {
    server->knowledge_.Set(*std::move(snapshot));
  } else if (options.follow.empty() || !absl::IsNotFound(snapshot.status())) {
    return fail(snapshot.status());
  }
  server->service_->set_store(server->store_.get());
  KnowledgeAdminOptions admin_options;
  admin_options.holder = &server->knowledge_;
  server->admin_ =
      std::make_unique<KnowledgeAdmin>(server->store_.get(), admin_options);
  server->admin_service_->set_admin(server->admin_.get());
  server->admin_service_->set_store(server->store_.get());
  if (!options.http_listen.empty()) {
    cds_hooks::CdsHooksOptions cds_options;
    cds_options.knowledge_url = options.cds_knowledge_url;
    cds_options.forward_to_writer = !options.follow.empty();
    cds_options.feedback_rate_per_minute = options.feedback_rate_per_minute;
    if (!options.cds_fhir_servers.empty()) {
      fhir::FhirRestOptions fhir_options;
      fhir_options.ca_file = options.cds_fhir_ca_file;
      fhir_options.max_response_bytes = options.cds_fhir_max_bytes;
      auto client = std::make_shared<const fhir::FhirRestClient>(fhir_options);
      cds_options.prefetch.allowed_servers = options.cds_fhir_servers;
      cds_options.prefetch.timeout = options.cds_fhir_timeout;
      cds_options.prefetch.get = [client](const std::string& url,
                                          const std::string& token,
                                          absl::Time deadline) {
        return client->Get(url, token, deadline);
      };
    }
    server->cds_hooks_ = std::make_unique<cds_hooks::CdsHooksService>(
        &server->knowledge_, server->store_.get(), std::move(cds_options));
    auto jwks_files = auth::JwksFilesFromFlags(
        options.cds_jwks_file, options.cds_issuers, options.cds_jwks);
    if (!jwks_files.ok()) return fail(jwks_files.status());
    if (!jwks_files->empty()) {
      auth::JwtValidator::Options jwt_options;
      jwt_options.audience = options.cds_audience;
      if (options.cds_allow_sha256) {
        jwt_options.algorithms = {"RS384", "ES384", "RS256", "ES256"};
      }
      auto jti_store =
          auth::RocksDbJtiStore::Open(options.db_path + "/jwt-replay");
      if (!jti_store.ok()) return fail(jti_store.status());
      jwt_options.jti_store = *std::move(jti_store);
      auto jwt = auth::JwtValidator::FromJwksFiles(*jwks_files, jwt_options);
      if (!jwt.ok()) return fail(jwt.status());
      server->jwt_ = *std::move(jwt);
    }
    HttpEdgeOptions http_options;
    http_options.jwt = server->jwt_.get();
    http_options.metrics = &server->metrics_;
    http_options.knowledge = &server->knowledge_;
    http_options.store = server->store_.get();
    http_options.max_request_bytes = options.max_request_bytes;
    http_options.worker_threads = options.http_threads;
    http_options.limits = options.http_limits;
    http_options.listen = options.http_listen;
    http_options.tls_cert = options.tls_cert;
    http_options.tls_key = options.tls_key;
    http_options.tls_client_ca = options.tls_client_ca;
    auto http = HttpEdge::Start(http_options, server->cds_hooks_.get(),
                                &server->access_);
    if (!http.ok()) return fail(http.status());
    server->http_ = *std::move(http);
  }
  if (!options.follow.empty()) {
    server->outbox_ = FeedbackOutbox::Start(server->store_.get(),
                                            server->writer_channel_,
                                            server->follow_.token);
    FollowerOptions follow = server->follow_;
    server->follower_ = KnowledgeFollower::Start(
        std::move(follow), server->admin_.get(), &server->knowledge_);
    KnowledgeFollower* follower = server->follower_.get();
    server->metrics_.SetWriterSource([follower] {
      const KnowledgeFollower::Seen seen = follower->seen();
      return Metrics::WriterSeen{follower->writer(), seen.writer_version,
                                 seen.last_heard};
    });
  }
  if (options.watch_knowledge_dir) {
    if (!options.follow.empty()) {
      return fail(absl::InvalidArgumentError(
          "--watch_knowledge_dir: a replica takes its knowledge from its "
          "writer (--follow), not from a directory"));
    }
    server->dir_watch_ = KnowledgeDirWatch::Start(
        options.knowledge_dir, options.watch_period, server->admin_.get(),
        &server->knowledge_);
  }
  {
    absl::MutexLock lock(&server->shutdown_mutex_);
    server->ready_ = true;
  }
  // SERVING once a version is held (a replica's first may still be coming).
  if (std::shared_ptr<const KnowledgeSnapshot> current =
          server->knowledge_.Current();
      current != nullptr) {
    const bool serving = MeetsDrugFloor(*current, server->min_drugs_);
    absl::MutexLock lock(&server->shutdown_mutex_);
    if (!server->shut_down_) server->SetServingLocked(serving);
  }
  return server;
}

DystoniaServer::~DystoniaServer() {
  // Metrics stop asking the follower before it goes; the background threads
  // that call into the admin and the store stop before the ports do.
  metrics_.SetWriterSource(nullptr);
  follower_.reset();
  dir_watch_.reset();
  outbox_.reset();
  Shutdown(absl::ZeroDuration());
  Wait();
  // The ports' threads are joined before the services they call are
  // destroyed.
  http_.reset();
  admin_server_.reset();
  server_.reset();
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
  SetServingLocked(false);
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoSeconds(grace);
  if (admin_server_ != nullptr) admin_server_->Shutdown(deadline);
  server_->Shutdown(deadline);
}

void DystoniaServer::Wait() {
  if (server_ != nullptr) server_->Wait();
  if (admin_server_ != nullptr) admin_server_->Wait();
}

void DystoniaServer::SetServingLocked(bool serving) {
  SetServing(server_.get(), serving);
  if (admin_server_ != nullptr) SetServing(admin_server_.get(), serving);
}

}  // namespace dystonia
