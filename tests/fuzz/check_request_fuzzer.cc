// Fuzzes the request validator, name resolution and the risk engine with
// arbitrary CheckRequest bytes, or with the bytes as medication names (one
// per line) and as a search query.
// Properties: a refusal names a reason and leaves the response empty; an
// answer echoes the request id and accounts for every medication exactly
// once (assessed or unrecognized); search and suggestions respect limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/engine/name_resolver.h"
#include "service/engine/request_validator.h"
#include "service/engine/risk_engine.h"
#include "tests/fuzz/fuzz_support.h"

namespace dystonia::fuzz {
namespace {

void CheckEveryMedicationAccountedFor(const v1::CheckRequest& request,
                                      const v1::CheckResponse& response) {
  std::vector<int> seen(request.medications_size(), 0);
  auto count = [&](int index) {
    Require(index >= 0 && index < request.medications_size(),
            "medication_index within the request");
    ++seen[index];
  };
  for (const auto& assessed : response.assessed())
    count(assessed.medication_index());
  for (const auto& unrecognized : response.unrecognized())
    count(unrecognized.medication_index());
  for (int times : seen)
    Require(times == 1, "every medication assessed or unrecognized, once");
}

void Assess(const v1::CheckRequest& request) {
  v1::CheckResponse response;
  const absl::Status status =
      RiskEngine::Assess(BundledKnowledge(), request, &response);
  if (!status.ok()) {
    Require(status.code() == absl::StatusCode::kInvalidArgument,
            "a refusal is INVALID_ARGUMENT");
    Require(!status.message().empty(), "a refusal names its reason");
    Require(response.ByteSizeLong() == 0, "a refusal leaves no answer");
    return;
  }
  Require(response.request_id() == request.request_id(), "request id echoed");
  CheckEveryMedicationAccountedFor(request, response);
}

void ResolveText(absl::string_view text) {
  const KnowledgeSnapshot& knowledge = BundledKnowledge();
  const Resolution resolution = NameResolver::ResolveText(knowledge, text);
  Require(resolution.drug >= -1 &&
              resolution.drug < static_cast<int>(knowledge.drugs().size()),
          "resolution is a drug or none");
  Require(NameResolver::Suggest(knowledge, text, 3).size() <= 3,
          "at most 3 suggestions");
  Require(NameResolver::Search(knowledge, text, 20).size() <= 20,
          "at most 20 search matches");
}

}  // namespace
}  // namespace dystonia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia;
  if (size == 0) return 0;
  // The first byte picks the mode: even, a serialized CheckRequest (what
  // gRPC hands the service); odd, free-text names, one per line.
  const bool serialized = data[0] % 2 == 0;
  ++data;
  --size;
  v1::CheckRequest request;
  if (serialized) {
    if (request.ParseFromArray(data, static_cast<int>(size)))
      fuzz::Assess(request);
    return 0;
  }
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  request.set_request_id("fuzz");
  request.mutable_patient()->set_age_years(19);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  for (absl::string_view line : absl::StrSplit(text, '\n'))
    request.add_medications()->set_name(std::string(line));
  fuzz::Assess(request);
  // The service refuses invalid UTF-8 before resolving (proto3 strings).
  if (size <= 256 && IsValidUtf8(text)) fuzz::ResolveText(text);
  return 0;
}
