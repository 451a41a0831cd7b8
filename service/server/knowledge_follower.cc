#include "service/server/knowledge_follower.h"

#include <algorithm>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "service/server/knowledge_watch.h"

namespace dystonia {
namespace {

// A knowledge bundle is a few MB; well above gRPC's 4 MB default.
constexpr int kMaxBundleBytes = 256 << 20;

}  // namespace

std::shared_ptr<grpc::Channel> WriterChannel(const std::string& writer,
                                             const std::string& tls_ca_pem) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!tls_ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls_ca_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxBundleBytes);
  return grpc::CreateCustomChannel(writer, credentials, arguments);
}

std::unique_ptr<KnowledgeFollower> KnowledgeFollower::Start(
    FollowerOptions options, KnowledgeAdmin* admin, KnowledgeHolder* holder) {
  std::unique_ptr<KnowledgeFollower> follower(
      new KnowledgeFollower(std::move(options), admin, holder));
  follower->thread_ = std::thread([raw = follower.get()] { raw->Run(); });
  return follower;
}

KnowledgeFollower::KnowledgeFollower(FollowerOptions options,
                                     KnowledgeAdmin* admin,
                                     KnowledgeHolder* holder)
    : options_(std::move(options)), admin_(admin), holder_(holder) {}

KnowledgeFollower::~KnowledgeFollower() {
  stop_.Stop();
  {
    absl::MutexLock lock(&mutex_);
    if (stream_ != nullptr) stream_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

KnowledgeFollower::Seen KnowledgeFollower::seen() const {
  absl::MutexLock lock(&mutex_);
  return seen_;
}

void KnowledgeFollower::Run() {
  std::shared_ptr<grpc::Channel> channel =
      WriterChannel(options_.writer, options_.tls_ca_pem);
  absl::Duration backoff = options_.min_backoff;
  while (!stop_.stopped()) {
    if (FollowOnce(channel.get())) backoff = options_.min_backoff;
    // Wakes early when told to stop.
    if (stop_.WaitFor(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool KnowledgeFollower::FollowOnce(grpc::Channel* channel) {
  grpc::ClientContext context;
  if (!options_.token.empty()) {
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", options_.token));
  }
  {
    // Checked under the lock the destructor cancels under, so a stream
    // opened after the stop is cancelled too.
    absl::MutexLock lock(&mutex_);
    if (stop_.stopped()) return false;
    stream_ = &context;
  }
  // known_version stays empty: the writer sends its active version at once,
  // and one this replica already serves is recognized by its checksum.
  v1::WatchKnowledgeRequest request;
  auto stub = v1::KnowledgeBaseAdmin::NewStub(
      std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  std::unique_ptr<grpc::ClientReader<v1::KnowledgeVersionUpdate>> reader =
      stub->WatchKnowledge(&context, request);
  v1::KnowledgeVersionUpdate update;
  bool opened = false;
  while (reader->Read(&update)) {
    opened = true;
    Apply(update);
  }
  grpc::Status status = reader->Finish();
  {
    absl::MutexLock lock(&mutex_);
    stream_ = nullptr;
  }
  if (stop_.stopped()) return opened;
  std::cerr << "dystonia-server: replica of " << options_.writer
            << ": stream ended (" << status.error_code() << " "
            << status.error_message() << "); serving "
            << (holder_->Current() ? holder_->Current()->version()
                                   : std::string("nothing yet"))
            << " and reconnecting\n";
  return opened;
}

void KnowledgeFollower::Apply(const v1::KnowledgeVersionUpdate& update) {
  {
    absl::MutexLock lock(&mutex_);
    seen_.writer_version = update.version();
    seen_.last_heard = absl::Now();
  }
  const std::string sha256 = BundleSha256(update.bundle());
  if (sha256 != update.sha256()) {
    std::cerr << "dystonia-server: replica of " << options_.writer
              << ": version " << update.version()
              << " refused: its checksum does not match; still serving the "
                 "previous version\n";
    absl::MutexLock lock(&mutex_);
    ++seen_.refused;
    return;
  }
  std::shared_ptr<const KnowledgeSnapshot> current = holder_->Current();
  if (current != nullptr && BundleSha256(current->bundle()) == sha256) return;
  absl::StatusOr<AuditedWrite> imported = admin_->ImportBundle(
      update.bundle(), absl::StrCat("replica of ", options_.writer),
      absl::StrCat("writer version ", update.version()),
      // The writer's own guards judged this version; a replica mirrors it.
      DropGuard::kForce);
  if (!imported.ok()) {
    std::cerr << "dystonia-server: replica of " << options_.writer
              << ": version " << update.version()
              << " refused: " << imported.status().message()
              << "; still serving the previous version\n";
    absl::MutexLock lock(&mutex_);
    ++seen_.refused;
  }
}

}  // namespace dystonia
