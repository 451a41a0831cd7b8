// Fuzzes the CDS Hooks endpoint logic (JSON parsing, the FHIR R4 mapping,
// the engine, card building, feedback) through CdsHooksService::Handle, the
// function the HTTP edge calls, with a real RocksDB store in a temp dir.
// The first byte picks the endpoint; the rest is the body.
// Properties: the answer is 200, 400 (with an error message) or 503, and is
// always JSON; a hook's 200 answer carries a cards list.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_import.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "service/cds_hooks/cds_hooks.h"
#include "tests/fuzz/fuzz_support.h"

namespace dystonia::fuzz {
namespace {

struct Endpoint {
  std::string path;
  bool is_hook;
};

const Endpoint kEndpoints[] = {
    {"/cds-services/dystonia-risk-order-sign", true},
    {"/cds-services/dystonia-risk-order-select", true},
    {"/cds-services/dystonia-risk-order-sign/feedback", false},
    {"/cds-services/dystonia-risk-order-select/feedback", false},
};

std::string store_dir;

void RemoveStore() { std::filesystem::remove_all(store_dir); }

// The service over a store seeded from the bundled knowledge base.
const cds_hooks::CdsHooksService& Service() {
  static const auto* service = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cds-hooks-fuzz-XXXXXX")
            .string();
    Require(mkdtemp(pattern.data()) != nullptr, "temp dir created");
    store_dir = pattern;
    std::atexit(RemoveStore);
    auto store = DrugStore::Open(store_dir);
    Require(store.ok(), "store opens");
    Require(SeedIfEmpty(**store, BundledKnowledgeDir()).ok(), "store seeded");
    auto snapshot = KnowledgeSnapshot::Load(**store);
    Require(snapshot.ok(), "snapshot loads");
    auto* holder = new KnowledgeHolder;
    holder->Set(*snapshot);
    return new cds_hooks::CdsHooksService(holder, store->release());
  }();
  return *service;
}

}  // namespace
}  // namespace dystonia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia;
  if (size == 0) return 0;
  const fuzz::Endpoint& endpoint =
      fuzz::kEndpoints[data[0] % std::size(fuzz::kEndpoints)];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const cds_hooks::HttpAnswer answer =
      fuzz::Service().Handle("POST", endpoint.path, body);
  fuzz::Require(
      answer.status == 200 || answer.status == 400 || answer.status == 503,
      "answer is 200, 400 or 503");
  google::protobuf::Value json;
  fuzz::Require(
      google::protobuf::util::JsonStringToMessage(answer.json, &json).ok(),
      "answer is JSON");
  fuzz::Require(json.has_struct_value(), "answer is a JSON object");
  const auto& fields = json.struct_value().fields();
  if (answer.status != 200) {
    fuzz::Require(fields.count("error") == 1 &&
                      !fields.at("error").string_value().empty(),
                  "an error answer says why");
  } else if (endpoint.is_hook) {
    fuzz::Require(
        fields.count("cards") == 1 && fields.at("cards").has_list_value(),
        "a hook answer has a cards list");
  }
  return 0;
}
