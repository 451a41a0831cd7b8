#ifndef DYSTONIA_SERVICE_SERVER_RAW_UNARY_H_
#define DYSTONIA_SERVICE_SERVER_RAW_UNARY_H_

// One way to serve a unary gRPC method on raw bytes, for every service.
//
// A method registered raw receives the request's bytes instead of a message
// gRPC parsed: a request protobuf refuses (invalid UTF-8 in a string field)
// then gets INVALID_ARGUMENT naming the field ("drug.name: is not valid
// UTF-8") instead of gRPC's generic "failed to parse". Uses gRPC's public
// headers only.

#include <type_traits>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"

namespace dystonia {

// Parses `bytes` into `request` (which is not cleared first); when they do
// not parse, kInvalidArgument naming the first bad field.
absl::Status ParseRawRequest(const grpc::ByteBuffer& bytes,
                             google::protobuf::Message* request);

// Serializes `response` into `bytes`, which must be empty.
absl::Status SerializeRawResponse(const google::protobuf::Message& response,
                                  grpc::ByteBuffer* bytes);

// Answers one raw unary call without finishing it: unless `admitted` is an
// error, parses `request_bytes` into `request`, runs `handle` (which fills
// `response`) and serializes `response` into `response_bytes`. Returns the
// call's status: the first of those that failed, else OK. `request` is
// cleared first, so callers may reuse their messages.
absl::Status AnswerRawUnary(const absl::Status& admitted,
                            const grpc::ByteBuffer& request_bytes,
                            google::protobuf::Message* request,
                            absl::FunctionRef<absl::Status()> handle,
                            const google::protobuf::Message& response,
                            grpc::ByteBuffer* response_bytes);

// How a raw unary call ends once its status is known. The default finishes
// the reactor with the gRPC status of the same code and message; a service
// that records metrics or logs the call passes its own.
using FinishUnary =
    absl::FunctionRef<void(grpc::ServerUnaryReactor*, const absl::Status&)>;
void FinishWithStatus(grpc::ServerUnaryReactor* reactor,
                      const absl::Status& status);

// Serves one raw unary call of a callback service: answers it with
// AnswerRawUnary and ends it with `finish`. `handler` is either
//   absl::StatusOr<Response>(const Request&)  or
//   absl::Status(const Request&, Response*).
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ServeRawUnary(grpc::CallbackServerContext* context,
                                        const absl::Status& admitted,
                                        const grpc::ByteBuffer& request_bytes,
                                        grpc::ByteBuffer* response_bytes,
                                        Handler&& handler,
                                        FinishUnary finish = FinishWithStatus) {
  Request request;
  Response response;
  const absl::Status status = AnswerRawUnary(
      admitted, request_bytes, &request,
      [&]() -> absl::Status {
        if constexpr (std::is_invocable_r_v<absl::Status, Handler&,
                                            const Request&, Response*>) {
          return handler(std::as_const(request), &response);
        } else {
          absl::StatusOr<Response> answer = handler(std::as_const(request));
          if (!answer.ok()) return answer.status();
          response = *std::move(answer);
          return absl::OkStatus();
        }
      },
      response, response_bytes);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  finish(reactor, status);
  return reactor;
}

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_RAW_UNARY_H_
