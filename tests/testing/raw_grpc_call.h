#ifndef DYSTONIA_TESTS_TESTING_RAW_GRPC_CALL_H_
#define DYSTONIA_TESTS_TESTING_RAW_GRPC_CALL_H_

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace dystonia::testing {

// Sends `bytes` as the request of the unary `method` ("/package.Service/
// Method") over `channel`, bypassing client-side serialization: for requests
// no generated client would send. `bearer_token`, when not empty, goes in
// the "authorization" metadata. The call's deadline is 10 s.
grpc::Status CallRawUnary(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method, const std::string& bytes,
                          grpc::ByteBuffer* reply,
                          const std::string& bearer_token = "");

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_RAW_GRPC_CALL_H_
