// Micro-benchmarks of the risk engine and name resolution against the
// bundled knowledge base. Run: build/bench/engine_benchmark
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "service/engine/name_resolver.h"
#include "service/engine/risk_engine.h"

namespace dystonia {
namespace {

// The bundled knowledge base, or DYSTONIA_KNOWLEDGE_DIR when set (to compare
// knowledge versions).
std::string KnowledgeDir() {
  const char* dir = std::getenv("DYSTONIA_KNOWLEDGE_DIR");
  return dir != nullptr ? dir
                        : std::string(DYSTONIA_SOURCE_DIR) + "/drug_db/knowledge";
}

const KnowledgeSnapshot& Knowledge() {
  static const auto snapshot = [] {
    auto bundle = ReadAndValidateKnowledgeDirectory(KnowledgeDir());
    if (!bundle.ok()) {
      std::fprintf(stderr, "%s\n", bundle.status().ToString().c_str());
      std::exit(1);
    }
    return KnowledgeSnapshot::FromBundle(*bundle);
  }();
  return *snapshot;
}

// A realistic order set: antipsychotics, an antiemetic, an inhibitor,
// prophylaxis and common drugs, cycled to the requested length.
v1::CheckRequest OrderSet(int medications) {
  static const char* const kNames[] = {
      "Haldol",     "metformin",  "risperidone 2 mg tablet", "paroxetine",
      "lisinopril", "benztropine", "metoclopramide 10 mg",   "atorvastatin",
      "Zyprexa",    "omeprazole"};
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(19);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  for (int i = 0; i < medications; ++i) {
    v1::Medication* medication = request.add_medications();
    medication->set_name(kNames[i % 10]);
    medication->set_status(i % 2 ? v1::MEDICATION_STATUS_ACTIVE
                                 : v1::MEDICATION_STATUS_PROPOSED);
    medication->set_days_on_therapy(i % 2 ? 400 : 0);
  }
  return request;
}

void BM_Assess(benchmark::State& state) {
  const v1::CheckRequest request = OrderSet(static_cast<int>(state.range(0)));
  v1::CheckResponse response;
  for (auto _ : state) {
    benchmark::DoNotOptimize(RiskEngine::Assess(Knowledge(), request, &response));
  }
}
BENCHMARK(BM_Assess)->Arg(1)->Arg(10)->Arg(50);

void BM_ResolveName(benchmark::State& state) {
  const std::string name = "haloperidol lactate 5 mg/mL";
  for (auto _ : state) {
    benchmark::DoNotOptimize(NameResolver::ResolveText(Knowledge(), name));
  }
}
BENCHMARK(BM_ResolveName);

void BM_SuggestNearMiss(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(NameResolver::Suggest(Knowledge(), "haloperidal"));
  }
}
BENCHMARK(BM_SuggestNearMiss);

}  // namespace
}  // namespace dystonia

BENCHMARK_MAIN();
