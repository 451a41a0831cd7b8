// dystonia-server: serves dystonia.v1.RiskService from the RocksDB drug
// store, seeding an empty store from the bundled knowledge base.
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "service/server/dystonia_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on (port 0 picks a free port)");
ABSL_FLAG(std::string, db_path, "data/dystonia-db",
          "RocksDB directory of the drug store (created when missing)");
ABSL_FLAG(std::string, knowledge_dir, "drug_db/knowledge",
          "Text knowledge base imported into an empty store");
ABSL_FLAG(std::string, http_listen, "",
          "host:port of the HTTP/JSON port for CDS Hooks (empty: none)");
ABSL_FLAG(int, http_threads, 32,
          "threads running the HTTP port's handlers (a hook call may wait on "
          "a FHIR server)");
ABSL_FLAG(int, http_max_connections, 512,
          "connections the HTTP port holds open at once; more are closed on "
          "accept");
ABSL_FLAG(int, http_max_connections_per_client, 64,
          "connections the HTTP port holds open from one client address");
ABSL_FLAG(int, http_max_header_bytes, 32 << 10,
          "the largest request line and headers the HTTP port reads (431 "
          "beyond)");
ABSL_FLAG(int, http_request_timeout_seconds, 10,
          "time a client has to send a whole HTTP request, from its first "
          "byte");
ABSL_FLAG(int, http_idle_timeout_seconds, 30,
          "time a kept-alive HTTP connection may wait for its next request");
ABSL_FLAG(int, http_handler_timeout_seconds, 15,
          "time an HTTP handler has to answer before the caller gets 503");
ABSL_FLAG(std::string, cds_knowledge_url, "",
          "Address of a page about the knowledge base, given as each CDS "
          "Hooks card's source.url (empty: none)");
ABSL_FLAG(std::vector<std::string>, cds_fhir_servers, {},
          "comma-separated FHIR base URLs (e.g. https://ehr.example.org/fhir) "
          "that CDS Hooks may read the prefetch an EHR did not send from, "
          "with the request's fhirAuthorization (empty: none; such requests "
          "get 412)");
ABSL_FLAG(std::string, cds_fhir_ca_file, "",
          "PEM CAs of the --cds_fhir_servers certificates (empty: the "
          "system's)");
ABSL_FLAG(int, cds_fhir_timeout_ms, 3000,
          "time for all FHIR reads of one CDS Hooks request");
ABSL_FLAG(int64_t, cds_fhir_max_bytes, 4 << 20,
          "the largest FHIR response read");
ABSL_FLAG(std::string, follow, "",
          "host:port of the writer this server is a replica of: it serves "
          "the writer's active knowledge version and refuses admin writes "
          "(empty: a writer or a single server)");
ABSL_FLAG(std::string, follow_token_file, "",
          "file holding this replica's bearer token (role replica) for the "
          "writer");
ABSL_FLAG(bool, watch_knowledge_dir, false,
          "import and activate a new bundle that appears in --knowledge_dir "
          "(a ConfigMap updated in place), looking every "
          "--watch_period_seconds");
ABSL_FLAG(int, watch_period_seconds, 10,
          "how often --watch_knowledge_dir looks");
ABSL_FLAG(int, min_drugs, 100,
          "health is NOT_SERVING while the active knowledge version holds "
          "fewer drugs than this (0: no floor)");
ABSL_FLAG(std::string, follow_tls_ca, "",
          "PEM CA of the writer's TLS certificate (empty: plaintext)");
ABSL_FLAG(
    std::string, tls_cert, "",
    "PEM certificate chain: TLS on the gRPC and HTTP ports (empty: plaintext)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require client certificates it signed (mutual TLS)");
ABSL_FLAG(
    std::string, tokens_file, "",
    "bearer tokens with roles, one 'NAME ROLE SHA256_HEX_OF_TOKEN' per line "
    "(empty: no authentication, loopback listeners only)");
ABSL_FLAG(
    std::string, cds_jwks_file, "",
    "JWKS of the EHRs' public keys: CDS Hooks requests then need a valid JWT");
ABSL_FLAG(std::string, cds_audience, "",
          "the CDS Hooks service URL the EHR's JWT must name in aud, e.g. "
          "https://cds.example.org/cds-services");
ABSL_FLAG(std::vector<std::string>, cds_issuers, {},
          "the iss values the keys of --cds_jwks_file may sign for (required "
          "with it), e.g. https://ehr.example.org/");
ABSL_FLAG(std::vector<std::string>, cds_jwks, {},
          "more EHRs' keys, as FILE=ISSUER entries (repeat a FILE for more "
          "issuers); each key then signs only for its issuers");
ABSL_FLAG(bool, cds_allow_sha256, false,
          "also accept RS256/ES256 JWTs (RS384 and ES384 always)");
ABSL_FLAG(int, max_request_bytes, 4 << 20,
          "the largest gRPC message or HTTP body accepted");
ABSL_FLAG(
    int, max_concurrent_streams, 64,
    "open CheckStreams across all clients; one more gets RESOURCE_EXHAUSTED");
ABSL_FLAG(
    bool, log_requests, false,
    "one JSON line per request on stderr: method, status, latency, "
    "knowledge version, request id (off by default: a client's request id "
    "could carry a patient identifier)");
ABSL_FLAG(bool, allow_plaintext, false,
          "serve plaintext on listeners beyond loopback (something else, "
          "e.g. a service mesh, encrypts the hop); without it they need "
          "--tls_cert and --tls_key");
ABSL_FLAG(bool, reflection, false,
          "offer gRPC server reflection (it lists every service, the admin "
          "one included)");
ABSL_FLAG(std::string, admin_listen, "",
          "host:port of a separate listener for KnowledgeBaseAdmin; when "
          "set, the admin service is only there (empty: on --listen)");
ABSL_FLAG(int, shutdown_grace_seconds, 5,
          "Seconds in-flight calls get to finish on SIGTERM or SIGINT");
ABSL_FLAG(int64_t, feedback_rate_per_minute, 1200,
          "CDS Hooks feedback entries one caller may post a minute (token "
          "bucket per caller; more gets 429); 0: no limit");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "dystonia-server [--listen HOST:PORT] [--db_path DIR] "
      "[--knowledge_dir DIR]");
  // --help lists this file's flags (Abseil looks for a file named after the
  // binary, and found none: "No flags matched").
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "server/main.cc");
  };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  dystonia::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.db_path = absl::GetFlag(FLAGS_db_path);
  options.knowledge_dir = absl::GetFlag(FLAGS_knowledge_dir);
  options.http_listen = absl::GetFlag(FLAGS_http_listen);
  options.cds_knowledge_url = absl::GetFlag(FLAGS_cds_knowledge_url);
  options.feedback_rate_per_minute =
      absl::GetFlag(FLAGS_feedback_rate_per_minute);
  options.cds_fhir_servers = absl::GetFlag(FLAGS_cds_fhir_servers);
  options.cds_fhir_ca_file = absl::GetFlag(FLAGS_cds_fhir_ca_file);
  options.cds_fhir_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_cds_fhir_timeout_ms));
  options.cds_fhir_max_bytes = absl::GetFlag(FLAGS_cds_fhir_max_bytes);
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.tokens_file = absl::GetFlag(FLAGS_tokens_file);
  options.cds_jwks_file = absl::GetFlag(FLAGS_cds_jwks_file);
  options.cds_audience = absl::GetFlag(FLAGS_cds_audience);
  options.cds_issuers = absl::GetFlag(FLAGS_cds_issuers);
  options.cds_jwks = absl::GetFlag(FLAGS_cds_jwks);
  options.cds_allow_sha256 = absl::GetFlag(FLAGS_cds_allow_sha256);
  options.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  options.http_threads = absl::GetFlag(FLAGS_http_threads);
  options.http_limits.max_connections =
      absl::GetFlag(FLAGS_http_max_connections);
  options.http_limits.max_connections_per_client =
      absl::GetFlag(FLAGS_http_max_connections_per_client);
  options.http_limits.max_header_bytes =
      absl::GetFlag(FLAGS_http_max_header_bytes);
  options.http_limits.request_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_http_request_timeout_seconds));
  options.http_limits.idle_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_http_idle_timeout_seconds));
  options.http_limits.handler_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_http_handler_timeout_seconds));
  options.http_limits.shutdown_grace =
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.log_requests = absl::GetFlag(FLAGS_log_requests);
  options.follow = absl::GetFlag(FLAGS_follow);
  options.follow_token_file = absl::GetFlag(FLAGS_follow_token_file);
  options.follow_tls_ca = absl::GetFlag(FLAGS_follow_tls_ca);
  options.watch_knowledge_dir = absl::GetFlag(FLAGS_watch_knowledge_dir);
  options.watch_period =
      absl::Seconds(absl::GetFlag(FLAGS_watch_period_seconds));
  options.min_drugs = absl::GetFlag(FLAGS_min_drugs);
  options.allow_plaintext = absl::GetFlag(FLAGS_allow_plaintext);
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.admin_listen = absl::GetFlag(FLAGS_admin_listen);
  auto server = dystonia::DystoniaServer::Start(options);
  if (!server.ok()) {
    std::cerr << "dystonia-server: " << server.status() << "\n";
    return 1;
  }
  std::cerr << "dystonia-server: serving on port " << (*server)->port()
            << ", knowledge base " << (*server)->knowledge_version() << "\n";
  std::cerr << "dystonia-server: transport " << (*server)->transport()
            << ((*server)->transport() != "plaintext" ? ""
                : options.allow_plaintext
                    ? " (--allow_plaintext: tokens and patient data cross "
                      "the network unencrypted unless something else "
                      "encrypts the hop)"
                    : " (no --tls_cert: loopback only)")
            << "; bearer tokens "
            << ((*server)->tokens_required() ? "required"
                                             : "off (no --tokens_file)")
            << "\n";
  if ((*server)->admin_port() > 0) {
    std::cerr << "dystonia-server: KnowledgeBaseAdmin only on admin port "
              << (*server)->admin_port() << "\n";
  }
  if (options.reflection) {
    std::cerr << "dystonia-server: gRPC reflection on (--reflection)\n";
  }
  for (const std::string& warning : (*server)->warnings()) {
    std::cerr << "dystonia-server: warning: " << warning << "\n";
  }
  if ((*server)->http_port() > 0) {
    std::cerr << "dystonia-server: CDS Hooks on http port "
              << (*server)->http_port() << " (/cds-services)\n";
  }

  std::thread waiter([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::cerr << "dystonia-server: signal " << signal_number
              << ", shutting down\n";
    (*server)->Shutdown(
        absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  });
  (*server)->Wait();
  waiter.join();
  std::cerr << "dystonia-server: stopped\n";
  return 0;
}
