#include "service/server/feedback_outbox.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/admin.grpc.pb.h"

namespace dystonia {
namespace {

// Entries handed over per call: small enough for one message, large enough
// that a backlog after an outage drains quickly.
constexpr int kBatch = 200;
constexpr absl::Duration kIdlePoll = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

}  // namespace

std::unique_ptr<FeedbackOutbox> FeedbackOutbox::Start(
    DrugStore* store, std::shared_ptr<grpc::Channel> writer, std::string token) {
  std::unique_ptr<FeedbackOutbox> outbox(
      new FeedbackOutbox(store, std::move(writer), std::move(token)));
  outbox->thread_ = std::thread([raw = outbox.get()] { raw->Run(); });
  return outbox;
}

FeedbackOutbox::FeedbackOutbox(DrugStore* store,
                               std::shared_ptr<grpc::Channel> writer,
                               std::string token)
    : store_(store), writer_(std::move(writer)), token_(std::move(token)) {}

FeedbackOutbox::~FeedbackOutbox() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

int64_t FeedbackOutbox::delivered() const {
  absl::MutexLock lock(&mutex_);
  return delivered_;
}

void FeedbackOutbox::Run() {
  absl::Duration wait = kIdlePoll;
  while (!stop_.WaitFor(wait)) {
    switch (DeliverBatch()) {
      case Delivery::kMore:  // a full batch went: go again at once
        wait = absl::ZeroDuration();
        break;
      case Delivery::kDrained:
        wait = kIdlePoll;
        break;
      case Delivery::kFailed:  // the writer is away: back off
        wait = std::min(std::max(wait * 2, kIdlePoll), kMaxBackoff);
        break;
    }
  }
}

FeedbackOutbox::Delivery FeedbackOutbox::DeliverBatch() {
  absl::StatusOr<std::vector<std::pair<std::string, v1::ForwardFeedbackRequest>>>
      entries = store_->ReadOutbox(kBatch);
  if (!entries.ok()) return Delivery::kFailed;
  if (entries->empty()) return Delivery::kDrained;
  v1::ForwardFeedbackRequest request;
  std::vector<std::string> keys;
  for (const auto& [key, entry] : *entries) {
    keys.push_back(key);
    for (const auto& issue : entry.issues()) *request.add_issues() = issue;
    for (const auto& feedback : entry.feedback()) *request.add_feedback() = feedback;
  }
  grpc::ClientContext context;
  if (!token_.empty())
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ForwardFeedbackResponse response;
  grpc::Status status = v1::KnowledgeBaseAdmin::NewStub(writer_)->ForwardFeedback(
      &context, request, &response);
  if (!status.ok()) return Delivery::kFailed;
  if (!store_->RemoveFromOutbox(keys).ok()) return Delivery::kFailed;
  absl::MutexLock lock(&mutex_);
  delivered_ += static_cast<int64_t>(keys.size());
  return static_cast<int>(keys.size()) == kBatch ? Delivery::kMore
                                                 : Delivery::kDrained;
}

}  // namespace dystonia
