// dystonia-kb end to end: the real binary on a real database directory.
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_import.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundleText;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::drug_db_testing::WriteFile;
using ::dystonia::testing::IsOk;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` through the shell, with USER set to someone else: the
// tool must record the operating-system user regardless.
CommandResult RunCommand(const std::string& command) {
  CommandResult run;
  FILE* pipe =
      popen(absl::StrCat("USER=mallory ", command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    run.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// What the tool must record as the actor: the account from the password
// database (as `id -un` prints it), whatever $USER says.
std::string LocalActor() {
  const struct passwd* account = getpwuid(getuid());
  if (account == nullptr) {
    return absl::StrCat("dystonia-kb (local uid ", getuid(), ")");
  }
  return absl::StrCat("dystonia-kb (local user ", account->pw_name, ")");
}

constexpr absl::string_view kCombination = R"txt(
drug {
  id: "gammax"
  name: "gammax"
  ingredient_ids: "alphazine"
  ingredient_ids: "betazol"
}
)txt";

class DystoniaKbCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = NewTempDir("kb-cli");
    db_ = dir_ + "/db";
    const std::string knowledge = dir_ + "/knowledge";
    std::filesystem::create_directories(knowledge);
    WriteFile(knowledge + "/kb.textproto",
              absl::StrCat(MinimalBundleText(), kCombination));
    CommandResult imported =
        Kb(absl::StrCat("import --reason seed --knowledge_dir ", knowledge));
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
  }

  CommandResult Kb(const std::string& arguments) {
    return RunCommand(absl::StrCat(DYSTONIA_BINARY_DIR,
                                   "/drug_db/dystonia-kb --db_path ", db_, " ",
                                   arguments));
  }

  // dir_/betazol.textproto: the minimal base's betazol with a brand added.
  void WriteBetazolWithANewBrand() {
    WriteFile(dir_ + "/betazol.textproto", R"txt(drug {
  id: "betazol"
  name: "betazol"
  brands: "Betax"
  brands: "Betax Retard"
  rxcuis: "2222"
  atc_codes: "A03FA01"
  acute { level: RISK_LEVEL_NONE }
  tardive { level: RISK_LEVEL_NONE }
}
)txt");
  }

  std::string dir_;
  std::string db_;
};

TEST_F(DystoniaKbCliTest, UpsertMakesActiveVersionAndAuditEntry) {
  WriteFile(dir_ + "/betazol.textproto", R"txt(drug {
  id: "betazol"
  name: "betazol"
  brands: "Betax"
  brands: "Betax Forte"
  rxcuis: "2222"
  atc_codes: "A03FA01"
  acute { level: RISK_LEVEL_NONE }
  tardive { level: RISK_LEVEL_NONE }
}
)txt");

  CommandResult upsert = Kb(absl::StrCat(
      "upsert --file ", dir_, "/betazol.textproto --reason 'new brand'"));
  CommandResult versions = Kb("versions");
  CommandResult audit = Kb("audit");

  EXPECT_EQ(upsert.exit_code, 0) << upsert.output;
  EXPECT_THAT(upsert.output, HasSubstr("1.0+1 -> 1.0+2"));
  EXPECT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_THAT(versions.output, HasSubstr("* 1.0+2"));
  EXPECT_THAT(versions.output, HasSubstr("  1.0+1"));
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
  EXPECT_THAT(audit.output, HasSubstr(LocalActor()));
  EXPECT_THAT(audit.output, Not(HasSubstr("mallory")));
  EXPECT_THAT(audit.output, HasSubstr("upsert_drug betazol: 1.0+1 -> 1.0+2"));
  EXPECT_THAT(audit.output, HasSubstr("reason: new brand"));
  EXPECT_THAT(audit.output, HasSubstr("Betax Forte"));
}

TEST_F(DystoniaKbCliTest, UpsertingTheSameEntryAgainSaysNoChange) {
  WriteBetazolWithANewBrand();
  const std::string upsert =
      absl::StrCat("upsert --file ", dir_, "/betazol.textproto --reason r");
  ASSERT_EQ(Kb(upsert).exit_code, 0);

  CommandResult again = Kb(upsert);
  CommandResult versions = Kb("versions");

  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("upsert_drug betazol: no change"));
  EXPECT_THAT(again.output, HasSubstr("1.0+2 stays active"));
  EXPECT_THAT(versions.output, Not(HasSubstr("1.0+3")));
}

TEST_F(DystoniaKbCliTest, UpsertClassFromFile) {
  WriteFile(dir_ + "/fga.textproto", R"txt(drug_class {
  id: "fga"
  name: "first-generation antipsychotic"
  description: "typical"
  roles: CLASS_ROLE_DOPAMINE_BLOCKER
  roles: CLASS_ROLE_ANTIPSYCHOTIC
  atc_prefixes: "N05A"
}
)txt");

  CommandResult upsert =
      Kb(absl::StrCat("upsert --reason describe --file ", dir_,
                      "/fga.textproto"));

  EXPECT_EQ(upsert.exit_code, 0) << upsert.output;
  EXPECT_THAT(upsert.output, HasSubstr("upsert_class fga"));
}

TEST_F(DystoniaKbCliTest, UpsertFileWithTwoEntriesExitsTwo) {
  WriteFile(dir_ + "/two.textproto", kCombination);
  WriteFile(dir_ + "/two.textproto",
            absl::StrCat(kCombination, "drug_class { id: \"x\" name: \"x\" }"));

  CommandResult upsert =
      Kb(absl::StrCat("upsert --reason two --file ", dir_, "/two.textproto"));

  EXPECT_EQ(upsert.exit_code, 2) << upsert.output;
  EXPECT_THAT(upsert.output, HasSubstr("exactly one"));
  EXPECT_THAT(Kb("versions").output, Not(HasSubstr("1.0+2")));
}

TEST_F(DystoniaKbCliTest, InvalidUpsertExitsTwoAndWritesNothing) {
  WriteFile(dir_ + "/bad.textproto",
            "drug { id: \"bad\" name: \"bad\" rxcuis: \"x\" "
            "acute { level: RISK_LEVEL_NONE } tardive { level: "
            "RISK_LEVEL_NONE } }\n");

  CommandResult upsert =
      Kb(absl::StrCat("upsert --reason bad --file ", dir_, "/bad.textproto"));

  EXPECT_EQ(upsert.exit_code, 2) << upsert.output;
  EXPECT_THAT(upsert.output, HasSubstr("RxCUI"));
  EXPECT_THAT(Kb("versions").output, Not(HasSubstr("1.0+2")));
}

TEST_F(DystoniaKbCliTest, DeleteReferencedDrugExitsTwoNamingTheReference) {
  CommandResult deleted = Kb("delete --drug betazol --reason withdrawn");

  EXPECT_EQ(deleted.exit_code, 2) << deleted.output;
  EXPECT_THAT(deleted.output, HasSubstr("combination 'gammax'"));
}

TEST_F(DystoniaKbCliTest, DeleteThenActivateRollsBack) {
  CommandResult deleted =
      Kb("delete --drug gammax --reason withdrawn --force");
  CommandResult rolled_back =
      Kb("activate --sequence 1 --reason 'undo delete'");
  CommandResult versions = Kb("versions");
  CommandResult audit = Kb("audit --limit 2");

  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(rolled_back.exit_code, 0) << rolled_back.output;
  EXPECT_THAT(versions.output, HasSubstr("* 1.0+1"));
  EXPECT_THAT(versions.output, HasSubstr("  1.0+2"));
  EXPECT_THAT(audit.output, HasSubstr("delete_drug gammax"));
  EXPECT_THAT(audit.output, HasSubstr("activate 1.0+1: 1.0+2 -> 1.0+1"));
  EXPECT_THAT(audit.output, Not(HasSubstr("import")));  // beyond the limit
}

TEST_F(DystoniaKbCliTest, ActivateMissingVersionExitsOne) {
  CommandResult activated = Kb("activate --sequence 9 --reason rollback");

  EXPECT_EQ(activated.exit_code, 1) << activated.output;
  EXPECT_THAT(activated.output, HasSubstr("--sequence: no stored version"));
}

TEST_F(DystoniaKbCliTest, ActivateTakesTheVersionStringVersionsPrints) {
  ASSERT_EQ(Kb("delete --drug gammax --reason withdrawn --force").exit_code, 0);

  CommandResult activated = Kb("activate --sequence 1.0+1 --reason rollback");
  CommandResult unknown = Kb("activate --sequence 1.0+7 --reason rollback");

  EXPECT_EQ(activated.exit_code, 0) << activated.output;
  EXPECT_THAT(Kb("versions").output, HasSubstr("* 1.0+1"));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("--sequence: no stored version"));
}

TEST_F(DystoniaKbCliTest, VersionsPrintsImportTimeAsUtcIsoDate) {
  CommandResult versions = Kb("versions");

  EXPECT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_THAT(
      versions.output,
      ContainsRegex("\\* 1\\.0\\+1  imported_at=20[0-9][0-9]-[0-9][0-9]-"
                    "[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"));
}

TEST_F(DystoniaKbCliTest, AuditRecordsTheAccountWhenUserIsUnset) {
  CommandResult deleted = RunCommand(absl::StrCat(
      "env -u USER ", DYSTONIA_BINARY_DIR, "/drug_db/dystonia-kb --db_path ",
      db_, " delete --drug gammax --reason withdrawn --force"));

  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  CommandResult audit = Kb("audit --limit 1");
  EXPECT_THAT(audit.output, HasSubstr(LocalActor()));
}

TEST_F(DystoniaKbCliTest, ExportsDiffShowTheEdit) {
  ASSERT_EQ(Kb("delete --drug gammax --reason withdrawn --force").exit_code,
            0);

  CommandResult before =
      Kb(absl::StrCat("export --sequence 1 --out ", dir_, "/v1"));
  CommandResult after = Kb(absl::StrCat("export --out ", dir_, "/v2"));
  CommandResult diff =
      RunCommand(absl::StrCat("diff -r ", dir_, "/v1 ", dir_, "/v2"));

  EXPECT_EQ(before.exit_code, 0) << before.output;
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(diff.exit_code, 1) << diff.output;
  EXPECT_THAT(diff.output, HasSubstr("drugs.textproto"));
  EXPECT_THAT(diff.output, HasSubstr("< drug {"));
  EXPECT_THAT(diff.output, HasSubstr("<   id: \"gammax\""));
  EXPECT_THAT(diff.output, Not(HasSubstr("classes.textproto")));
}

TEST_F(DystoniaKbCliTest, MissingRequiredFlagsExitTwo) {
  EXPECT_EQ(Kb("upsert").exit_code, 2);
  EXPECT_EQ(Kb("delete").exit_code, 2);
  EXPECT_EQ(Kb("activate").exit_code, 2);
  EXPECT_EQ(Kb("export").exit_code, 2);
  EXPECT_EQ(Kb("frobnicate").exit_code, 2);
}

// The tool opens the database itself: a server holding it blocks it.
TEST_F(DystoniaKbCliTest, DatabaseHeldElsewhereExitsOneWithHint) {
  auto holder = DrugStore::Open(db_);
  ASSERT_THAT(holder, IsOk());

  CommandResult versions = Kb("versions");

  EXPECT_EQ(versions.exit_code, 1) << versions.output;
  EXPECT_THAT(versions.output, HasSubstr("dystonia-server"));
}

// A backup while a server holds the database (here: this process) copies
// every version, the audit trail and the feedback; the copy opens as a
// store of its own; a backup never overwrites.
TEST_F(DystoniaKbCliTest, BackupCopiesAHeldDatabaseToANewDirectory) {
  auto holder = DrugStore::Open(db_);
  ASSERT_THAT(holder, IsOk());
  v1::CardFeedback feedback;
  feedback.set_card_uuid("c-1");
  feedback.set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
  ASSERT_THAT((*holder)->RecordFeedback({feedback}), IsOk());
  auto versions = (*holder)->ListVersions();
  ASSERT_THAT(versions, IsOk());
  const std::string out = dir_ + "/backup";

  CommandResult backup = Kb(absl::StrCat("backup --out ", out));
  CommandResult again = Kb(absl::StrCat("backup --out ", out));

  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(again.exit_code, 0) << again.output;
  holder->reset();
  auto copy = DrugStore::Open(out);
  ASSERT_THAT(copy, IsOk());
  auto copied_versions = (*copy)->ListVersions();
  ASSERT_THAT(copied_versions, IsOk());
  EXPECT_EQ(copied_versions->size(), versions->size());
  int feedback_count = 0;
  ASSERT_THAT((*copy)->ForEachFeedback(
                  [&](const v1::CardFeedback&) { ++feedback_count; }),
              IsOk());
  EXPECT_EQ(feedback_count, 1);
}

TEST_F(DystoniaKbCliTest, WriteWithoutReasonExitsTwoNamingReason) {
  CommandResult deleted = Kb("delete --drug gammax --force");

  EXPECT_EQ(deleted.exit_code, 2) << deleted.output;
  EXPECT_THAT(deleted.output, HasSubstr("reason"));
  EXPECT_THAT(Kb("versions").output, Not(HasSubstr("1.0+2")));
}

// The reported attack: a directory holding only a manifest, imported as a
// new version, would have left no drugs.
TEST_F(DystoniaKbCliTest, ImportDroppingEveryDrugNeedsForce) {
  const std::string empty = dir_ + "/empty";
  std::filesystem::create_directories(empty);
  WriteFile(empty + "/manifest.textproto",
            "manifest { version: \"2.0\" title: \"empty\" }\n");
  const std::string import =
      absl::StrCat("import --reason wipe --knowledge_dir ", empty);

  CommandResult refused = Kb(import);
  CommandResult forced = Kb(import + " --force");

  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("3 of 3 drugs"));
  EXPECT_THAT(refused.output, HasSubstr("dopamine blockers"));
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_THAT(Kb("info").output, HasSubstr("0 drugs"));
}

TEST_F(DystoniaKbCliTest, AuditVerifyReportsAnIntactChain) {
  ASSERT_EQ(Kb("activate --sequence 1 --reason again").exit_code, 0);

  CommandResult verified = Kb("audit --verify");

  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("chain intact (2 entries"));
}

TEST_F(DystoniaKbCliTest, AuditVerifyNamesADeletedEntry) {
  ASSERT_EQ(Kb("activate --sequence 1 --reason again").exit_code, 0);
  ASSERT_EQ(Kb("activate --sequence 1 --reason 'and again'").exit_code, 0);
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), db_, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(
        db->Delete(rocksdb::WriteOptions(), "audit/00000000000000000002").ok());
  }

  CommandResult verified = Kb("audit --verify");

  EXPECT_EQ(verified.exit_code, 1) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("audit entry 2 is missing"));
}

TEST_F(DystoniaKbCliTest, AuditFromToKeepReadingUnixTimes) {
  CommandResult all = Kb("audit --from 0 --to 4102444800");
  CommandResult future = Kb("audit --from 4102444800");
  CommandResult bad = Kb("audit --from yesterday");

  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_THAT(all.output, HasSubstr("import"));
  EXPECT_EQ(future.exit_code, 0) << future.output;
  EXPECT_THAT(future.output, Not(HasSubstr("import")));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("--from"));
}

TEST_F(DystoniaKbCliTest, DiffWithoutChangesSaysSo) {
  CommandResult again = Kb(absl::StrCat("import --reason same --knowledge_dir ",
                                        dir_, "/knowledge"));
  ASSERT_EQ(again.exit_code, 0) << again.output;

  CommandResult diff = Kb("diff");

  EXPECT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_THAT(diff.output, HasSubstr("no changes"));
}

// A database compared with knowledge files (an export drops the files'
// comments, so `diff -r` of an export cannot do this): the import it came
// from says "no changes"; an edit through the database is named, from
// either side.
TEST_F(DystoniaKbCliTest,
       DiffAgainstTheKnowledgeFilesNamesWhatTheDatabaseChanged) {
  const std::string knowledge = dir_ + "/knowledge";
  CommandResult same = Kb(absl::StrCat("diff --to_dir ", knowledge));
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_THAT(same.output, HasSubstr("no changes"));
  EXPECT_THAT(same.output, HasSubstr("(files, manifest 1.0)"));

  WriteBetazolWithANewBrand();
  ASSERT_EQ(Kb(absl::StrCat("upsert --file ", dir_,
                            "/betazol.textproto --reason edit"))
                .exit_code,
            0);

  CommandResult files_to_db = Kb(absl::StrCat("diff --from_dir ", knowledge));
  EXPECT_EQ(files_to_db.exit_code, 0) << files_to_db.output;
  EXPECT_THAT(files_to_db.output, HasSubstr("drug betazol"));
  EXPECT_THAT(files_to_db.output, Not(HasSubstr("no changes")));
  CommandResult both =
      Kb(absl::StrCat("diff --from_dir ", knowledge, " --to_dir ", knowledge));
  EXPECT_EQ(both.exit_code, 2) << both.output;
  CommandResult missing = Kb(absl::StrCat("diff --to_dir ", dir_, "/nowhere"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("nowhere"));
}

TEST_F(DystoniaKbCliTest, DiffUnknownVersionNamesTheFlag) {
  CommandResult diff = Kb("diff --from 9.9+99 --to 1");

  EXPECT_EQ(diff.exit_code, 2) << diff.output;
  EXPECT_THAT(diff.output, HasSubstr("--from"));
  EXPECT_THAT(diff.output, HasSubstr("9.9+99"));
}

// The bundled knowledge, then haloperidol's tardive tier lowered: the diff
// names the drug, the tier change, the reason and the actor, in text and
// HTML.
TEST_F(DystoniaKbCliTest, DiffShowsHaloperidolTierChangeWithItsAudit) {
  CommandResult imported = Kb(absl::StrCat(
      "import --force --reason bundled --knowledge_dir ",
      dystonia::testing::BundledKnowledgeDir()));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  auto bundle = ReadAndValidateKnowledgeDirectory(
      dystonia::testing::BundledKnowledgeDir());
  ASSERT_THAT(bundle.status(), IsOk());
  v1::Drug haloperidol;
  for (const v1::Drug& drug : bundle->drug()) {
    if (drug.id() == "haloperidol") haloperidol = drug;
  }
  ASSERT_EQ(haloperidol.id(), "haloperidol");
  haloperidol.mutable_tardive()->set_level(v1::RISK_LEVEL_MODERATE);
  WriteFile(dir_ + "/haloperidol.textproto",
            absl::StrCat("drug {\n", ToText(haloperidol), "}\n"));
  CommandResult upsert =
      Kb(absl::StrCat("upsert --file ", dir_,
                      "/haloperidol.textproto --reason 'committee review 7'"));
  ASSERT_EQ(upsert.exit_code, 0) << upsert.output;

  const std::string html = dir_ + "/diff.html";
  CommandResult diff = Kb(absl::StrCat("diff --html ", html));

  EXPECT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_THAT(diff.output, HasSubstr("drug haloperidol"));
  EXPECT_THAT(diff.output,
              HasSubstr("tardive.level: tier down: RISK_LEVEL_HIGH -> "
                        "RISK_LEVEL_MODERATE"));
  EXPECT_THAT(diff.output, HasSubstr("committee review 7"));
  EXPECT_THAT(diff.output, HasSubstr(LocalActor()));
  std::ifstream page_file(html);
  const std::string page((std::istreambuf_iterator<char>(page_file)),
                         std::istreambuf_iterator<char>());
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("drug haloperidol"));
  EXPECT_THAT(page, HasSubstr("tier down"));
  EXPECT_THAT(page, HasSubstr("committee review 7"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(HasSubstr("http://")));
}

}  // namespace
}  // namespace dystonia
