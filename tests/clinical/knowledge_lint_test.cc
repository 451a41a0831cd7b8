// Knowledge lint: quality gates over the bundled knowledge base beyond what
// the importer's validator enforces on any bundle (which it also runs).

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "drug_db/knowledge_validator.h"
#include "gmock/gmock.h"
#include "drug_db/citation_sources.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using ::dystonia::testing::BundledKnowledgeDir;

const v1::KnowledgeBundle& Bundle() { return BundledKnowledge()->bundle(); }

bool IsCombination(const v1::Drug& drug) {
  return drug.ingredient_ids_size() > 0;
}

// Paraphrase, never pasted passages: the longest note or section allowed.
constexpr size_t kMaxParaphraseLength = 400;

TEST(KnowledgeLintTest, BundledKnowledgePassesTheImportValidator) {
  // Citations exist, classes exist, names and codes claimed once, codes
  // well-formed, ATC codes under their classes' prefixes, ingredients exist.
  auto bundle = ReadAndValidateKnowledgeDirectory(BundledKnowledgeDir());

  EXPECT_TRUE(bundle.ok()) << bundle.status();
}

TEST(KnowledgeLintTest, EveryLiabilityAboveNoneIsCitedWithEvidence) {
  for (const v1::Drug& drug : Bundle().drug()) {
    if (IsCombination(drug)) continue;
    for (const auto& [which, liability] :
         {std::pair<const char*, const v1::Liability*>{"acute", &drug.acute()},
          {"tardive", &drug.tardive()}}) {
      const std::string what = absl::StrCat(drug.id(), " ", which);
      EXPECT_NE(liability->level(), v1::RISK_LEVEL_UNSPECIFIED) << what;
      EXPECT_NE(liability->evidence(), v1::EVIDENCE_LEVEL_UNSPECIFIED) << what;
      if (liability->level() > v1::RISK_LEVEL_NONE) {
        EXPECT_FALSE(liability->citation_ids().empty()) << what;
        EXPECT_FALSE(liability->note().empty())
            << what << ": say why this tier";
        EXPECT_NE(liability->evidence(),
                  v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION)
            << what;
      }
    }
  }
}

TEST(KnowledgeLintTest, DopamineBlockersCarryBothLiabilitiesAndModifiers) {
  const auto& knowledge = *BundledKnowledge();
  for (const DrugEntry& entry : knowledge.drugs()) {
    if (!entry.dopamine_blocker || IsCombination(*entry.drug)) continue;
    const std::string& id = entry.drug->id();
    EXPECT_GE(entry.drug->acute().level(), v1::RISK_LEVEL_LOW) << id;
    EXPECT_GE(entry.drug->tardive().level(), v1::RISK_LEVEL_LOW) << id;
    // A class added without widening the modifiers' scopes would silently
    // skip the patient factors.
    EXPECT_FALSE(entry.modifiers[kAcute].empty())
        << id << ": no acute modifier in scope";
    EXPECT_FALSE(entry.modifiers[kTardive].empty())
        << id << ": no tardive modifier in scope";
  }
}

TEST(KnowledgeLintTest, EveryCitationIsUsedAndAttributable) {
  absl::flat_hash_set<std::string> used;
  auto use = [&](const auto& ids) { used.insert(ids.begin(), ids.end()); };
  for (const v1::Drug& drug : Bundle().drug()) {
    use(drug.acute().citation_ids());
    use(drug.tardive().citation_ids());
    for (const auto& route : drug.route_liabilities()) {
      use(route.acute().citation_ids());
      use(route.tardive().citation_ids());
    }
    for (const auto& threshold : drug.dose_thresholds())
      use(threshold.citation_ids());
  }
  for (const auto& drug_class : Bundle().drug_class())
    use(drug_class.citation_ids());
  for (const auto& modifier : Bundle().modifier()) use(modifier.citation_ids());
  for (const auto& interaction : Bundle().interaction())
    use(interaction.citation_ids());
  for (const auto& recommendation : Bundle().recommendation()) {
    use(recommendation.citation_ids());
  }
  for (const auto& caution : Bundle().caution()) use(caution.citation_ids());
  for (const auto& condition : Bundle().condition()) {
    use(condition.citation_ids());
  }
  for (const v1::Citation& citation : Bundle().citation()) {
    const std::string& id = citation.id();
    EXPECT_TRUE(used.contains(id)) << id << ": cited by nothing";
    EXPECT_FALSE(citation.title().empty()) << id;
    EXPECT_FALSE(citation.publisher().empty()) << id;
    EXPECT_NE(citation.kind(), v1::Citation::KIND_UNSPECIFIED) << id;
    // A paper is found by its year, DOI, PMID or address; a label by its
    // product and publisher.
    if (citation.kind() == v1::Citation::LITERATURE) {
      EXPECT_TRUE(citation.year() > 0 || !citation.url().empty() ||
                  !citation.doi().empty() || !citation.pmid().empty())
          << id << ": a paper needs a year, DOI, PMID or url to be found";
    }
    EXPECT_LE(citation.section().size(), kMaxParaphraseLength) << id;
    if (!citation.url().empty()) {
      EXPECT_TRUE(absl::StartsWith(citation.url(), "https://") ||
                  absl::StartsWith(citation.url(), "http://"))
          << citation.url();
    }
  }
}

// The rule of drug_db/knowledge/README.md: every citation names and links
// its primary source (an official label by set id or regulator document, a
// paper by DOI or PMID, the issuing body's or publisher's page); a mirror is
// provenance in sources/*.md, never the citation. The citations still
// being brought to the rule are listed, each with what it lacks, in
// PENDING_CITATIONS.md: kept because the claims they carry (labelled
// contraindications, a dopamine blocker's liabilities) must not silently
// vanish. The list only shrinks: a listed citation that now meets the rule
// must leave it, and nothing else may break the rule.
TEST(KnowledgeLintTest, EveryCitationNamesAndLinksItsPrimarySource) {
  std::ifstream in(std::string(DYSTONIA_SOURCE_DIR) +
                   "/drug_db/knowledge/PENDING_CITATIONS.md");
  absl::flat_hash_set<std::string> pending;
  for (std::string line; std::getline(in, line);) {
    // "- `citation-id`: what it lacks"
    if (!absl::StartsWith(line, "- `")) continue;
    const size_t end = line.find('`', 3);
    if (end != std::string::npos) pending.insert(line.substr(3, end - 3));
  }
  absl::flat_hash_set<std::string> ids;
  for (const v1::Citation& citation : Bundle().citation()) {
    ids.insert(citation.id());
    absl::Status primary = CheckPrimarySource(citation);
    if (pending.contains(citation.id())) {
      EXPECT_FALSE(primary.ok())
          << citation.id() << " now meets the rule: take it off PENDING_CITATIONS.md";
    } else {
      EXPECT_TRUE(primary.ok()) << primary.message();
    }
  }
  for (const std::string& id : pending) {
    EXPECT_TRUE(ids.contains(id)) << "PENDING_CITATIONS.md names " << id
                                  << ", which is no citation";
  }
}

// The knowledge README lists every host the rule allows, so a curator
// reads the same list the lint enforces.
TEST(KnowledgeLintTest, TheReadmeListsEveryAllowedHost) {
  std::ifstream in(std::string(DYSTONIA_SOURCE_DIR) +
                   "/drug_db/knowledge/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (v1::Citation::Kind kind :
       {v1::Citation::LABEL, v1::Citation::LITERATURE, v1::Citation::GUIDELINE,
        v1::Citation::REGULATORY, v1::Citation::REFERENCE}) {
    for (const TrustedHost& host : TrustedHosts(kind)) {
      EXPECT_TRUE(absl::StrContains(readme.str(),
                                    absl::StrCat("`", host.host, "`")))
          << host.host << " is allowed but not listed in the README";
    }
  }
}

TEST(KnowledgeLintTest, NotesAreParaphrasesNotPastedPassages) {
  for (const v1::Drug& drug : Bundle().drug()) {
    SCOPED_TRACE(drug.id());
    EXPECT_LE(drug.acute().note().size(), kMaxParaphraseLength);
    EXPECT_LE(drug.tardive().note().size(), kMaxParaphraseLength);
  }
  for (const auto& interaction : Bundle().interaction()) {
    EXPECT_LE(interaction.advice().size(), kMaxParaphraseLength)
        << interaction.id();
  }
}

// Every RxCUI and ATC code is written with the source it was read in, on
// the same line ("rxcuis: \"5093\"  # cpicpgx/cpic-schema drug.sql ...").
TEST(KnowledgeLintTest, EveryCodeLineNamesItsSource) {
  int code_lines = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(BundledKnowledgeDir())) {
    if (file.path().extension() != ".textproto") continue;
    std::ifstream in(file.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      absl::string_view text = absl::StripLeadingAsciiWhitespace(line);
      if (!absl::StartsWith(text, "rxcuis:") &&
          !absl::StartsWith(text, "atc_codes:") &&
          !absl::StartsWith(text, "codes {")) {
        continue;
      }
      ++code_lines;
      EXPECT_TRUE(absl::StrContains(text, "#"))
          << file.path().filename().string() << ":" << number
          << ": a code without its source: " << text;
    }
  }
  EXPECT_GT(code_lines, 0);
}

TEST(KnowledgeLintTest, CoversTheAgentsTheModelNames) {
  // CLINICAL_MODEL.md and issue 3: antipsychotics of every generation, the
  // dopamine-blocking antiemetics, the other agents with reports, the
  // prophylaxis agents, the inhibitors and the named combination products.
  for (const char* id : {"haloperidol",
                         "fluphenazine",
                         "perphenazine",
                         "trifluoperazine",
                         "thiothixene",
                         "pimozide",
                         "zuclopenthixol",
                         "flupentixol",
                         "loxapine",
                         "chlorpromazine",
                         "thioridazine",
                         "sulpiride",
                         "risperidone",
                         "paliperidone",
                         "olanzapine",
                         "quetiapine",
                         "clozapine",
                         "aripiprazole",
                         "ziprasidone",
                         "lurasidone",
                         "asenapine",
                         "iloperidone",
                         "brexpiprazole",
                         "cariprazine",
                         "lumateperone",
                         "amisulpride",
                         "metoclopramide",
                         "prochlorperazine",
                         "promethazine",
                         "droperidol",
                         "trimethobenzamide",
                         "domperidone",
                         "amoxapine",
                         "tetrabenazine",
                         "deutetrabenazine",
                         "valbenazine",
                         "fluoxetine",
                         "sertraline",
                         "citalopram",
                         "lithium",
                         "phenytoin",
                         "carbamazepine",
                         "valproate",
                         "flunarizine",
                         "cinnarizine",
                         "methylphenidate",
                         "amphetamine",
                         "cocaine",
                         "benztropine",
                         "trihexyphenidyl",
                         "biperiden",
                         "procyclidine",
                         "diphenhydramine",
                         "bupropion",
                         "quinidine",
                         "ketoconazole",
                         "clarithromycin",
                         "ritonavir",
                         "fluvoxamine",
                         "ciprofloxacin",
                         "diltiazem",
                         "olanzapine-fluoxetine",
                         "perphenazine-amitriptyline",
                         "olanzapine-samidorphan"}) {
    EXPECT_GE(BundledKnowledge()->FindDrug(id), 0) << id;
  }
}

// A contraindication says whose label and which section; every caution
// says what the source says, in our words.
TEST(KnowledgeLintTest, CautionsNameTheirLabelAndAreParaphrased) {
  for (const v1::Caution& caution : Bundle().caution()) {
    SCOPED_TRACE(caution.id());
    EXPECT_TRUE(absl::StartsWith(caution.id(), "ci.") ||
                absl::StartsWith(caution.id(), "caution."));
    EXPECT_EQ(absl::StartsWith(caution.id(), "ci."), caution.contraindicated())
        << "ci. ids are contraindications, caution. ids are not";
    EXPECT_FALSE(caution.citation_ids().empty());
    EXPECT_LE(caution.statement().size(), kMaxParaphraseLength);
    EXPECT_LE(caution.advice().size(), kMaxParaphraseLength);
    if (caution.contraindicated()) {
      EXPECT_FALSE(caution.label_section().empty());
      EXPECT_FALSE(caution.jurisdiction().empty());
    }
  }
}

// A condition that changes a judgement says why; one that is a risk factor
// in its own right (a modifier names it) rests on a source of its own. One
// named only by cautions is cited through them (every caution is cited).
TEST(KnowledgeLintTest, ConditionsThatChangeAJudgementAreExplainedAndCited) {
  absl::flat_hash_set<std::string> risk_factors;
  for (const v1::RiskModifier& modifier : Bundle().modifier()) {
    for (const std::string& id : modifier.condition().patient_condition_ids()) {
      risk_factors.insert(id);
    }
  }
  const ConditionIndex& conditions = BundledKnowledge()->conditions();
  for (int i = 0; i < Bundle().condition_size(); ++i) {
    const v1::ClinicalCondition& condition = Bundle().condition(i);
    SCOPED_TRACE(condition.id());
    EXPECT_FALSE(condition.note().empty());
    if (risk_factors.contains(condition.id()) ||
        condition.prior_drug_induced_dystonia() ||
        condition.implies_prior_drug_induced_dystonia()) {
      EXPECT_TRUE(conditions.AffectsJudgement(i));
      EXPECT_FALSE(condition.citation_ids().empty());
    }
  }
}

// The contraindications and conditions issue 13 names are in the knowledge.
TEST(KnowledgeLintTest, CarriesTheNamedContraindicationsAndConditions) {
  for (const char* id :
       {"parkinsons-disease", "dementia-with-lewy-bodies",
        "history-tardive-dyskinesia", "history-drug-induced-dystonia",
        "history-metoclopramide-dystonia", "diabetes-mellitus",
        "mood-disorder", "wilsons-disease", "parkinsonism", "hypertension",
        "asthma"}) {
    bool found = false;
    for (const v1::ClinicalCondition& condition : Bundle().condition()) {
      found |= condition.id() == id;
    }
    EXPECT_TRUE(found) << id;
  }
  // Which drugs carry a contraindication with which trigger.
  auto contraindicated = [](const std::string& drug, auto matches) {
    const auto& knowledge = *BundledKnowledge();
    const int index = knowledge.FindDrug(drug);
    if (index < 0) return false;
    for (int c : knowledge.drugs()[index].cautions) {
      const v1::Caution& caution = knowledge.caution(c);
      if (caution.contraindicated() && matches(caution)) return true;
    }
    return false;
  };
  auto with_condition = [](const char* id) {
    return [id](const v1::Caution& caution) {
      return std::find(caution.condition_ids().begin(),
                       caution.condition_ids().end(),
                       id) != caution.condition_ids().end();
    };
  };
  EXPECT_TRUE(contraindicated("metoclopramide",
                              with_condition("history-tardive-dyskinesia")));
  EXPECT_TRUE(contraindicated(
      "metoclopramide", with_condition("history-metoclopramide-dystonia")));
  EXPECT_TRUE(contraindicated("metoclopramide",
                              with_condition("parkinsons-disease")));
  EXPECT_TRUE(contraindicated("metoclopramide", [](const v1::Caution& caution) {
    return caution.below_age_years() == 1;
  }));
  EXPECT_TRUE(contraindicated("metoclopramide", [](const v1::Caution& caution) {
    return std::find(caution.co_medication().drug_ids().begin(),
                     caution.co_medication().drug_ids().end(),
                     "levodopa") != caution.co_medication().drug_ids().end();
  }));
  EXPECT_TRUE(contraindicated("pimozide", [](const v1::Caution& caution) {
    return std::find(caution.co_medication().drug_ids().begin(),
                     caution.co_medication().drug_ids().end(),
                     "citalopram") != caution.co_medication().drug_ids().end();
  }));
}

// Remarks are for reviewers, but a remark that names a source or rule that
// does not exist, or a tier the entry no longer has, misleads them.
TEST(KnowledgeLintTest, RemarksNameRealIdsAndAgreeWithTheTiers) {
  absl::flat_hash_set<std::string> ids;
  for (const auto& citation : Bundle().citation()) ids.insert(citation.id());
  for (const auto& drug : Bundle().drug()) ids.insert(drug.id());
  for (const auto& drug_class : Bundle().drug_class()) {
    ids.insert(drug_class.id());
  }
  for (const auto& modifier : Bundle().modifier()) ids.insert(modifier.id());
  for (const auto& interaction : Bundle().interaction()) {
    ids.insert(interaction.id());
  }
  for (const auto& caution : Bundle().caution()) ids.insert(caution.id());
  for (const auto& condition : Bundle().condition()) {
    ids.insert(condition.id());
  }
  for (const v1::Drug& drug : Bundle().drug()) {
    SCOPED_TRACE(drug.id());
    const std::string& remarks = drug.remarks();
    // An id-shaped word in parentheses ("(pharmgkb-pimozide-cyp2d6)") or
    // after "see " is a reference.
    for (absl::string_view opener : {"(", "see "}) {
      size_t at = 0;
      while ((at = remarks.find(opener.data(), at, opener.size())) !=
             std::string::npos) {
        at += opener.size();
        size_t end = at;
        while (end < remarks.size() &&
               (absl::ascii_islower(remarks[end]) ||
                absl::ascii_isdigit(remarks[end]) || remarks[end] == '-' ||
                remarks[end] == '.')) {
          ++end;
        }
        std::string word = remarks.substr(at, end - at);
        while (!word.empty() && word.back() == '.') word.pop_back();
        if (std::count(word.begin(), word.end(), '-') < 2) continue;
        EXPECT_TRUE(ids.contains(word))
            << "remarks name '" << word << "', which is not an id";
      }
    }
    // "acute LOW", "tardive MODERATE": must be the entry's tier.
    for (const auto& [word, liability] :
         {std::pair<const char*, const v1::Liability*>{"acute ", &drug.acute()},
          {"tardive ", &drug.tardive()}}) {
      size_t at = 0;
      while ((at = remarks.find(word, at)) != std::string::npos) {
        at += std::strlen(word);
        for (v1::RiskLevel level :
             {v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_LOW, v1::RISK_LEVEL_MODERATE,
              v1::RISK_LEVEL_HIGH}) {
          const std::string name =
              v1::RiskLevel_Name(level).substr(std::strlen("RISK_LEVEL_"));
          if (remarks.compare(at, name.size(), name) != 0) continue;
          const size_t after = at + name.size();
          if (after < remarks.size() && absl::ascii_isalpha(remarks[after])) {
            continue;
          }
          EXPECT_EQ(liability->level(), level)
              << "remarks say '" << word << name << "'";
        }
      }
    }
  }
}

// Provenance is the public source (repository and commit, file, section,
// URL, date read), never the workstation it was gathered on: no tool names,
// call counts, local paths or internal read ids in the knowledge files, their
// sources/*.md or the review.
TEST(KnowledgeLintTest, SpeaksOfPublicSourcesOnly) {
  static constexpr const char* kWorkstationWords[] = {
      "read_file",   "find_string", "find_files",    "look-up",      "lookups",
      "/work/",      "kbtool",      "validate-mine", "working tree", "helper",
      "search tool", "`search`",    "corpus docs",   "stored-page",  "file id",
      "read id",     "/tmp/",       "subagent"};
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(BundledKnowledgeDir())) {
    files.push_back(entry.path());
  }
  for (const auto& entry :
       fs::directory_iterator(fs::path(BundledKnowledgeDir()) / "sources")) {
    files.push_back(entry.path());
  }
  for (const fs::path& path : files) {
    if (path.extension() != ".textproto" && path.extension() != ".md") {
      continue;
    }
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string lower = absl::AsciiStrToLower(line);
      for (const char* word : kWorkstationWords) {
        EXPECT_FALSE(absl::StrContains(lower, word))
            << path.filename().string() << ":" << number << ": '" << word
            << "' describes the workstation, not the source: " << line;
      }
    }
  }
}

TEST(KnowledgeLintTest, RecognizesThreeHundredCommonDrugsWithNoKnownRisk) {
  int no_known_risk = 0;
  for (const v1::Drug& drug : Bundle().drug()) {
    if (!IsCombination(drug) && drug.acute().level() == v1::RISK_LEVEL_NONE &&
        drug.tardive().level() == v1::RISK_LEVEL_NONE) {
      ++no_known_risk;
    }
  }
  EXPECT_GE(no_known_risk, 300);
}

}  // namespace
}  // namespace dystonia
