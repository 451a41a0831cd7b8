#ifndef DYSTONIA_CLIENTS_CHECK_CHECK_CLI_H_
#define DYSTONIA_CLIENTS_CHECK_CHECK_CLI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/common/client_connection.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// What dystonia-check was asked to do.
struct CheckInvocation {
  v1::CheckRequest request;
  // Default: "127.0.0.1:50051".
  std::string server = "127.0.0.1:50051";
  // Print the protobuf JSON mapping instead of the report.
  bool json = false;
  // Default: 10.
  double timeout_seconds = 10;
  bool help = false;
  // --tls_ca, --tls_cert, --tls_key, --token_file.
  ClientSecurityOptions security;
};

// Parses dystonia-check's arguments (without the program name). Medication
// options (--route, --dose, --status, --days, --dose_increased_days_ago,
// --rxcui, --ndc, --atc) apply to the --med before them; --condition,
// --condition_code and --weight describe the patient. Returns kInvalidArgument
// naming the option and the reason.
absl::StatusOr<CheckInvocation> ParseCheckArguments(
    const std::vector<std::string>& args);

// Usage text.
std::string CheckUsage();

// dystonia-check's exit status for an answer: 0 when every medication was
// judged, kExitIncomplete when one was not recognized (the levels cover only
// the others; an unknown drug must not pass for a safe one). 1 (the call
// failed) and 2 (usage) come from main.
inline constexpr int kExitIncomplete = 3;
int CheckExitStatus(const v1::CheckResponse& response);

// A readable report: levels, findings with factors and recommendations,
// each marked with the numbers of its sources ("[1][3]"), the sources once
// each, the medications assessed (with their class names) and those not
// recognized.
std::string FormatCheckReport(const v1::CheckRequest& request,
                              const v1::CheckResponse& response);

}  // namespace dystonia

#endif  // DYSTONIA_CLIENTS_CHECK_CHECK_CLI_H_
