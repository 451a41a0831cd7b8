#include "tests/testing/raw_grpc_call.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "grpcpp/generic/generic_stub.h"

namespace dystonia::testing {

grpc::Status CallRawUnary(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method, const std::string& bytes,
                          grpc::ByteBuffer* reply,
                          const std::string& bearer_token) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (!bearer_token.empty()) {
    context.AddMetadata("authorization", "Bearer " + bearer_token);
  }
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::Slice slice(bytes.data(), bytes.size());
  grpc::ByteBuffer request(&slice, 1);
  grpc::Status result;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, reply,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mutex);
                   result = status;
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  return result;
}

}  // namespace dystonia::testing
