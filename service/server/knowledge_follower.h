#ifndef DYSTONIA_SERVICE_SERVER_KNOWLEDGE_FOLLOWER_H_
#define DYSTONIA_SERVICE_SERVER_KNOWLEDGE_FOLLOWER_H_

// A replica's side of KnowledgeBaseAdmin.WatchKnowledge: follows the
// writer's active version and serves it. Each version sent is checked
// against its SHA-256, imported with the same validation and atomic batch
// as any import, then swapped in; a version that fails either is refused
// and the replica keeps serving what it had. When the writer is away, it
// reconnects with backoff and serves its last version meanwhile.

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_holder.h"
#include "grpcpp/grpcpp.h"
#include "service/server/stop_signal.h"

namespace dystonia {

struct FollowerOptions {
  // host:port of the writer's gRPC port. Required.
  std::string writer;
  // A bearer token of role replica ("" when the writer takes no tokens).
  std::string token;
  // PEM CA of the writer's TLS certificate ("" for plaintext).
  std::string tls_ca_pem;
  // Waits between reconnections, doubling from the first to the last.
  absl::Duration min_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
};

// A channel to the writer: TLS with `tls_ca_pem` when given, and room for a
// whole knowledge bundle in one message.
std::shared_ptr<grpc::Channel> WriterChannel(const std::string& writer,
                                             const std::string& tls_ca_pem);

class KnowledgeFollower {
 public:
  // Starts following on its own thread; returns at once. `admin` imports
  // into the replica's store and swaps `holder`; both outlive this.
  static std::unique_ptr<KnowledgeFollower> Start(FollowerOptions options,
                                                  KnowledgeAdmin* admin,
                                                  KnowledgeHolder* holder);

  // Stops following and joins the thread.
  ~KnowledgeFollower();

  struct Seen {
    // The writer's version last sent ("" before the first).
    std::string writer_version;
    // When the writer was last heard from (a version or the stream opening);
    // InfinitePast before that.
    absl::Time last_heard = absl::InfinitePast();
    // Versions refused (checksum or validation).
    int refused = 0;
  };
  Seen seen() const;

  const std::string& writer() const { return options_.writer; }

 private:
  KnowledgeFollower(FollowerOptions options, KnowledgeAdmin* admin,
                    KnowledgeHolder* holder);
  void Run();
  // One stream until it ends; true when it was opened.
  bool FollowOnce(grpc::Channel* channel);
  void Apply(const class v1::KnowledgeVersionUpdate& update);

  const FollowerOptions options_;
  KnowledgeAdmin* const admin_;
  KnowledgeHolder* const holder_;
  StopSignal stop_;
  mutable absl::Mutex mutex_;
  grpc::ClientContext* stream_ ABSL_GUARDED_BY(mutex_) = nullptr;
  Seen seen_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_KNOWLEDGE_FOLLOWER_H_
