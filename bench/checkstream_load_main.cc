// One client stream of CheckStream checks, as an audit client sends them:
// the same request over and over with a bounded window in flight, counting
// answers per second. Responses are counted as bytes and not parsed (except
// the first, which must be a real answer), so the client costs little.
//   checkstream-load --server 127.0.0.1:50051 --request check_10.textproto
//                    [--seconds 5] [--window 64]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "dystonia/v1/risk_service.pb.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"

namespace {

using Clock = std::chrono::steady_clock;

grpc::ByteBuffer Serialized(const google::protobuf::Message& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class StreamLoad
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamLoad(grpc::GenericStub* stub, grpc::ByteBuffer request, int window,
             Clock::time_point deadline)
      : request_(std::move(request)), window_(window), deadline_(deadline) {
    stub->PrepareBidiStreamingCall(&context_,
                                   "/dystonia.v1.RiskService/CheckStream",
                                   grpc::StubOptions(), this);
    StartRead(&response_);
    AddHold();  // released when the writer side is done
    MaybeWrite();
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      FinishWritesLocked();
      return;
    }
    MaybeWriteLocked();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (!checked_first_) {
      checked_first_ = true;
      dystonia::v1::CheckResponse first;
      grpc::Slice slice;
      std::string bytes;
      std::vector<grpc::Slice> slices;
      response_.Dump(&slices);
      for (const auto& s : slices)
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      if (!first.ParseFromString(bytes) || first.has_error() ||
          first.findings_size() == 0) {
        std::fprintf(
            stderr, "checkstream-load: the first answer is not a real check\n");
        bad_first_ = true;
      }
      first_bytes_ = bytes.size();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++received_;
      MaybeWriteLocked();
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    done_ = true;
    cv_.notify_all();
  }

  grpc::Status Await() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return status_;
  }

  long received() const { return received_; }
  bool bad_first() const { return bad_first_; }
  size_t first_bytes() const { return first_bytes_; }

 private:
  void MaybeWrite() {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeWriteLocked();
  }

  void MaybeWriteLocked() {
    if (writing_ || writes_done_) return;
    if (Clock::now() >= deadline_) {
      FinishWritesLocked();
      return;
    }
    if (sent_ - received_ >= window_) return;
    writing_ = true;
    ++sent_;
    StartWrite(&request_);
  }

  void FinishWritesLocked() {
    if (writes_done_) return;
    writes_done_ = true;
    StartWritesDone();
    RemoveHold();
  }

  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  const long window_;
  const Clock::time_point deadline_;
  std::mutex mu_;
  std::condition_variable cv_;
  long sent_ = 0;
  long received_ = 0;
  bool writing_ = false;
  bool writes_done_ = false;
  bool done_ = false;
  bool checked_first_ = false;
  bool bad_first_ = false;
  size_t first_bytes_ = 0;
  grpc::Status status_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  std::string request_path;
  double seconds = 5;
  int window = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--server")
      server = argv[i + 1];
    else if (flag == "--request")
      request_path = argv[i + 1];
    else if (flag == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (flag == "--window")
      window = std::atoi(argv[i + 1]);
  }
  if (request_path.empty() || window < 1 || seconds <= 0) {
    std::fprintf(
        stderr,
        "usage: checkstream-load --server HOST:PORT --request FILE.textproto "
        "[--seconds S] [--window W]\n");
    return 2;
  }
  std::ifstream in(request_path);
  std::stringstream text;
  text << in.rdbuf();
  dystonia::v1::CheckRequest request;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &request)) {
    std::fprintf(stderr, "checkstream-load: cannot parse %s\n",
                 request_path.c_str());
    return 2;
  }
  grpc::GenericStub stub(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()));
  const auto start = Clock::now();
  StreamLoad load(&stub, Serialized(request), window,
                  start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(seconds)));
  const grpc::Status status = load.Await();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  if (!status.ok() || load.bad_first()) {
    std::fprintf(stderr, "checkstream-load: stream ended with %d %s\n",
                 static_cast<int>(status.error_code()),
                 status.error_message().c_str());
    return 1;
  }
  std::printf(
      "checks %ld in %.2f s: %.0f checks/s (window %d, response %zu bytes)\n",
      load.received(), elapsed, load.received() / elapsed, window,
      load.first_bytes());
  return 0;
}
