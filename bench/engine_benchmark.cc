// Micro-benchmarks of the risk engine, name resolution, snapshot load and
// import, against the bundled knowledge base (or DYSTONIA_KNOWLEDGE_DIR).
// Run: build/bench/engine_benchmark. Every benchmark reports allocs/iter
// (heap allocations per call, counted by this binary's operator new): a
// figure that stays the same as iterations grow shows no allocation growth.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "service/engine/name_resolver.h"
#include "service/engine/risk_engine.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

// Counting allocator for this benchmark binary only. GCC cannot see that
// these replace the global pair, hence the pragma.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace dystonia {
namespace {

// The bundled knowledge base, or DYSTONIA_KNOWLEDGE_DIR when set (to compare
// knowledge versions).
std::string KnowledgeDir() {
  const char* dir = std::getenv("DYSTONIA_KNOWLEDGE_DIR");
  return dir != nullptr
             ? dir
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

// Reports heap allocations per iteration since `before`.
void ReportAllocations(benchmark::State& state, long before) {
  state.counters["allocs/iter"] =
      benchmark::Counter(static_cast<double>(allocations.load() - before),
                         benchmark::Counter::kAvgIterations);
}

// A realistic order set: antipsychotics (one parenteral), an antiemetic, an
// inhibitor, prophylaxis and common drugs, cycled to the requested length.
v1::CheckRequest OrderSet(int medications, v1::CheckView view) {
  static const char* const kNames[] = {
      "haloperidol 5 mg",     "metformin 500 mg", "Risperdal 2 mg tablets",
      "paroxetine 20 mg",     "lisinopril 10 mg", "benztropine 1 mg",
      "metoclopramide 10 mg", "Lipitor 20 mg",    "omeprazole 20 mg",
      "levothyroxine 50 mcg"};
  v1::CheckRequest request;
  request.set_view(view);
  request.mutable_patient()->set_age_years(24);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  for (int i = 0; i < medications; ++i) {
    v1::Medication* medication = request.add_medications();
    medication->set_name(kNames[i % 10]);
    if (i == 0) medication->set_route(v1::ROUTE_INTRAMUSCULAR);
    const bool active =
        i % 10 == 1 || i % 10 == 3 || i % 10 >= 7 || i % 10 == 4;
    medication->set_status(active ? v1::MEDICATION_STATUS_ACTIVE
                                  : v1::MEDICATION_STATUS_PROPOSED);
    medication->set_days_on_therapy(active ? 400 : 0);
  }
  return request;
}

void RunAssess(benchmark::State& state, const v1::CheckRequest& request) {
  v1::CheckResponse response;
  // One call to size the reused response, as a serving thread has.
  (void)RiskEngine::Assess(Knowledge(), request, &response);
  const long before = allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        RiskEngine::Assess(Knowledge(), request, &response));
  }
  ReportAllocations(state, before);
  state.counters["findings"] = response.findings_size();
  state.counters["bytes"] = static_cast<double>(response.ByteSizeLong());
}

void BM_AssessFull(benchmark::State& state) {
  RunAssess(state, OrderSet(static_cast<int>(state.range(0)), v1::CHECK_VIEW_FULL));
}
BENCHMARK(BM_AssessFull)->Arg(1)->Arg(2)->Arg(5)->Arg(10)->Arg(20)->Arg(50)->Arg(100);

void BM_AssessCompact(benchmark::State& state) {
  RunAssess(state, OrderSet(static_cast<int>(state.range(0)), v1::CHECK_VIEW_COMPACT));
}
BENCHMARK(BM_AssessCompact)->Arg(1)->Arg(2)->Arg(5)->Arg(10)->Arg(20)->Arg(50)->Arg(100);

void BM_AssessBasic(benchmark::State& state) {
  RunAssess(state, OrderSet(static_cast<int>(state.range(0)), v1::CHECK_VIEW_BASIC));
}
BENCHMARK(BM_AssessBasic)->Arg(1)->Arg(2)->Arg(5)->Arg(10)->Arg(20)->Arg(50)->Arg(100);

// N different drugs spread over the whole knowledge base (every drug at a
// fixed stride, combinations included), all proposed: how the cost grows
// with the list when each medication is a different drug, as in a real
// medication list (the cycled order set above repeats each drug N/10 times,
// and its per-pair findings grow with the square).
void BM_AssessDistinct(benchmark::State& state) {
  const auto& drugs = Knowledge().bundle().drug();
  const int count = static_cast<int>(state.range(0));
  v1::CheckRequest request;
  request.set_view(static_cast<v1::CheckView>(state.range(1)));
  request.mutable_patient()->set_age_years(24);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  const int stride = std::max(1, drugs.size() / count);
  for (int i = 0; i < count; ++i) {
    request.add_medications()->set_name(drugs[(i * stride) % drugs.size()].name());
  }
  RunAssess(state, request);
}
BENCHMARK(BM_AssessDistinct)
    ->ArgsProduct({{1, 10, 25, 50, 100},
                   {v1::CHECK_VIEW_BASIC, v1::CHECK_VIEW_FULL}});

// Name resolution as prescribers type names: the generic name, a brand, a
// name with strength and form words, a salt with an injection form, a code.
void BM_ResolveName(benchmark::State& state) {
  static const char* const kNames[] = {
      "haloperidol", "Risperdal", "metoclopramide 10 mg tablets",
      "haloperidol lactate 5 mg/mL injection", "Invega Sustenna 234 mg"};
  const std::string name = kNames[state.range(0)];
  state.SetLabel(name);
  const long before = allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(NameResolver::ResolveText(Knowledge(), name));
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_ResolveName)->DenseRange(0, 4);

void BM_SuggestNearMiss(benchmark::State& state) {
  const long before = allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(NameResolver::Suggest(Knowledge(), "haloperidal"));
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_SuggestNearMiss);

// A fresh temp directory per run.
std::string TempDir(const char* name) {
  static int counter = 0;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("dystonia-bench-" + std::to_string(::getpid()) +
                             "-" + name + "-" + std::to_string(counter++)))
                               .string();
  std::filesystem::remove_all(path);
  return path;
}

// Import of the full knowledge base: read, validate, one synced write.
void BM_ImportKnowledgeBase(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempDir("import");
    auto store = DrugStore::Open(path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    auto imported = ImportKnowledgeDirectory(**store, KnowledgeDir());
    benchmark::DoNotOptimize(imported);
    state.PauseTiming();
    store->reset();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_ImportKnowledgeBase)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10);

// What a server does at start after opening the store: read the active
// version and index it.
void BM_LoadSnapshot(benchmark::State& state) {
  const std::string path = TempDir("load");
  auto store = DrugStore::Open(path);
  if (!store.ok() || !ImportKnowledgeDirectory(**store, KnowledgeDir()).ok()) {
    state.SkipWithError("cannot prepare the store");
    return;
  }
  for (auto _ : state) {
    auto snapshot = KnowledgeSnapshot::Load(**store);
    benchmark::DoNotOptimize(snapshot);
  }
  store->reset();
  std::filesystem::remove_all(path);
}
BENCHMARK(BM_LoadSnapshot)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dystonia

BENCHMARK_MAIN();
