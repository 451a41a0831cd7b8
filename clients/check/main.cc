// dystonia-check: checks one patient against a running dystonia-server and
// prints a readable report (or, with --json, the protobuf JSON mapping).
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clients/check/check_cli.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto invocation = dystonia::ParseCheckArguments(args);
  if (!invocation.ok()) {
    std::cerr << "dystonia-check: " << invocation.status().message() << "\n"
              << dystonia::CheckUsage();
    return 2;
  }
  if (invocation->help) {
    std::cout << dystonia::CheckUsage();
    return 0;
  }
  auto connection = dystonia::ClientConnection::Open(
      invocation->server, invocation->security, std::getenv("DYSTONIA_TOKEN"));
  if (!connection.ok()) {
    std::cerr << "dystonia-check: " << connection.status().message() << "\n";
    return 2;
  }
  const std::shared_ptr<grpc::Channel>& channel = connection->channel();
  auto stub = dystonia::v1::RiskService::NewStub(channel);
  grpc::ClientContext context;
  connection->Authorize(&context);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(
                           invocation->timeout_seconds * 1000)));
  // Rides out a failed connection attempt within the deadline: Debian's gRPC
  // 1.51 now and then takes a connect() in progress for a failure (fixed
  // upstream, grpc/grpc#35064).
  context.set_wait_for_ready(true);
  dystonia::v1::CheckResponse response;
  grpc::Status status = stub->Check(&context, invocation->request, &response);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      channel->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
    std::cerr << "dystonia-check: " << invocation->server
              << ": could not connect within " << invocation->timeout_seconds
              << " s (is the server running?)\n";
    return 1;
  }
  if (!status.ok()) {
    std::cerr << "dystonia-check: " << invocation->server << ": "
              << status.error_message() << " (gRPC code "
              << static_cast<int>(status.error_code()) << ")\n";
    return 1;
  }
  if (invocation->json) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = false;
    const auto printed =
        google::protobuf::util::MessageToJsonString(response, &json, options);
    if (!printed.ok()) {
      std::cerr << "dystonia-check: the answer could not be printed as JSON: "
                << printed.message() << "\n";
      return 1;
    }
    std::cout << json;
    return dystonia::CheckExitStatus(response);
  }
  std::cout << dystonia::FormatCheckReport(invocation->request, response);
  return dystonia::CheckExitStatus(response);
}
