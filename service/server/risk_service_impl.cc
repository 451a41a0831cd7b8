#include "service/server/risk_service_impl.h"

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "service/engine/feedback_summary.h"
#include "service/engine/knowledge_views.h"
#include "service/engine/request_validator.h"
#include "service/engine/risk_engine.h"
#include "service/server/raw_unary.h"
#include "service/server/risk_queries.h"
#include "service/server/status_conversion.h"
#include "service/server/tsan_handoff.h"

namespace dystonia {
namespace {

// The request_id of a CheckRequest that did not parse, if it is readable.
std::string SalvageRequestId(const grpc::ByteBuffer& buffer) {
  google::protobuf::UnknownFieldSet fields;
  grpc::ByteBuffer shared(buffer);  // shares the slices; the reader moves on
  grpc::ProtoBufferReader reader(&shared);
  if (!fields.ParseFromZeroCopyStream(&reader)) return "";
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& field = fields.field(i);
    if (field.number() == 1 &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED &&
        IsValidUtf8(field.length_delimited())) {
      return field.length_delimited();
    }
  }
  return "";
}

}  // namespace

void CallGate::Finish(grpc::ServerUnaryReactor* reactor,
                      const absl::Status& status) const {
  const absl::Duration latency = absl::Now() - start;
  if (metrics != nullptr)
    metrics->RecordRequest(method, status.code(), latency);
  if (log != nullptr) {
    log->Log(MethodName(method), status.code(), latency, knowledge_version,
             request_id);
  }
  reactor->Finish(ToGrpcStatus(status));
}

namespace {

// Runs a unary method on the serving snapshot: `handler` is (snapshot,
// request) -> StatusOr<response>.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                   CallGate gate, const KnowledgeHolder& holder,
                                   const grpc::ByteBuffer* request_bytes,
                                   grpc::ByteBuffer* response_bytes,
                                   Handler handler) {
  std::shared_ptr<const KnowledgeSnapshot> knowledge = holder.Current();
  if (gate.log != nullptr && knowledge != nullptr) {
    gate.knowledge_version = knowledge->version();
  }
  return ServeRawUnary<Request, Response>(
      context, gate.admitted, *request_bytes, response_bytes,
      [&](const Request& request) -> absl::StatusOr<Response> {
        if (knowledge == nullptr) return KnowledgeUnavailable();
        return handler(*knowledge, request);
      },
      [&](grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
        gate.Finish(reactor, status);
      });
}

// Judges one CheckStream message; a bad one gets a response with `error`.
void CheckOne(const KnowledgeHolder& holder, const grpc::ByteBuffer& bytes,
              v1::CheckRequest* request, v1::CheckResponse* response) {
  request->Clear();
  absl::Status status = ParseRawRequest(bytes, request);
  std::shared_ptr<const KnowledgeSnapshot> knowledge = holder.Current();
  if (status.ok() && knowledge == nullptr) status = KnowledgeUnavailable();
  if (status.ok()) {
    status = RunCheck(*knowledge, *request, response);
  }
  if (!status.ok()) {
    response->Clear();
    response->set_request_id(request->request_id().empty()
                                 ? SalvageRequestId(bytes)
                                 : request->request_id());
    response->mutable_error()->set_code(static_cast<int>(status.code()));
    response->mutable_error()->set_message(std::string(status.message()));
    if (knowledge != nullptr) {
      response->set_knowledge_base_version(knowledge->version());
    }
  }
}

// The bytes of one CheckStream answer; an answer too large to send becomes
// an INTERNAL error answer for its request.
grpc::ByteBuffer AnswerBytes(v1::CheckResponse* response) {
  grpc::ByteBuffer bytes;
  const absl::Status serialized = SerializeRawResponse(*response, &bytes);
  if (serialized.ok()) return bytes;
  v1::CheckResponse error;
  error.set_request_id(response->request_id());
  error.set_knowledge_base_version(response->knowledge_base_version());
  error.mutable_error()->set_code(static_cast<int>(serialized.code()));
  error.mutable_error()->set_message(std::string(serialized.message()));
  *response = std::move(error);
  grpc::ByteBuffer error_bytes;
  // An error answer is a few hundred bytes: it always fits.
  if (!SerializeRawResponse(*response, &error_bytes).ok()) return {};
  return error_bytes;
}

// Answers each request of the stream in order. Reading is pipelined with
// writing: the next request is read and judged while earlier answers are
// still being written, up to kMaxQueuedResponses; past that, reading waits,
// so a client that does not read its answers cannot make the server buffer
// without bound.
class CheckStreamReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  static constexpr size_t kMaxQueuedResponses = 16;

  // A stream whose caller is not `allowed` ends at once with that status.
  // `active`, when given, is decremented when the stream is done.
  CheckStreamReactor(const KnowledgeHolder* holder, const absl::Status& allowed,
                     Metrics* metrics, std::atomic<int>* active,
                     RequestLog* log = nullptr)
      : holder_(holder), metrics_(metrics), active_(active), log_(log) {
    if (!allowed.ok()) {
      finished_ = true;
      HandToGrpc(this);
      Finish(ToGrpcStatus(allowed));
      return;
    }
    HandToGrpc(&request_bytes_);
    StartRead(&request_bytes_);
  }

  void OnReadDone(bool ok) override {
    GrpcCallbackScope scope(&request_bytes_, this);
    if (!ok) {
      std::lock_guard<std::mutex> lock(mu_);
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    const absl::Time start = absl::Now();
    CheckOne(*holder_, request_bytes_, &request_, &response_);
    if (metrics_ != nullptr) {
      metrics_->RecordRequest(
          Method::kCheckStream,
          response_.has_error()
              ? static_cast<absl::StatusCode>(response_.error().code())
              : absl::StatusCode::kOk,
          absl::Now() - start);
      metrics_->RecordFindings(response_);
    }
    if (log_ != nullptr) {
      log_->Log(MethodName(Method::kCheckStream),
                response_.has_error()
                    ? static_cast<absl::StatusCode>(response_.error().code())
                    : absl::StatusCode::kOk,
                absl::Now() - start, response_.knowledge_base_version(),
                response_.request_id());
    }
    grpc::ByteBuffer bytes = AnswerBytes(&response_);
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_) return;  // finished already: start nothing more
    queued_.push_back(std::move(bytes));
    if (!writing_) StartNextWriteLocked();
    if (queued_.size() < kMaxQueuedResponses) {
      HandToGrpc(&request_bytes_);
      StartRead(&request_bytes_);
    } else {
      read_paused_ = true;
    }
  }

  void OnWriteDone(bool ok) override {
    GrpcCallbackScope scope(&queued_, this);
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      failed_ = true;
      ReleaseSlot();
      HandToGrpc(this);
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "the client stopped reading"));
      return;
    }
    queued_.pop_front();
    if (!queued_.empty()) StartNextWriteLocked();
    if (read_paused_ && !failed_) {
      read_paused_ = false;
      HandToGrpc(&request_bytes_);
      StartRead(&request_bytes_);
    }
    MaybeFinishLocked();
  }

  void OnDone() override {
    BackFromGrpc(this);
    ReleaseSlot();
    delete this;
  }

 private:
  void StartNextWriteLocked() {
    writing_ = true;
    HandToGrpc(&queued_);
    StartWrite(&queued_.front());
  }

  // The stream ends once the client is done sending and every answer has
  // been written.
  void MaybeFinishLocked() {
    if (reads_done_ && !writing_ && queued_.empty() && !finished_ && !failed_) {
      finished_ = true;
      ReleaseSlot();
      HandToGrpc(this);
      Finish(grpc::Status::OK);
    }
  }

  // Frees the stream's place under the open-stream cap, once, before the
  // client can see the stream end (so a client that opens the next stream
  // right after never finds the old one still counted).
  void ReleaseSlot() {
    std::atomic<int>* active = active_.exchange(nullptr);
    if (active != nullptr) active->fetch_sub(1);
  }

  const KnowledgeHolder* holder_;
  Metrics* metrics_;
  std::atomic<std::atomic<int>*> active_;
  RequestLog* log_;
  // Only the reading side touches these (one read is outstanding at a time).
  grpc::ByteBuffer request_bytes_;
  v1::CheckRequest request_;
  v1::CheckResponse response_;
  std::mutex mu_;
  // Answers not yet written; front() is being written when writing_.
  std::deque<grpc::ByteBuffer> queued_;
  bool writing_ = false;
  bool read_paused_ = false;
  bool reads_done_ = false;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace

// Check is the hot path: the request and response messages are reused per
// thread, so a check after the first allocates nothing for its strings and
// repeated fields (Clear keeps their capacity).
grpc::ServerUnaryReactor* RiskServiceImpl::Check(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes,
    grpc::ByteBuffer* response_bytes) {
  thread_local v1::CheckRequest request;
  thread_local v1::CheckResponse response;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  CallGate gate = Gate(context, Method::kCheck);
  std::shared_ptr<const KnowledgeSnapshot> knowledge = knowledge_->Current();
  const absl::Status status = AnswerRawUnary(
      gate.admitted, *request_bytes, &request,
      [&] {
        if (knowledge == nullptr) return KnowledgeUnavailable();
        return RunCheck(*knowledge, request, &response);
      },
      response, response_bytes);
  if (log_ != nullptr) {
    gate.request_id = request.request_id();
    if (knowledge != nullptr) gate.knowledge_version = knowledge->version();
  }
  if (status.ok() && metrics_ != nullptr) metrics_->RecordFindings(response);
  gate.Finish(reactor, status);
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
RiskServiceImpl::CheckStream(grpc::CallbackServerContext* context) {
  absl::Status admitted = Gate(context, Method::kCheckStream).admitted;
  // A server-wide cap on open streams: each holds a reactor and a queue.
  if (admitted.ok() &&
      active_streams_.fetch_add(1) >= limits_.max_concurrent_streams) {
    active_streams_.fetch_sub(1);
    admitted = absl::ResourceExhaustedError(absl::StrCat(
        "too many open CheckStreams (limit ", limits_.max_concurrent_streams,
        "); retry later or use fewer streams"));
    return new CheckStreamReactor(knowledge_, admitted, nullptr, nullptr);
  }
  return new CheckStreamReactor(knowledge_, admitted, metrics_,
                                admitted.ok() ? &active_streams_ : nullptr,
                                log_);
}

grpc::ServerUnaryReactor* RiskServiceImpl::GetDrug(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunUnary<v1::GetDrugRequest, v1::DrugProfile>(
      context, Gate(context, Method::kGetDrug), *knowledge_, request, response,
      RunGetDrug);
}

grpc::ServerUnaryReactor* RiskServiceImpl::SearchDrugs(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunUnary<v1::SearchDrugsRequest, v1::SearchDrugsResponse>(
      context, Gate(context, Method::kSearchDrugs), *knowledge_, request,
      response, RunSearchDrugs);
}

grpc::ServerUnaryReactor* RiskServiceImpl::GetKnowledgeBaseInfo(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunUnary<v1::GetKnowledgeBaseInfoRequest, v1::KnowledgeBaseInfo>(
      context, Gate(context, Method::kGetKnowledgeBaseInfo), *knowledge_,
      request, response, RunGetKnowledgeBaseInfo);
}

grpc::ServerUnaryReactor* RiskServiceImpl::GetFeedbackSummary(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return RunUnary<v1::GetFeedbackSummaryRequest, v1::FeedbackSummary>(
      context, Gate(context, Method::kGetFeedbackSummary), *knowledge_, request,
      response,
      [this](const KnowledgeSnapshot&,
             const v1::GetFeedbackSummaryRequest& range)
          -> absl::StatusOr<v1::FeedbackSummary> {
        if (range.from_unix_seconds() < 0 || range.to_unix_seconds() < 0 ||
            (range.to_unix_seconds() > 0 &&
             range.to_unix_seconds() <= range.from_unix_seconds())) {
          return absl::InvalidArgumentError(
              "to_unix_seconds: must be after from_unix_seconds (0 = "
              "unbounded)");
        }
        if (feedback_summary_source_ != nullptr) {
          return feedback_summary_source_(range);
        }
        const DrugStore* store = store_.load();
        if (store == nullptr) return KnowledgeUnavailable();
        std::vector<v1::CardFeedback> feedback;
        absl::Status read = store->ForEachFeedback(
            [&](const v1::CardFeedback& entry) {
              if (!entry.rule_id().empty()) {
                feedback.push_back(entry);
                return;
              }
              // Feedback a replica took on a peer's card can arrive before
              // that card's record: its rule is looked up now. A card no
              // server issued (a replica cannot tell) is not counted.
              absl::StatusOr<v1::CardIssue> issue =
                  store->FindCardIssue(entry.card_uuid());
              if (!issue.ok()) return;
              feedback.push_back(entry);
              feedback.back().set_rule_id(issue->rule_id());
            });
        if (!read.ok()) return read;
        return SummarizeFeedback(feedback, range.from_unix_seconds(),
                                            range.to_unix_seconds());
      });
}

CallGate RiskServiceImpl::Gate(const grpc::CallbackServerContext* context,
                               Method method) const {
  CallGate gate;
  gate.metrics = metrics_;
  gate.log = log_;
  gate.method = method;
  gate.start = absl::Now();
  gate.admitted = Allowed(context);
  if (gate.admitted.ok() &&
      context->deadline() < std::chrono::system_clock::now()) {
    gate.admitted = absl::DeadlineExceededError(
        "the call's deadline passed before it was served");
  }
  return gate;
}

absl::Status RiskServiceImpl::Allowed(
    const grpc::CallbackServerContext* context) const {
  if (access_ == nullptr || !access_->enabled()) return absl::OkStatus();
  return access_->Authorize(AuthorizationMetadata(*context), Role::kReader)
      .status();
}

}  // namespace dystonia
