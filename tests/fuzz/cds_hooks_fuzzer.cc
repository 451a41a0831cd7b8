// Fuzzes the CDS Hooks operations (JSON parsing, the FHIR R4 mapping, the
// engine, card building, feedback) through CdsHooksService::Hook and
// ::Feedback, the functions the HTTP edge calls, with a real RocksDB store
// in a temp dir. The first byte picks the operation; the rest is the body.
// Properties: the answer is JSON or a refusal that says why: a bad request
// (kInvalidArgument), FHIR data that cannot be had (kFailedPrecondition) or
// while loading (kUnavailable); a hook's answer carries a cards list.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "service/cds_hooks/cds_hooks.h"
#include "service/cds_hooks/json_value.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/seeded_cds_hooks.h"

namespace dystonia::fuzz {
namespace {

struct Endpoint {
  std::string service_id;
  bool is_hook;
};

const Endpoint kEndpoints[] = {
    {"dystonia-risk-order-sign", true},
    {"dystonia-risk-order-select", true},
    {"dystonia-risk-order-sign", false},
    {"dystonia-risk-order-select", false},
};

}  // namespace
}  // namespace dystonia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia;
  if (size == 0) return 0;
  const fuzz::Endpoint& endpoint =
      fuzz::kEndpoints[data[0] % std::size(fuzz::kEndpoints)];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const absl::StatusOr<cds_hooks::json::Value> answer =
      endpoint.is_hook ? fuzz::SeededCdsHooksService().Hook(endpoint.service_id, body)
                       : fuzz::SeededCdsHooksService().Feedback(endpoint.service_id, body);
  if (!answer.ok()) {
    // kFailedPrecondition: prefetch missing and the request's fhirServer
    // is not one this service reads (no FHIR server is configured here).
    fuzz::Require(answer.status().code() == absl::StatusCode::kInvalidArgument ||
                      answer.status().code() ==
                          absl::StatusCode::kFailedPrecondition ||
                      answer.status().code() ==
                          absl::StatusCode::kUnavailable,
                  "a refusal is a bad request, missing FHIR data or "
                  "unavailable");
    fuzz::Require(!answer.status().message().empty(), "a refusal says why");
    return 0;
  }
  fuzz::Require(cds_hooks::json::Print(*answer).ok(), "answer prints as JSON");
  fuzz::Require(answer->is_object(), "answer is a JSON object");
  if (endpoint.is_hook) {
    const auto cards = answer->find("cards");
    fuzz::Require(cards != answer->end() && cards->is_array(),
                  "a hook answer has a cards list");
  }
  return 0;
}
