// dystonia-server: serves dystonia.v1.RiskService from the RocksDB drug
// store, seeding an empty store from the bundled knowledge base.
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "service/server/dystonia_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on (port 0 picks a free port)");
ABSL_FLAG(std::string, db_path, "data/dystonia-db",
          "RocksDB directory of the drug store (created when missing)");
ABSL_FLAG(std::string, knowledge_dir, "drug_db/knowledge",
          "Text knowledge base imported into an empty store");
ABSL_FLAG(std::string, http_listen, "",
          "host:port of the HTTP/JSON port for CDS Hooks (empty: none)");
ABSL_FLAG(int, shutdown_grace_seconds, 5,
          "Seconds in-flight calls get to finish on SIGTERM or SIGINT");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "dystonia-server [--listen HOST:PORT] [--db_path DIR] "
      "[--knowledge_dir DIR]");
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
  auto server = dystonia::DystoniaServer::Start(options);
  if (!server.ok()) {
    std::cerr << "dystonia-server: " << server.status() << "\n";
    return 1;
  }
  std::cerr << "dystonia-server: serving on port " << (*server)->port()
            << ", knowledge base " << (*server)->knowledge_version() << "\n";
  if ((*server)->http_port() > 0) {
    std::cerr << "dystonia-server: CDS Hooks on http port " << (*server)->http_port()
              << " (/cds-services)\n";
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
