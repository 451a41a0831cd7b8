#ifndef DYSTONIA_SERVICE_SERVER_FEEDBACK_OUTBOX_H_
#define DYSTONIA_SERVICE_SERVER_FEEDBACK_OUTBOX_H_

// A replica's delivery of its outbox (the CDS Hooks cards it issued and the
// feedback it took) to the writer, through
// KnowledgeBaseAdmin.ForwardFeedback: at least once, in order, after any
// writer outage. An entry leaves the outbox only once the writer has stored
// it; the writer stores each card's record and feedback once (keyed by the
// card), so a resend after a crash changes nothing.

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "drug_db/drug_store.h"
#include "grpcpp/grpcpp.h"
#include "service/server/stop_signal.h"

namespace dystonia {

class FeedbackOutbox {
 public:
  // Starts delivering on its own thread. `store` outlives this.
  static std::unique_ptr<FeedbackOutbox> Start(
      DrugStore* store, std::shared_ptr<grpc::Channel> writer,
      std::string token);

  // Stops delivering (what is left stays in the outbox) and joins.
  ~FeedbackOutbox();

  // Entries delivered so far.
  int64_t delivered() const;

 private:
  FeedbackOutbox(DrugStore* store, std::shared_ptr<grpc::Channel> writer,
                 std::string token);
  enum class Delivery { kMore, kDrained, kFailed };
  void Run();
  // Delivers one batch of the oldest entries.
  Delivery DeliverBatch();

  DrugStore* const store_;
  const std::shared_ptr<grpc::Channel> writer_;
  const std::string token_;
  StopSignal stop_;
  mutable absl::Mutex mutex_;
  int64_t delivered_ ABSL_GUARDED_BY(mutex_) = 0;
  std::thread thread_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_FEEDBACK_OUTBOX_H_
