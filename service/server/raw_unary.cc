#include "service/server/raw_unary.h"

#include <climits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "grpcpp/support/slice.h"
#include "service/server/status_conversion.h"
#include "service/server/wire_diagnosis.h"

namespace dystonia {
namespace {

// The bytes of a request, flattened only when gRPC split them.
class RequestBytes {
 public:
  explicit RequestBytes(const grpc::ByteBuffer& buffer) {
    if (!buffer.Dump(&slices_).ok()) return;  // an empty request
    if (slices_.size() == 1) {
      view_ = absl::string_view(
          reinterpret_cast<const char*>(slices_[0].begin()), slices_[0].size());
      return;
    }
    for (const grpc::Slice& slice : slices_) {
      joined_.append(reinterpret_cast<const char*>(slice.begin()),
                     slice.size());
    }
    view_ = joined_;
  }
  absl::string_view view() const { return view_; }

 private:
  std::vector<grpc::Slice> slices_;
  std::string joined_;
  absl::string_view view_;
};

}  // namespace

absl::Status ParseRawRequest(const grpc::ByteBuffer& bytes,
                             google::protobuf::Message* request) {
  RequestBytes flat(bytes);
  if (flat.view().size() > INT_MAX) {
    return absl::InvalidArgumentError("request: is too large");
  }
  if (request->ParseFromArray(flat.view().data(),
                              static_cast<int>(flat.view().size()))) {
    return absl::OkStatus();
  }
  return DiagnoseUnparsableMessage(*request->GetDescriptor(), flat.view());
}

absl::Status SerializeRawResponse(const google::protobuf::Message& response,
                                  grpc::ByteBuffer* bytes) {
  const size_t size = response.ByteSizeLong();
  if (size > INT_MAX) {
    return absl::InternalError(absl::StrCat(
        "the ", response.GetDescriptor()->name(), " is too large to send"));
  }
  grpc::ProtoBufferWriter writer(bytes, grpc::kProtoBufferWriterMaxBufferLength,
                                 static_cast<int>(size));
  if (!response.SerializeToZeroCopyStream(&writer)) {
    return absl::InternalError(absl::StrCat(
        "the ", response.GetDescriptor()->name(), " could not be serialized"));
  }
  return absl::OkStatus();
}

absl::Status AnswerRawUnary(const absl::Status& admitted,
                            const grpc::ByteBuffer& request_bytes,
                            google::protobuf::Message* request,
                            absl::FunctionRef<absl::Status()> handle,
                            const google::protobuf::Message& response,
                            grpc::ByteBuffer* response_bytes) {
  request->Clear();  // so that nothing of an earlier call is read after
  if (!admitted.ok()) return admitted;
  absl::Status status = ParseRawRequest(request_bytes, request);
  if (status.ok()) status = handle();
  if (status.ok()) status = SerializeRawResponse(response, response_bytes);
  return status;
}

void FinishWithStatus(grpc::ServerUnaryReactor* reactor,
                      const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
}

}  // namespace dystonia
