#ifndef DYSTONIA_SERVICE_SERVER_DYSTONIA_SERVER_H_
#define DYSTONIA_SERVICE_SERVER_DYSTONIA_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_holder.h"
#include "grpcpp/grpcpp.h"
#include "service/auth/jwt_validator.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/server/admin_service_impl.h"
#include "service/server/http_edge.h"
#include "service/server/feedback_outbox.h"
#include "service/server/knowledge_dir_watch.h"
#include "service/server/knowledge_follower.h"
#include "service/server/risk_service_impl.h"

namespace dystonia {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free one.
  // Default: "127.0.0.1:50051".
  std::string listen = "127.0.0.1:50051";
  // RocksDB directory of the drug store; created when missing.
  // Default: "data/dystonia-db".
  std::string db_path = "data/dystonia-db";
  // Text knowledge base imported when the store is empty.
  // Default: "drug_db/knowledge".
  std::string knowledge_dir = "drug_db/knowledge";
  // host:port of the HTTP/JSON port (CDS Hooks); port 0 picks a free one.
  // Default: "" (no HTTP port).
  std::string http_listen;
  // A page about the knowledge base, given as each CDS Hooks card's
  // source.url. Default: "" (cards carry no source url).
  std::string cds_knowledge_url;
  // FHIR base URLs the CDS Hooks services may read prefetch from when the
  // EHR did not send it (the request's fhirServer must be one of them or
  // under one). Default: none (a request lacking prefetch whose fhirServer
  // would have to be read gets 412).
  std::vector<std::string> cds_fhir_servers;
  // PEM CAs that sign those servers' certificates. Default: "" (the
  // system's trust store).
  std::string cds_fhir_ca_file;
  // Time for all FHIR reads of one hook request. Default: 3 s.
  absl::Duration cds_fhir_timeout = absl::Seconds(3);
  // The largest FHIR response read. Default: 4 MiB.
  int64_t cds_fhir_max_bytes = 4 << 20;
  // PEM certificate chain and private key: TLS on both ports. Default: ""
  // (plaintext, said so in the log).
  std::string tls_cert;
  std::string tls_key;
  // PEM CA bundle: require and verify client certificates (mutual TLS).
  // Default: "" (no client certificates asked for).
  std::string tls_client_ca;
  // Bearer tokens with roles (see access_control.h). Default: "" (no
  // authentication), allowed only when every listener is loopback.
  std::string tokens_file;
  // A JWKS file of the EHRs' public keys: every CDS Hooks request must then
  // carry a valid JWT (see auth::JwtValidator: asymmetric algorithms only,
  // at most 5 minutes' lifetime, `iss` one of cds_issuers, `aud` the
  // endpoint called, no replayed `jti`). Default: "" (bearer tokens as for
  // gRPC).
  std::string cds_jwks_file;
  // The service URL EHRs call, e.g. "https://cds.example.org/cds-services";
  // required with cds_jwks_file.
  std::string cds_audience;
  // The `iss` values the keys of cds_jwks_file may sign for; required with
  // it. Default: none.
  std::vector<std::string> cds_issuers;
  // More JWK Sets, as "FILE=ISSUER" entries (see service/auth/jwks_flags.h).
  // Accepted jti values are kept in db_path/jwt-replay, so a replay after a
  // restart is refused too. Default: none.
  std::vector<std::string> cds_jwks;
  // Also accept RS256 and ES256 JWTs. Default: false (RS384, ES384 only).
  bool cds_allow_sha256 = false;
  // The largest request accepted, gRPC message or HTTP body; larger ones get
  // RESOURCE_EXHAUSTED (HTTP 413). Default: 4 MiB.
  int max_request_bytes = 4 << 20;
  // Threads running the HTTP port's handlers (see HttpEdgeOptions).
  // Default: 32.
  int http_threads = 32;
  // The HTTP port's connection, header, timeout and queue limits (see
  // HttpListenerOptions for each and its default); its address, TLS files,
  // body limit and threads come from the fields above.
  HttpListenerOptions http_limits;
  // Open CheckStreams across all clients. Default: 64.
  int max_concurrent_streams = 64;
  // One JSON line per request on stderr (see request_log.h). Default: false.
  bool log_requests = false;
  // host:port of the writer this server is a replica of: it serves the
  // writer's active version (KnowledgeBaseAdmin.WatchKnowledge), refuses
  // admin writes, and is not seeded from knowledge_dir. Default: "" (a
  // writer, or a single server).
  std::string follow;
  // A file holding the replica's bearer token (role replica) for the
  // writer. Default: "" (the writer takes no tokens).
  std::string follow_token_file;
  // PEM CA of the writer's TLS certificate. Default: "" (plaintext).
  std::string follow_tls_ca;
  // Import and activate a new bundle that appears in knowledge_dir (a
  // ConfigMap updated in place), looking every watch_period. Not with
  // follow. Default: false.
  bool watch_knowledge_dir = false;
  absl::Duration watch_period = absl::Seconds(10);
  // CDS Hooks feedback entries one caller may post a minute (0: no limit).
  // Default: 1200.
  int64_t feedback_rate_per_minute = 1200;
  // Health is NOT_SERVING while the serving knowledge version holds fewer
  // drugs than this: a wiped or truncated knowledge base finds nothing and
  // must not look healthy. 0: no floor.
  // Default: 0 (dystonia-server's --min_drugs: 100).
  int min_drugs = 0;
  // Serve plaintext on listeners other than loopback (something else, e.g.
  // a service mesh, encrypts the hop). Without it such a listener needs
  // tls_cert and tls_key. Default: false.
  bool allow_plaintext = false;
  // Offer gRPC server reflection (it lists every service, the admin one
  // included). Default: false.
  bool reflection = false;
  // host:port of a separate listener for KnowledgeBaseAdmin (and health);
  // when set, the admin service is only there, not on `listen`. Replicas
  // then --follow this port. Default: "" (admin on `listen`).
  std::string admin_listen;
};

// The dystonia-risk gRPC server: RiskService, KnowledgeBaseAdmin and
// grpc.health.v1 health on one port (admin on its own with admin_listen;
// server reflection only when asked for), and the HTTP port when asked for.
// Health is NOT_SERVING until the knowledge base is loaded, and while it
// holds fewer than min_drugs drugs.
//
// Thread-safe.
class DystoniaServer {
 public:
  // Starts listening, opens the store (importing `knowledge_dir` into an
  // empty one), loads the active version into memory and turns health to
  // SERVING. Returns kUnavailable if the port cannot be bound;
  // kInvalidArgument naming the flag for a listener beyond loopback without
  // TLS (and without allow_plaintext) or without tokens;
  // kFailedPrecondition naming the flag for a key or token file others may
  // read (see file_permissions.h), or naming the first broken entry when
  // the audit trail's hash chain does not verify; or the store's error.
  static absl::StatusOr<std::unique_ptr<DystoniaServer>> Start(
      const ServerOptions& options);

  ~DystoniaServer();

  // The bound port (useful with port 0).
  int port() const { return port_; }
  // The bound admin port, or 0 when there is no separate one.
  int admin_port() const { return admin_port_; }
  // Things the operator should fix that did not stop the start (e.g. a
  // database directory others may read), for the start-up log.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The bound HTTP port, or 0 when there is none.
  int http_port() const;
  // How the ports are protected, for the start-up log: "TLS", "mutual TLS"
  // or "plaintext"; and whether bearer tokens are required.
  std::string transport() const { return transport_; }
  bool tokens_required() const { return access_.enabled(); }
  // The serving knowledge-base version.
  std::string knowledge_version() const;

  // Turns health to NOT_SERVING, lets in-flight calls finish for up to
  // `grace`, then cancels the rest. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

  // Blocks until the server has shut down.
  void Wait();

 private:
  DystoniaServer() = default;

  // Sets health on every port.
  void SetServingLocked(bool serving)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shutdown_mutex_);

  KnowledgeHolder knowledge_;
  AccessControl access_;
  Metrics metrics_;
  std::unique_ptr<RequestLog> request_log_;
  std::unique_ptr<RiskServiceImpl> service_;
  std::unique_ptr<DrugStore> store_;
  // Declared after what they use, so they stop first.
  std::unique_ptr<KnowledgeAdmin> admin_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  // Declared last: they stop first, before the store they use.
  // A replica's writer: how to reach it.
  FollowerOptions follow_;
  std::shared_ptr<grpc::Channel> writer_channel_;
  std::unique_ptr<FeedbackOutbox> outbox_;
  std::unique_ptr<KnowledgeDirWatch> dir_watch_;
  std::unique_ptr<KnowledgeFollower> follower_;
  std::unique_ptr<cds_hooks::CdsHooksService> cds_hooks_;
  std::unique_ptr<auth::JwtValidator> jwt_;
  std::unique_ptr<HttpEdge> http_;
  std::unique_ptr<grpc::Server> server_;
  // Only with admin_listen: the admin service's own server.
  std::unique_ptr<grpc::Server> admin_server_;
  int port_ = 0;
  int min_drugs_ = 0;
  int admin_port_ = 0;
  std::vector<std::string> warnings_;
  std::string transport_ = "plaintext";
  absl::Mutex shutdown_mutex_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mutex_) = false;
  // Start() has finished: version swaps may turn health SERVING.
  bool ready_ ABSL_GUARDED_BY(shutdown_mutex_) = false;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_DYSTONIA_SERVER_H_
