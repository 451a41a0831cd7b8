// The CDS Hooks service over a real RocksDB store (a temp dir, removed at
// exit) seeded from the bundled knowledge base, made once: what the CDS
// Hooks and HTTP fuzz targets call.
#ifndef DYSTONIA_TESTS_FUZZ_SEEDED_CDS_HOOKS_H_
#define DYSTONIA_TESTS_FUZZ_SEEDED_CDS_HOOKS_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_import.h"
#include "service/cds_hooks/cds_hooks.h"
#include "tests/fuzz/fuzz_support.h"

namespace dystonia::fuzz {

inline std::string& SeededStoreDir() {
  static std::string dir;
  return dir;
}

inline void RemoveSeededStore() {
  std::filesystem::remove_all(SeededStoreDir());
}

inline const cds_hooks::CdsHooksService& SeededCdsHooksService() {
  static const auto* service = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cds-hooks-fuzz-XXXXXX")
            .string();
    Require(mkdtemp(pattern.data()) != nullptr, "temp dir created");
    SeededStoreDir() = pattern;
    std::atexit(RemoveSeededStore);
    auto store = DrugStore::Open(pattern);
    Require(store.ok(), "store opens");
    Require(SeedIfEmpty(**store, BundledKnowledgeDir()).ok(), "store seeded");
    auto snapshot = KnowledgeSnapshot::Load(**store);
    Require(snapshot.ok(), "snapshot loads");
    auto* holder = new KnowledgeHolder;
    holder->Set(*snapshot);
    // No feedback rate limit: millions of inputs come from one caller, and
    // the limit is not what is fuzzed here (caller_rate_limiter_test).
    cds_hooks::CdsHooksOptions options;
    options.feedback_rate_per_minute = 0;
    return new cds_hooks::CdsHooksService(holder, store->release(), options);
  }();
  return *service;
}

}  // namespace dystonia::fuzz

#endif  // DYSTONIA_TESTS_FUZZ_SEEDED_CDS_HOOKS_H_
