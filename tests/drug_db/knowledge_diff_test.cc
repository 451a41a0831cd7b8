// The knowledge differ and its renderings, on bundles and on a real store.
#include "drug_db/knowledge_diff.h"

#include <string>

#include "drug_db/drug_store.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_diff_render.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

v1::Drug* FindDrug(v1::KnowledgeBundle* bundle, const std::string& id) {
  for (v1::Drug& drug : *bundle->mutable_drug()) {
    if (drug.id() == id) return &drug;
  }
  return nullptr;
}

// The single changed entry's fields; fails when there is not exactly one.
std::vector<FieldChange> OnlyEntryFields(const KnowledgeDiff& diff) {
  EXPECT_THAT(diff.changes, SizeIs(1));
  return diff.changes.empty() ? std::vector<FieldChange>{}
                              : diff.changes[0].fields;
}

TEST(KnowledgeDiffTest, UnchangedBundleHasNoChanges) {
  const KnowledgeDiff diff = DiffKnowledgeBundles(MinimalBundle(), MinimalBundle());
  EXPECT_THAT(diff.changes, IsEmpty());
  EXPECT_THAT(RenderKnowledgeDiffText(diff), HasSubstr("no changes"));
}

TEST(KnowledgeDiffTest, TierUpAndDownPerSyndrome) {
  v1::KnowledgeBundle after = MinimalBundle();
  v1::Drug* alphazine = FindDrug(&after, "alphazine");
  alphazine->mutable_acute()->set_level(v1::RISK_LEVEL_MODERATE);
  alphazine->mutable_tardive()->set_level(v1::RISK_LEVEL_LOW);

  const KnowledgeDiff diff = DiffKnowledgeBundles(MinimalBundle(), after);

  const std::vector<FieldChange> fields = OnlyEntryFields(diff);
  ASSERT_THAT(fields, SizeIs(2));
  EXPECT_EQ(diff.changes[0].entry_type, "drug");
  EXPECT_EQ(diff.changes[0].id, "alphazine");
  EXPECT_EQ(fields[0].field, "acute.level");
  EXPECT_EQ(fields[0].kind, FieldChangeKind::kTierDown);
  EXPECT_EQ(fields[0].before, "RISK_LEVEL_HIGH");
  EXPECT_EQ(fields[0].after, "RISK_LEVEL_MODERATE");
  EXPECT_EQ(fields[1].field, "tardive.level");
  EXPECT_EQ(fields[1].kind, FieldChangeKind::kTierUp);
  EXPECT_EQ(CountFieldChanges(diff, FieldChangeKind::kTierUp), 1);
}

TEST(KnowledgeDiffTest, RouteTierIsNamedByRoute) {
  v1::KnowledgeBundle after = MinimalBundle();
  v1::RouteLiability* route = FindDrug(&after, "alphazine")->add_route_liabilities();
  route->set_route(v1::ROUTE_INTRAVENOUS);
  route->mutable_acute()->set_level(v1::RISK_LEVEL_HIGH);
  v1::KnowledgeBundle later = after;
  FindDrug(&later, "alphazine")
      ->mutable_route_liabilities(0)
      ->mutable_acute()
      ->set_level(v1::RISK_LEVEL_LOW);

  const std::vector<FieldChange> fields =
      OnlyEntryFields(DiffKnowledgeBundles(after, later));

  ASSERT_THAT(fields, SizeIs(1));
  EXPECT_EQ(fields[0].field, "route_liabilities[ROUTE_INTRAVENOUS].acute.level");
  EXPECT_EQ(fields[0].kind, FieldChangeKind::kTierDown);
}

TEST(KnowledgeDiffTest, CitationRemovedAndBrandAdded) {
  v1::KnowledgeBundle after = MinimalBundle();
  v1::Drug* alphazine = FindDrug(&after, "alphazine");
  alphazine->mutable_acute()->clear_citation_ids();
  alphazine->add_brands("Alphax Forte");

  const std::vector<FieldChange> fields =
      OnlyEntryFields(DiffKnowledgeBundles(MinimalBundle(), after));

  ASSERT_THAT(fields, SizeIs(2));
  EXPECT_EQ(fields[0].field, "brands");
  EXPECT_EQ(fields[0].kind, FieldChangeKind::kAdded);
  EXPECT_EQ(fields[0].after, "\"Alphax Forte\"");
  EXPECT_EQ(fields[1].field, "acute.citation_ids");
  EXPECT_EQ(fields[1].kind, FieldChangeKind::kRemoved);
  EXPECT_EQ(fields[1].before, "\"label-alphazine\"");
}

TEST(KnowledgeDiffTest, ContraindicationAdded) {
  v1::KnowledgeBundle before = MinimalBundle();
  v1::Interaction* interaction = before.add_interaction();
  interaction->set_id("alphazine-betazol");
  v1::KnowledgeBundle after = before;
  after.mutable_interaction(0)->set_contraindicated(true);

  const KnowledgeDiff diff = DiffKnowledgeBundles(before, after);

  const std::vector<FieldChange> fields = OnlyEntryFields(diff);
  ASSERT_THAT(fields, SizeIs(1));
  EXPECT_EQ(diff.changes[0].entry_type, "interaction");
  EXPECT_EQ(fields[0].kind, FieldChangeKind::kContraindicationAdded);
}

TEST(KnowledgeDiffTest, DrugAddedAndRemovedInIdOrder) {
  v1::KnowledgeBundle after = MinimalBundle();
  after.mutable_drug()->erase(after.mutable_drug()->begin());  // alphazine
  v1::Drug* added = after.add_drug();
  added->set_id("aaa-new");
  added->set_name("aaa-new");

  const KnowledgeDiff diff = DiffKnowledgeBundles(MinimalBundle(), after);

  ASSERT_THAT(diff.changes, SizeIs(2));
  EXPECT_EQ(diff.changes[0].id, "aaa-new");
  EXPECT_EQ(diff.changes[0].kind, EntryChangeKind::kAdded);
  EXPECT_EQ(diff.changes[1].id, "alphazine");
  EXPECT_EQ(diff.changes[1].kind, EntryChangeKind::kRemoved);
  EXPECT_THAT(diff.changes[1].fields[0].before, HasSubstr("Alphax"));
}

TEST(KnowledgeDiffTest, HtmlEscapesHostileNoteAndId) {
  v1::KnowledgeBundle after = MinimalBundle();
  v1::Drug* alphazine = FindDrug(&after, "alphazine");
  alphazine->mutable_acute()->set_note("<script>alert(1)</script>");
  v1::Drug* hostile = after.add_drug();
  hostile->set_id("<img src=x onerror=alert(2)>");

  const KnowledgeDiff diff = DiffKnowledgeBundles(MinimalBundle(), after);
  const std::string page = RenderKnowledgeDiffHtmlPage(diff);
  const std::string fragment = RenderKnowledgeDiffHtmlFragment(diff);

  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(page, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(fragment, HasSubstr("<section class=\"kb-diff\">"));
  EXPECT_THAT(fragment, Not(HasSubstr("<html")));
}

TEST(KnowledgeDiffTest, StoredVersionsCarryTheirAuditEntries) {
  auto store = DrugStore::Open(NewTempDir("kb-diff"));
  ASSERT_THAT(store.status(), IsOk());
  KnowledgeAdmin admin(store->get());
  ASSERT_THAT(admin.ImportBundle(MinimalBundle(), "importer", "seed").status(),
              IsOk());
  v1::KnowledgeBundle seed = MinimalBundle();
  v1::Drug betazol = *FindDrug(&seed, "betazol");
  betazol.add_brands("Betax Forte");
  ASSERT_THAT(admin.UpsertDrug(betazol, "alice", "new brand").status(), IsOk());
  betazol.mutable_tardive()->set_level(v1::RISK_LEVEL_LOW);
  betazol.mutable_tardive()->set_evidence(v1::EVIDENCE_LEVEL_CASE_REPORTS);
  betazol.mutable_tardive()->add_citation_ids("label-alphazine");
  ASSERT_THAT(admin.UpsertDrug(betazol, "bob", "case series").status(), IsOk());

  auto diff = DiffStoredVersions(**store, 1, 3);

  ASSERT_THAT(diff.status(), IsOk());
  ASSERT_THAT(diff->audit, SizeIs(2));
  EXPECT_EQ(diff->audit[0].version.sequence(), 2);
  ASSERT_THAT(diff->audit[0].entries, SizeIs(1));
  EXPECT_EQ(diff->audit[0].entries[0].actor(), "alice");
  EXPECT_EQ(diff->audit[1].version.sequence(), 3);
  ASSERT_THAT(diff->audit[1].entries, SizeIs(1));
  EXPECT_EQ(diff->audit[1].entries[0].reason(), "case series");
  EXPECT_EQ(CountFieldChanges(*diff, FieldChangeKind::kTierUp), 1);
  const std::string text = RenderKnowledgeDiffText(*diff);
  EXPECT_THAT(text, HasSubstr("drug betazol"));
  EXPECT_THAT(text, HasSubstr("tardive.level: tier up"));
  EXPECT_THAT(text, HasSubstr("bob"));
  // The HTML shows each drug's own audit entries beside its changes.
  const std::string html = RenderKnowledgeDiffHtmlFragment(*diff);
  const size_t betazol_heading = html.find("drug betazol");
  ASSERT_NE(betazol_heading, std::string::npos);
  EXPECT_NE(html.find("case series", betazol_heading), std::string::npos);
  EXPECT_LT(html.find("case series", betazol_heading), html.find("Audit trail"));
}

TEST(KnowledgeDiffTest, ResolveVersionBySequenceOrNameAndNamesTheFlag) {
  KnowledgeVersions versions;
  versions.versions.emplace_back();
  versions.versions.back().set_version("1.0+1");
  versions.versions.back().set_sequence(1);

  EXPECT_EQ(*ResolveVersion(versions, "--from", "1"), 1);
  EXPECT_EQ(*ResolveVersion(versions, "--from", "1.0+1"), 1);
  auto missing = ResolveVersion(versions, "--from", "9.9");
  EXPECT_THAT(missing.status().message(), HasSubstr("--from"));
}

}  // namespace
}  // namespace dystonia
