// Crash consistency of KnowledgeBaseAdmin writes (issue 8): the real
// dystonia-server binary is killed with SIGKILL at random points while a
// writer drives acknowledged admin writes (upserts, re-brands, deletes, valid
// and invalid imports), then restarted on the same RocksDB store. After every
// restart the test checks that the store opened, that every acknowledged
// write is there, that the write in flight at the kill is wholly there
// (version + audit entry + data) or wholly absent, that the active version
// is the newest one produced, that the audit trail has exactly one entry per
// version in a consistent chain, and that the served knowledge base is
// exactly the expected one (never a mix of two bundles).
//
// CRASH_TEST_SEED=<n> replays a run's choices (the kill timing still
// depends on the machine); the seed is printed at the start.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_process.h"

namespace dystonia {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using testing::ReadFile;

constexpr char kAdminToken[] = "crash-test-admin-token";
constexpr int kRounds = 40;
constexpr int kMaxWritesPerRound = 30;
constexpr int kMinKillDelayMs = 5;
constexpr int kMaxKillDelayMs = 150;
constexpr int kFillersPerImport = 12;
// A write takes 1-2 ms on loopback; a pause of up to this between writes
// spreads a round's writes over the kill window.
constexpr int kMaxPauseBetweenWritesMs = 4;
constexpr char kSeedManifest[] = "crash-seed";

// A number spelt in letters only: the name normalizer turns digits into
// spaces, so names must not carry them.
std::string Letters(int64_t n) {
  std::string out(5, 'a');
  for (int i = 4; i >= 0; --i) {
    out[i] = static_cast<char>('a' + n % 26);
    n /= 26;
  }
  return out;
}

// What one drug of the knowledge base should look like.
struct DrugModel {
  std::string id;
  std::string name;
  std::string brand;
};

// The knowledge base the server should serve.
struct KbModel {
  std::string manifest_version;
  std::map<std::string, DrugModel> drugs;  // by id
};

v1::Drug ToDrug(const DrugModel& model) {
  v1::Drug drug;
  drug.set_id(model.id);
  drug.set_name(model.name);
  drug.add_brands(model.brand);
  drug.mutable_acute()->set_level(v1::RISK_LEVEL_NONE);
  drug.mutable_acute()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  drug.mutable_tardive()->set_level(v1::RISK_LEVEL_NONE);
  drug.mutable_tardive()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  return drug;
}

std::string BundleText(const KbModel& model) {
  v1::KnowledgeBundle bundle;
  bundle.mutable_manifest()->set_version(model.manifest_version);
  for (const auto& [id, drug] : model.drugs) *bundle.add_drug() = ToDrug(drug);
  std::string text;
  google::protobuf::TextFormat::PrintToString(bundle, &text);
  return text;
}

enum class WriteKind { kUpsert, kDelete, kImport, kInvalidImport };

const char* KindName(WriteKind kind) {
  switch (kind) {
    case WriteKind::kUpsert:
      return "upsert";
    case WriteKind::kDelete:
      return "delete";
    case WriteKind::kImport:
      return "import";
    case WriteKind::kInvalidImport:
      return "invalid-import";
  }
  return "?";
}

// One admin write: the request, what the knowledge base becomes once it is
// applied, and what its audit entry must say.
struct Write {
  WriteKind kind = WriteKind::kUpsert;
  std::string reason;  // unique per write: finds its audit entry
  v1::UpsertDrugRequest upsert;
  v1::DeleteDrugRequest remove;
  v1::ImportKnowledgeBaseRequest import;
  KbModel after;
  std::string action;  // "upsert_drug", "delete_drug", "import"
  std::string target;  // drug id; empty for an import (the version name)
  // Filled in by the writer.
  grpc::Status status;
  v1::AdminWriteResponse response;
};

std::unique_ptr<grpc::ClientContext> AdminContext(int timeout_ms = 5000) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(timeout_ms));
  return context;
}

class CrashConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* seed_env = std::getenv("CRASH_TEST_SEED");
    seed_ = seed_env != nullptr
                ? std::strtoull(seed_env, nullptr, 10)
                : static_cast<uint64_t>(
                      std::chrono::steady_clock::now().time_since_epoch() /
                      std::chrono::microseconds(1));
    std::cout << "crash_consistency_test: seed " << seed_
              << " (replay with CRASH_TEST_SEED=" << seed_ << ")" << std::endl;
    prng_.seed(seed_);

    work_dir_ = testing::NewTempDir("crash-consistency");
    db_path_ = work_dir_ + "/db";
    tokens_path_ = work_dir_ + "/tokens";
    std::ofstream(tokens_path_)
        << "# crash_consistency_test\ncrash-admin admin "
        << Sha256Hex(kAdminToken) << "\n";
    testing::MakeOwnerOnly(tokens_path_);
    // A tiny seed knowledge base keeps every version small.
    const std::string knowledge_dir = work_dir_ + "/knowledge";
    std::filesystem::create_directories(knowledge_dir);
    model_.manifest_version = kSeedManifest;
    DrugModel seed{"seedazine", "seedazine", "Seedex"};
    model_.drugs[seed.id] = seed;
    std::ofstream(knowledge_dir + "/seed.textproto") << BundleText(model_);
    knowledge_dir_ = knowledge_dir;
  }

  std::vector<std::string> ServerArgs() const {
    return {"--listen=127.0.0.1:0", "--db_path=" + db_path_,
            "--knowledge_dir=" + knowledge_dir_,
            "--tokens_file=" + tokens_path_, "--shutdown_grace_seconds=1"};
  }

  int64_t NextUid() { return ++uid_; }

  DrugModel FreshDrug(const std::string& id_prefix,
                      const std::string& name_prefix) {
    const int64_t uid = NextUid();
    return DrugModel{absl::StrCat(id_prefix, "-", uid),
                     absl::StrCat(name_prefix, Letters(uid), "zine"),
                     absl::StrCat("Bx", Letters(uid), "ol")};
  }

  // Draws the next write from the model the last acknowledged write left.
  // `imports_only` makes every write a (valid or invalid) import, so that
  // kills interrupt imports often.
  Write NextWrite(const KbModel& current, std::mt19937_64& rng,
                  bool imports_only) {
    Write write;
    const int64_t number = ++write_counter_;
    write.reason = absl::StrCat("crash-test write ", number);
    write.after = current;
    std::vector<std::string> editable;  // every drug but import markers
    for (const auto& [id, drug] : current.drugs) {
      if (id.rfind("marker-", 0) != 0) editable.push_back(id);
    }
    const int dice = static_cast<int>(rng() % (imports_only ? 11 : 100));
    if (dice < 8) {
      // A valid import: a new manifest, a marker drug, half of the current
      // drugs re-branded (so a mix of old and new shows), fresh fillers.
      write.kind = WriteKind::kImport;
      write.action = "import";
      KbModel next;
      next.manifest_version = absl::StrCat("crash-import-", number);
      DrugModel marker = FreshDrug("marker", "mk");
      next.drugs[marker.id] = marker;
      for (const auto& [id, drug] : current.drugs) {
        if (rng() % 2 == 0) continue;
        DrugModel kept = drug;
        kept.brand = absl::StrCat("Rb", Letters(NextUid()), "ex");
        next.drugs[id] = kept;
      }
      for (int i = 0; i < kFillersPerImport; ++i) {
        DrugModel filler = FreshDrug("fill", "fl");
        next.drugs[filler.id] = filler;
      }
      write.after = next;
      write.import.set_text(BundleText(next));
      write.import.set_reason(write.reason);
      write.import.set_force(true);  // drops half the drugs on purpose
    } else if (dice < 11) {
      // An import that fails validation: must change nothing.
      write.kind = WriteKind::kInvalidImport;
      KbModel next;
      next.manifest_version = absl::StrCat("crash-bad-", number);
      DrugModel bad = FreshDrug("bad", "bd");
      next.drugs[bad.id] = bad;
      std::string text = BundleText(next);
      text += "drug { id: \"orphan-" + std::to_string(number) +
              "\" name: \"orphanazine\" class_ids: \"no-such-class\" "
              "acute { level: RISK_LEVEL_NONE } tardive { level: "
              "RISK_LEVEL_NONE } }\n";
      write.import.set_text(text);
      write.import.set_reason(write.reason);
    } else if (dice < 24 && editable.size() > 2) {
      write.kind = WriteKind::kDelete;
      write.action = "delete_drug";
      const std::string& id = editable[rng() % editable.size()];
      write.target = id;
      write.after.drugs.erase(id);
      write.remove.set_drug_id(id);
      write.remove.set_reason(write.reason);
      write.remove.set_force(true);  // in a small model, one is over 10 %
    } else if (dice < 38 && !editable.empty()) {
      // Re-brand an existing drug.
      write.kind = WriteKind::kUpsert;
      write.action = "upsert_drug";
      DrugModel drug = current.drugs.at(editable[rng() % editable.size()]);
      drug.brand = absl::StrCat("Rb", Letters(NextUid()), "ex");
      write.target = drug.id;
      write.after.drugs[drug.id] = drug;
      *write.upsert.mutable_drug() = ToDrug(drug);
      write.upsert.set_reason(write.reason);
    } else {
      write.kind = WriteKind::kUpsert;
      write.action = "upsert_drug";
      DrugModel drug = FreshDrug("cz", "kx");
      write.target = drug.id;
      write.after.drugs[drug.id] = drug;
      *write.upsert.mutable_drug() = ToDrug(drug);
      write.upsert.set_reason(write.reason);
    }
    return write;
  }

  static grpc::Status Send(v1::KnowledgeBaseAdmin::Stub& admin, Write& write) {
    switch (write.kind) {
      case WriteKind::kUpsert:
        return admin.UpsertDrug(AdminContext().get(), write.upsert,
                                &write.response);
      case WriteKind::kDelete:
        return admin.DeleteDrug(AdminContext().get(), write.remove,
                                &write.response);
      case WriteKind::kImport:
      case WriteKind::kInvalidImport:
        return admin.ImportKnowledgeBase(AdminContext().get(), write.import,
                                         &write.response);
    }
    return grpc::Status(grpc::StatusCode::INTERNAL, "unknown kind");
  }

  // Every name and brand of `model`, for the absence checks.
  static void CollectNames(const KbModel& model, std::set<std::string>* out) {
    for (const auto& [id, drug] : model.drugs) {
      out->insert(drug.name);
      out->insert(drug.brand);
    }
  }

  // Restart checks. Resolves the write in flight at the last kill (promoting
  // it to acknowledged when it committed) and verifies the whole store and
  // the served knowledge base against the model.
  void Verify(int port, const std::string& when) {
    SCOPED_TRACE(when);
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                       grpc::InsecureChannelCredentials());
    auto admin = v1::KnowledgeBaseAdmin::NewStub(channel);
    auto risk = v1::RiskService::NewStub(channel);

    v1::ListVersionsResponse versions;
    grpc::Status status = admin->ListVersions(
        AdminContext().get(), v1::ListVersionsRequest(), &versions);
    ASSERT_TRUE(status.ok()) << "ListVersions: " << status.error_message();
    const int n = versions.versions_size();
    ASSERT_GE(n, 1) << "no knowledge version after restart";
    // Sequences are handed out one by one, only by committed writes.
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(versions.versions(i).sequence(), i + 1)
          << "version sequences are not 1.." << n << " in order";
    }
    if (last_sequence_ == 0) {
      // First start: the store holds exactly the seed.
      ASSERT_EQ(n, 1) << "a fresh store should hold only the seed version";
      EXPECT_EQ(versions.versions(0).manifest().version(), kSeedManifest);
    }
    const bool committed = last_sequence_ > 0 && n == last_sequence_ + 1;
    ASSERT_TRUE(last_sequence_ == 0 || n == last_sequence_ || committed)
        << n << " versions stored; the last acknowledged write made version "
        << last_sequence_
        << (n < last_sequence_ ? ": an acknowledged version was lost"
                               : ": more versions than writes sent");
    if (committed) {
      ASSERT_TRUE(in_flight_.has_value())
          << "version " << n << " exists but no write was in flight";
      ASSERT_NE(in_flight_->kind, WriteKind::kInvalidImport)
          << "an invalid import was committed: " << in_flight_->reason;
    }
    EXPECT_EQ(versions.active_sequence(), n)
        << "the active version is not the newest one produced (no write "
           "here activates an older version)";

    for (const v1::AdminWriteResponse& acked : acknowledged_) {
      const int64_t seq = acked.version().sequence();
      ASSERT_TRUE(seq >= 1 && seq <= n)
          << "acknowledged version " << seq << " is missing";
      EXPECT_TRUE(MessageDifferencer::Equals(versions.versions(seq - 1),
                                             acked.version()))
          << "stored version differs from the acknowledged one:\n"
          << versions.versions(seq - 1).DebugString() << "vs\n"
          << acked.version().DebugString();
    }

    // The audit trail: one entry per version, a chain of before/after.
    v1::GetAuditLogRequest log_request;
    log_request.set_limit(1000000);
    v1::GetAuditLogResponse log;
    status = admin->GetAuditLog(AdminContext().get(), log_request, &log);
    ASSERT_TRUE(status.ok()) << "GetAuditLog: " << status.error_message();
    ASSERT_EQ(log.entries_size(), n)
        << "the audit trail should have exactly one entry per version";
    for (int i = 0; i < n; ++i) {
      const v1::AuditEntry& entry = log.entries(i);
      EXPECT_EQ(entry.sequence(), i + 1) << "audit sequences have a gap";
      EXPECT_EQ(entry.version_after(), versions.versions(i).version())
          << "audit entry " << i + 1 << " does not name version " << i + 1;
      EXPECT_EQ(entry.version_before(),
                i == 0 ? std::string() : versions.versions(i - 1).version())
          << "audit entry " << i + 1 << " breaks the before/after chain";
      if (i == 0) {
        EXPECT_EQ(entry.action(), "import") << "the seed import";
      } else if (i - 1 < static_cast<int>(acked_reasons_.size())) {
        EXPECT_EQ(entry.reason(), acked_reasons_[i - 1])
            << "audit entry " << i + 1
            << " is not the acknowledged write of that version";
      }
    }
    for (const v1::AdminWriteResponse& acked : acknowledged_) {
      const int64_t seq = acked.audit().sequence();
      ASSERT_TRUE(seq >= 1 && seq <= n);
      EXPECT_TRUE(
          MessageDifferencer::Equals(log.entries(seq - 1), acked.audit()))
          << "stored audit entry differs from the acknowledged one:\n"
          << log.entries(seq - 1).DebugString() << "vs\n"
          << acked.audit().DebugString();
    }

    // The write in flight at the kill: wholly there or wholly absent.
    std::set<std::string> names_to_check_absent = round_names_;
    if (in_flight_.has_value()) {
      CollectNames(in_flight_->after, &names_to_check_absent);
      int entries_with_reason = 0;
      for (const v1::AuditEntry& entry : log.entries()) {
        if (entry.reason() == in_flight_->reason) ++entries_with_reason;
      }
      EXPECT_EQ(entries_with_reason, committed ? 1 : 0)
          << "in-flight " << KindName(in_flight_->kind) << " '"
          << in_flight_->reason << "': its audit entry "
          << (committed ? "is missing though its version exists"
                        : "exists though no version was made");
      if (committed) {
        const v1::KnowledgeVersionInfo& info = versions.versions(n - 1);
        const v1::AuditEntry& entry = log.entries(n - 1);
        EXPECT_EQ(entry.reason(), in_flight_->reason);
        EXPECT_EQ(entry.action(), in_flight_->action);
        EXPECT_EQ(entry.target(), in_flight_->target.empty()
                                      ? info.version()
                                      : in_flight_->target);
        EXPECT_EQ(info.manifest().version(),
                  in_flight_->after.manifest_version);
        ++committed_in_flight_;
        v1::AdminWriteResponse promoted;
        *promoted.mutable_version() = info;
        *promoted.mutable_audit() = entry;
        acknowledged_.push_back(promoted);
        acked_reasons_.push_back(in_flight_->reason);
        last_sequence_ = n;
        model_ = in_flight_->after;
      }
      in_flight_.reset();
    }
    if (last_sequence_ == 0) last_sequence_ = n;
    const std::string active_version = versions.versions(n - 1).version();
    EXPECT_EQ(versions.versions(n - 1).manifest().version(),
              model_.manifest_version)
        << "the active version comes from another bundle";

    // The served knowledge base is exactly the model: the counts plus every
    // drug present with its brand means nothing else is there.
    v1::KnowledgeBaseInfo info;
    grpc::ClientContext info_context;
    info_context.AddMetadata("authorization",
                             absl::StrCat("Bearer ", kAdminToken));
    status = risk->GetKnowledgeBaseInfo(
        &info_context, v1::GetKnowledgeBaseInfoRequest(), &info);
    ASSERT_TRUE(status.ok())
        << "GetKnowledgeBaseInfo: " << status.error_message();
    EXPECT_EQ(info.version(), active_version)
        << "the server serves another version than the active one";
    EXPECT_EQ(info.drug_count(), static_cast<int>(model_.drugs.size()))
        << "the served knowledge base has other drugs than expected";
    for (const auto& [id, drug] : model_.drugs) {
      for (const std::string& query : {drug.name, drug.brand}) {
        v1::DrugProfile profile;
        v1::GetDrugRequest request;
        request.set_query(query);
        status = risk->GetDrug(AdminContext().get(), request, &profile);
        EXPECT_TRUE(status.ok()) << "drug '" << id << "' (" << query
                                 << ") is missing: " << status.error_message();
        if (!status.ok()) continue;
        EXPECT_EQ(profile.drug_id(), id) << query;
        EXPECT_EQ(profile.knowledge_base_version(), active_version);
        EXPECT_EQ(absl::StrJoin(profile.brands(), ","), drug.brand)
            << "drug '" << id << "' has a brand of another write or bundle";
      }
      names_to_check_absent.erase(drug.name);
      names_to_check_absent.erase(drug.brand);
    }
    // Names of this round's other states (deleted drugs, old brands, the
    // bundle not chosen, the in-flight write not committed) are gone.
    for (const std::string& query : names_to_check_absent) {
      v1::DrugProfile profile;
      v1::GetDrugRequest request;
      request.set_query(query);
      status = risk->GetDrug(AdminContext().get(), request, &profile);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
          << "'" << query << "' should be gone but resolves to drug '"
          << profile.drug_id() << "'";
    }
    round_names_.clear();
    CollectNames(model_, &round_names_);
  }

  // One round: writes in a thread, SIGKILL after a random delay.
  void WriteAndKill(testing::ServerProcess& server, int round) {
    std::mt19937_64 rng(prng_());
    const bool imports_only = round % 4 == 3;
    const int delay_ms =
        kMinKillDelayMs +
        static_cast<int>(prng_() % (kMaxKillDelayMs - kMinKillDelayMs + 1));
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                            grpc::InsecureChannelCredentials());
    std::atomic<bool> killed{false};
    std::vector<Write> done;  // acknowledged or rejected, in order
    std::optional<Write> failed;
    std::thread writer([&] {
      auto admin = v1::KnowledgeBaseAdmin::NewStub(channel);
      KbModel current = model_;
      for (int i = 0; i < kMaxWritesPerRound && !killed.load(); ++i) {
        Write write = NextWrite(current, rng, imports_only);
        CollectNames(write.after, &round_names_);
        // "sent": from here the write may be in flight.
        write.status = Send(*admin, write);
        if (write.status.ok() ||
            (write.kind == WriteKind::kInvalidImport &&
             write.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)) {
          if (write.status.ok()) current = write.after;
          done.push_back(std::move(write));
          std::this_thread::sleep_for(std::chrono::microseconds(
              rng() % (kMaxPauseBetweenWritesMs * 1000 + 1)));
          continue;
        }
        failed = std::move(write);
        return;
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    server.Kill();
    killed = true;
    writer.join();

    int acked = 0;
    for (Write& write : done) {
      if (write.kind == WriteKind::kInvalidImport) {
        ExpectRefused(write);
        ++kind_counts_[write.kind];
        continue;
      }
      ++acked;
      // The acknowledgement itself must describe the write.
      EXPECT_EQ(write.response.audit().reason(), write.reason);
      EXPECT_EQ(write.response.audit().action(), write.action);
      EXPECT_EQ(write.response.version().sequence(), last_sequence_ + 1)
          << "acknowledged writes should make consecutive versions";
      EXPECT_EQ(write.response.version().manifest().version(),
                write.after.manifest_version);
      last_sequence_ = write.response.version().sequence();
      acknowledged_.push_back(write.response);
      acked_reasons_.push_back(write.reason);
      model_ = write.after;
      ++kind_counts_[write.kind];
    }
    total_acked_ += acked;
    if (failed.has_value()) {
      const grpc::StatusCode code = failed->status.error_code();
      EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE ||
                  code == grpc::StatusCode::CANCELLED ||
                  code == grpc::StatusCode::UNKNOWN ||
                  code == grpc::StatusCode::INTERNAL ||
                  code == grpc::StatusCode::DEADLINE_EXCEEDED)
          << KindName(failed->kind) << " '" << failed->reason
          << "' failed for another reason than the kill: " << code << " "
          << failed->status.error_message();
      ++in_flight_rounds_;
      in_flight_ = std::move(failed);
    }
    std::cout << "round " << round << (imports_only ? " (imports)" : "")
              << ": kill after " << delay_ms << " ms, " << acked
              << " acknowledged, in flight: "
              << (in_flight_.has_value() ? KindName(in_flight_->kind) : "none")
              << std::endl;
  }

  // An invalid import must have been refused (INVALID_ARGUMENT), never
  // acknowledged.
  static void ExpectRefused(const Write& write) {
    EXPECT_EQ(write.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "invalid import '" << write.reason << "' was accepted";
  }

  uint64_t seed_ = 0;
  std::mt19937_64 prng_;
  std::string work_dir_;
  std::string db_path_;
  std::string tokens_path_;
  std::string knowledge_dir_;

  KbModel model_;  // after the last acknowledged (or committed) write
  int64_t last_sequence_ = 0;
  std::vector<v1::AdminWriteResponse> acknowledged_;
  std::vector<std::string> acked_reasons_;  // by audit sequence - 2
  std::optional<Write> in_flight_;
  std::set<std::string> round_names_;
  int64_t uid_ = 0;
  int64_t write_counter_ = 0;

  int total_acked_ = 0;
  int in_flight_rounds_ = 0;
  int committed_in_flight_ = 0;
  std::map<WriteKind, int> kind_counts_;
};

TEST_F(CrashConsistencyTest, SigkillDuringAdminWritesLosesNothingAcknowledged) {
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round <= kRounds; ++round) {
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(
        ServerArgs(), absl::StrCat(work_dir_, "/server-", round, ".log")))
        << "restart " << round;
    ASSERT_NO_FATAL_FAILURE(
        Verify(server.port(), absl::StrCat("after restart ", round)));
    if (HasFailure()) break;  // later rounds would only repeat the report
    if (round == kRounds) break;
    ASSERT_NO_FATAL_FAILURE(WriteAndKill(server, round));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::cout << "crash_consistency_test: " << kRounds << " kills, "
            << total_acked_ << " acknowledged writes (upsert "
            << kind_counts_[WriteKind::kUpsert] << ", delete "
            << kind_counts_[WriteKind::kDelete] << ", import "
            << kind_counts_[WriteKind::kImport] << "; invalid imports refused "
            << kind_counts_[WriteKind::kInvalidImport] << "), "
            << in_flight_rounds_ << " writes in flight at a kill, "
            << committed_in_flight_ << " of them committed; " << seconds
            << " s; seed " << seed_ << std::endl;
  // Not vacuous: writes were acknowledged and some kills hit a write.
  EXPECT_GT(total_acked_, kRounds);
  EXPECT_GT(in_flight_rounds_, 0);
}

}  // namespace
}  // namespace dystonia
