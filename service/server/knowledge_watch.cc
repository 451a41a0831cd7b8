#include "service/server/knowledge_watch.h"

#include <memory>

#include "absl/synchronization/mutex.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "service/server/access_control.h"

namespace dystonia {
namespace {

class KnowledgeWatchReactor
    : public grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate> {
 public:
  KnowledgeWatchReactor(KnowledgeHolder* holder, std::string known_version)
      : holder_(holder), sent_(std::move(known_version)) {
    listener_ = holder_->AddListener([this] { SendLatest(); });
    SendLatest();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mutex_);
    writing_ = false;
    if (!ok) return FinishLocked(grpc::Status::OK);  // the replica is gone
    SendLatestLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mutex_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    // Once removed, the listener is not running and will not run again.
    holder_->RemoveListener(listener_);
    delete this;
  }

 private:
  void SendLatest() {
    absl::MutexLock lock(&mutex_);
    SendLatestLocked();
  }

  // One write in flight at a time; a version activated meanwhile is sent
  // when it completes, and a version superseded before it was sent is
  // skipped (a replica needs the active one, not the history).
  void SendLatestLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (writing_ || finished_) return;
    std::shared_ptr<const KnowledgeSnapshot> snapshot = holder_->Current();
    if (snapshot == nullptr || snapshot->version() == sent_) return;
    update_.Clear();
    update_.set_version(snapshot->version());
    *update_.mutable_bundle() = snapshot->bundle();
    update_.set_sha256(BundleSha256(update_.bundle()));
    sent_ = snapshot->version();
    writing_ = true;
    StartWrite(&update_);
  }

  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  KnowledgeHolder* const holder_;
  int listener_ = -1;
  absl::Mutex mutex_;
  std::string sent_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  v1::KnowledgeVersionUpdate update_ ABSL_GUARDED_BY(mutex_);
};

// A watch refused before it starts (no replica token, no knowledge yet).
class RefusedWatch
    : public grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate> {
 public:
  explicit RefusedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* RefuseKnowledgeWatch(
    const grpc::Status& status) {
  return new RefusedWatch(status);
}

std::string BundleSha256(const v1::KnowledgeBundle& bundle) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    bundle.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* StartKnowledgeWatch(
    KnowledgeHolder* holder, const std::string& known_version) {
  return new KnowledgeWatchReactor(holder, known_version);
}

}  // namespace dystonia
