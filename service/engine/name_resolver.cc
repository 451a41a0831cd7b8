#include "service/engine/name_resolver.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "drug_db/name_normalizer.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia {
namespace {

using MatchKind = v1::AssessedMedication::MatchKind;

// Strength and unit words: never part of a name.
const absl::flat_hash_set<absl::string_view>& StrengthWords() {
  static const auto* words = new absl::flat_hash_set<absl::string_view>{
      "mg",         "mcg",   "g",    "ml", "microgram",
      "micrograms", "units", "unit", "iu", "per"};
  return *words;
}

// Words that say how a product is given, not what it is. Each maps to the
// route it implies (ROUTE_UNSPECIFIED when it implies none): the dose forms
// here, and the route words of the API's vocabulary (common.proto: "im",
// "oral", "depot", ...), but not "other".
const absl::flat_hash_map<std::string, v1::Route>& FormWords() {
  static const auto* words = [] {
    auto* table = new absl::flat_hash_map<std::string, v1::Route>{
        {"tablet", v1::ROUTE_ORAL},
        {"tablets", v1::ROUTE_ORAL},
        {"tab", v1::ROUTE_ORAL},
        {"tabs", v1::ROUTE_ORAL},
        {"capsule", v1::ROUTE_ORAL},
        {"capsules", v1::ROUTE_ORAL},
        {"cap", v1::ROUTE_ORAL},
        {"caps", v1::ROUTE_ORAL},
        {"solution", v1::ROUTE_UNSPECIFIED},
        {"suspension", v1::ROUTE_ORAL},
        {"syrup", v1::ROUTE_ORAL},
        {"elixir", v1::ROUTE_ORAL},
        {"liquid", v1::ROUTE_ORAL},
        {"drops", v1::ROUTE_ORAL},
        {"concentrate", v1::ROUTE_ORAL},
        {"odt", v1::ROUTE_ORAL},
        {"orally", v1::ROUTE_ORAL},
        {"disintegrating", v1::ROUTE_ORAL},
        {"film", v1::ROUTE_ORAL},
        {"coated", v1::ROUTE_ORAL},
        {"chewable", v1::ROUTE_ORAL},
        {"er", v1::ROUTE_UNSPECIFIED},
        {"xr", v1::ROUTE_UNSPECIFIED},
        {"sr", v1::ROUTE_UNSPECIFIED},
        {"cr", v1::ROUTE_UNSPECIFIED},
        {"xl", v1::ROUTE_UNSPECIFIED},
        {"extended", v1::ROUTE_UNSPECIFIED},
        {"release", v1::ROUTE_UNSPECIFIED},
        {"delayed", v1::ROUTE_UNSPECIFIED},
        {"modified", v1::ROUTE_UNSPECIFIED},
        {"prolonged", v1::ROUTE_UNSPECIFIED},
        {"injection", v1::ROUTE_INTRAMUSCULAR},
        {"injectable", v1::ROUTE_INTRAMUSCULAR},
        {"inj", v1::ROUTE_INTRAMUSCULAR},
        {"infusion", v1::ROUTE_INTRAVENOUS},
        {"vial", v1::ROUTE_UNSPECIFIED},
        {"ampule", v1::ROUTE_UNSPECIFIED},
        {"ampoule", v1::ROUTE_UNSPECIFIED},
        {"syringe", v1::ROUTE_UNSPECIFIED},
        {"prefilled", v1::ROUTE_UNSPECIFIED},
        {"suppository", v1::ROUTE_RECTAL},
        {"suppositories", v1::ROUTE_RECTAL},
        {"patch", v1::ROUTE_TRANSDERMAL},
        {"buccal", v1::ROUTE_SUBLINGUAL},
    };
    for (auto& [word, route] :
         EnumWordList(*google::protobuf::GetEnumDescriptor<v1::Route>())) {
      if (route != v1::ROUTE_OTHER) {
        table->emplace(std::move(word), static_cast<v1::Route>(route));
      }
    }
    return table;
  }();
  return *words;
}

// Salt and ester words. Esters of antipsychotics mark depot injections.
const absl::flat_hash_map<absl::string_view, v1::Route>& SaltWords() {
  static const auto* words =
      new absl::flat_hash_map<absl::string_view, v1::Route>{
          {"hydrochloride", v1::ROUTE_UNSPECIFIED},
          {"hcl", v1::ROUTE_UNSPECIFIED},
          {"dihydrochloride", v1::ROUTE_UNSPECIFIED},
          {"monohydrochloride", v1::ROUTE_UNSPECIFIED},
          {"hydrobromide", v1::ROUTE_UNSPECIFIED},
          {"hbr", v1::ROUTE_UNSPECIFIED},
          {"lactate", v1::ROUTE_UNSPECIFIED},
          {"mesylate", v1::ROUTE_UNSPECIFIED},
          {"mesilate", v1::ROUTE_UNSPECIFIED},
          {"maleate", v1::ROUTE_UNSPECIFIED},
          {"dimaleate", v1::ROUTE_UNSPECIFIED},
          {"fumarate", v1::ROUTE_UNSPECIFIED},
          {"hemifumarate", v1::ROUTE_UNSPECIFIED},
          {"tartrate", v1::ROUTE_UNSPECIFIED},
          {"succinate", v1::ROUTE_UNSPECIFIED},
          {"sulfate", v1::ROUTE_UNSPECIFIED},
          {"sulphate", v1::ROUTE_UNSPECIFIED},
          {"sodium", v1::ROUTE_UNSPECIFIED},
          {"potassium", v1::ROUTE_UNSPECIFIED},
          {"calcium", v1::ROUTE_UNSPECIFIED},
          {"magnesium", v1::ROUTE_UNSPECIFIED},
          {"acetate", v1::ROUTE_UNSPECIFIED},
          {"citrate", v1::ROUTE_UNSPECIFIED},
          {"besylate", v1::ROUTE_UNSPECIFIED},
          {"besilate", v1::ROUTE_UNSPECIFIED},
          {"edisylate", v1::ROUTE_UNSPECIFIED},
          {"napadisylate", v1::ROUTE_UNSPECIFIED},
          {"hyclate", v1::ROUTE_UNSPECIFIED},
          {"monohydrate", v1::ROUTE_UNSPECIFIED},
          {"dihydrate", v1::ROUTE_UNSPECIFIED},
          {"trihydrate", v1::ROUTE_UNSPECIFIED},
          {"anhydrous", v1::ROUTE_UNSPECIFIED},
          {"bromide", v1::ROUTE_UNSPECIFIED},
          {"chloride", v1::ROUTE_UNSPECIFIED},
          {"phosphate", v1::ROUTE_UNSPECIFIED},
          {"decanoate", v1::ROUTE_LONG_ACTING_INJECTABLE},
          {"enanthate", v1::ROUTE_LONG_ACTING_INJECTABLE},
          {"palmitate", v1::ROUTE_LONG_ACTING_INJECTABLE},
          {"pamoate", v1::ROUTE_LONG_ACTING_INJECTABLE},
          {"lauroxil", v1::ROUTE_LONG_ACTING_INJECTABLE},
      };
  return *words;
}

bool HasDigit(absl::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// The most specific route the words imply: an ester or "depot" beats
// "injection", which beats "tablet".
int RouteRank(v1::Route route) {
  switch (route) {
    case v1::ROUTE_LONG_ACTING_INJECTABLE:
      return 3;
    case v1::ROUTE_INTRAMUSCULAR:
    case v1::ROUTE_INTRAVENOUS:
      return 2;
    case v1::ROUTE_UNSPECIFIED:
      return 0;
    default:
      return 1;
  }
}

void ConsiderRoute(v1::Route candidate, v1::Route* best) {
  if (RouteRank(candidate) > RouteRank(*best)) *best = candidate;
}

MatchKind ToMatchKind(v1::NameIndexEntry::Kind kind) {
  switch (kind) {
    case v1::NameIndexEntry::BRAND:
      return v1::AssessedMedication::BRAND;
    case v1::NameIndexEntry::RXCUI:
      return v1::AssessedMedication::RXCUI;
    case v1::NameIndexEntry::ATC_CODE:
      return v1::AssessedMedication::ATC_CODE;
    case v1::NameIndexEntry::FORM:
      return v1::AssessedMedication::FORM;
    case v1::NameIndexEntry::RXNORM_PRODUCT:
      return v1::AssessedMedication::RXNORM_PRODUCT;
    case v1::NameIndexEntry::NDC:
      return v1::AssessedMedication::NDC;
    default:
      return v1::AssessedMedication::NAME;
  }
}

Resolution FromHit(const NameHit& hit) {
  Resolution resolution;
  resolution.drug = hit.drug;
  resolution.match_kind = ToMatchKind(hit.kind);
  resolution.matched_name = hit.display;
  resolution.route_hint = hit.route;
  return resolution;
}

// The largest edit distance still counted as a near-miss for a word this
// long: one slip in a short name, up to three in a long one.
int MaxDistanceFor(size_t length) {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

// How much of a name CleanName drops, each level including the ones before.
enum class Cleaning {
  kStrength,   // "5", "mg"
  kFormWords,  // "tablets", "injection", "depot"
  kSaltWords,  // "hydrochloride", "decanoate"
};

// A word of a normalized name and what it is, looked up once.
struct Word {
  absl::string_view text;
  Cleaning dropped_from;  // the first level that drops it
  bool is_name = true;    // no level drops it
  v1::Route route = v1::ROUTE_UNSPECIFIED;
};

using Words = absl::InlinedVector<Word, 12>;

Words ClassifyWords(absl::string_view normalized) {
  Words words;
  for (absl::string_view text :
       absl::StrSplit(normalized, ' ', absl::SkipEmpty())) {
    Word& word = words.emplace_back();
    word.text = text;
    if (HasDigit(text) || StrengthWords().contains(text)) {
      word.is_name = false;
      word.dropped_from = Cleaning::kStrength;
    } else if (auto form = FormWords().find(text); form != FormWords().end()) {
      word.is_name = false;
      word.dropped_from = Cleaning::kFormWords;
      word.route = form->second;
    } else if (auto salt = SaltWords().find(text); salt != SaltWords().end()) {
      word.is_name = false;
      word.dropped_from = Cleaning::kSaltWords;
      word.route = salt->second;
    }
  }
  return words;
}

// Writes into `out` the words `level` keeps. Strength goes first on its own
// so that a product name containing a form word ("Alphax Depot 100 mg")
// still matches. `out` is reused between calls so resolution does not
// allocate per attempt.
void CleanName(const Words& words, Cleaning level, std::string* out) {
  out->clear();
  for (const Word& word : words) {
    if (!word.is_name && word.dropped_from <= level) continue;
    if (!out->empty()) out->push_back(' ');
    out->append(word.text.data(), word.text.size());
  }
}

}  // namespace

int BoundedEditDistance(absl::string_view a, absl::string_view b,
                        int max_distance) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  // Three rolling rows for the transposition case, on the stack for names
  // up to 64 characters (Suggest calls this for every indexed name).
  absl::InlinedVector<int, 3 * 65> rows(3 * (m + 1));
  int* two_back = rows.data();
  int* previous = two_back + (m + 1);
  int* current = previous + (m + 1);
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_min = current[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int value = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        value = std::min(value, two_back[j - 2] + 1);
      }
      current[j] = value;
      row_min = std::min(row_min, value);
    }
    if (row_min > max_distance) return max_distance + 1;
    std::swap(two_back, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], max_distance + 1);
}

Resolution NameResolver::Resolve(const KnowledgeSnapshot& knowledge,
                                 const v1::Medication& medication) {
  const NameHit* hit = nullptr;
  if (!medication.rxcui().empty()) {
    hit = knowledge.FindRxcui(NormalizeRxcui(medication.rxcui()));
  }
  if (hit == nullptr && !medication.ndc().empty()) {
    // A 10-digit NDC without hyphens may stand for three 11-digit ones:
    // taken only when exactly one of them is known.
    const NameHit* only = nullptr;
    int matches = 0;
    for (const std::string& candidate : NdcCandidates(medication.ndc())) {
      if (const NameHit* found = knowledge.FindNdc(candidate)) {
        only = found;
        ++matches;
      }
    }
    if (matches == 1) hit = only;
  }
  if (hit == nullptr && !medication.atc_code().empty()) {
    hit = knowledge.FindAtcCode(NormalizeAtcCode(medication.atc_code()));
  }
  if (hit == nullptr) return ResolveText(knowledge, medication.name());
  // A code names the drug (and a product code its dose form's route); the
  // name's words may still say a more specific route.
  Resolution resolution = FromHit(*hit);
  if (!medication.name().empty()) {
    ConsiderRoute(ResolveText(knowledge, medication.name()).route_hint,
                  &resolution.route_hint);
  }
  return resolution;
}

Resolution NameResolver::ResolveText(const KnowledgeSnapshot& knowledge,
                                     absl::string_view text) {
  // Per-thread scratch: resolution runs for every medication of every check.
  thread_local std::string normalized;
  thread_local std::string cleaned;
  NormalizeNameInto(text, &normalized);
  const Words words = ClassifyWords(normalized);
  v1::Route route_hint = v1::ROUTE_UNSPECIFIED;
  for (const Word& word : words) ConsiderRoute(word.route, &route_hint);

  auto found = [&](const NameHit* hit) {
    Resolution resolution = FromHit(*hit);
    ConsiderRoute(route_hint, &resolution.route_hint);
    return resolution;
  };
  if (const NameHit* hit = knowledge.FindName(normalized)) return found(hit);

  // A bare code typed where a name was expected (one word, short).
  if (words.size() == 1 && normalized.size() <= 9) {
    const std::string as_atc = NormalizeAtcCode(text);
    if (IsWellFormedAtcCode(as_atc)) {
      if (const NameHit* hit = knowledge.FindAtcCode(as_atc)) return found(hit);
    }
    const std::string as_rxcui = NormalizeRxcui(text);
    if (IsWellFormedRxcui(as_rxcui)) {
      if (const NameHit* hit = knowledge.FindRxcui(as_rxcui)) return found(hit);
    }
  }

  for (Cleaning level :
       {Cleaning::kStrength, Cleaning::kFormWords, Cleaning::kSaltWords}) {
    CleanName(words, level, &cleaned);
    if (cleaned.empty() || cleaned.size() == normalized.size()) continue;
    if (const NameHit* hit = knowledge.FindName(cleaned)) return found(hit);
  }
  // Trailing words a prescriber added ("haloperidol as needed"), longest
  // leading run first: `cleaned` holds every kept word, so each shorter run
  // is a prefix of it ending at a space.
  for (size_t end = cleaned.rfind(' '); end != std::string::npos && end > 0;
       end = cleaned.rfind(' ', end - 1)) {
    if (const NameHit* hit =
            knowledge.FindName(absl::string_view(cleaned).substr(0, end))) {
      return found(hit);
    }
  }
  Resolution unresolved;
  unresolved.route_hint = route_hint;
  return unresolved;
}

namespace {

struct Candidate {
  int distance;
  const std::string* key;
  const NameHit* hit;
};

// Every indexed name within the near-miss distance of `query`, closest first,
// one per drug.
std::vector<Candidate> NearMisses(const KnowledgeSnapshot& knowledge,
                                  const std::string& query) {
  std::vector<Candidate> candidates;
  if (query.empty()) return candidates;
  const int max_distance = MaxDistanceFor(query.size());
  const LetterCounts query_letters = CountLetters(query);
  const auto& names = knowledge.sorted_names();
  const auto& letters = knowledge.sorted_name_letters();
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& [key, hit] = names[i];
    // Cheap bounds first: most names differ too much in length or letters.
    if (std::abs(static_cast<int>(key.size()) -
                 static_cast<int>(query.size())) > max_distance ||
        LetterDistanceLowerBound(query_letters, letters[i]) > max_distance) {
      continue;
    }
    const int distance = BoundedEditDistance(query, key, max_distance);
    if (distance <= max_distance) candidates.push_back({distance, &key, &hit});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return a.distance < b.distance;
                   });
  absl::flat_hash_set<int> seen;
  std::vector<Candidate> unique;
  for (const Candidate& candidate : candidates) {
    if (seen.insert(candidate.hit->drug).second) unique.push_back(candidate);
  }
  return unique;
}

}  // namespace

std::vector<std::string> NameResolver::Suggest(
    const KnowledgeSnapshot& knowledge, absl::string_view text, int limit) {
  const std::string normalized = NormalizeName(text);
  const Words words = ClassifyWords(normalized);
  std::string query;
  CleanName(words, Cleaning::kSaltWords, &query);
  if (query.empty()) query = normalized;
  std::vector<Candidate> candidates = NearMisses(knowledge, query);
  // A misspelt first word of a longer name ("haloperidal 5 mg as needed").
  if (candidates.empty()) {
    std::vector<absl::string_view> kept =
        absl::StrSplit(query, ' ', absl::SkipEmpty());
    if (kept.size() > 1)
      candidates = NearMisses(knowledge, std::string(kept[0]));
  }
  std::vector<std::string> suggestions;
  for (const Candidate& candidate : candidates) {
    if (static_cast<int>(suggestions.size()) >= limit) break;
    suggestions.push_back(candidate.hit->display);
  }
  return suggestions;
}

std::vector<v1::DrugMatch> NameResolver::Search(
    const KnowledgeSnapshot& knowledge, absl::string_view query, int limit) {
  const std::string key = NormalizeName(query);
  std::vector<v1::DrugMatch> matches;
  if (key.empty() || limit <= 0) return matches;
  absl::flat_hash_set<int> seen;
  auto add = [&](const NameHit& hit, v1::DrugMatch::MatchKind kind,
                 int distance) {
    if (static_cast<int>(matches.size()) >= limit) return;
    if (!seen.insert(hit.drug).second) return;
    const v1::Drug& drug = *knowledge.drugs()[hit.drug].drug;
    v1::DrugMatch& match = matches.emplace_back();
    match.set_drug_id(drug.id());
    match.set_name(drug.name());
    match.set_matched_name(hit.display);
    match.set_match_kind(kind);
    match.set_distance(distance);
    match.set_is_brand(hit.kind == v1::NameIndexEntry::BRAND);
  };
  if (const NameHit* hit = knowledge.FindName(key)) {
    add(*hit, v1::DrugMatch::EXACT, 0);
  }
  const auto& names = knowledge.sorted_names();
  auto it = std::lower_bound(
      names.begin(), names.end(), key,
      [](const auto& entry, const std::string& k) { return entry.first < k; });
  for (; it != names.end() && absl::StartsWith(it->first, key); ++it) {
    add(it->second, v1::DrugMatch::PREFIX, 0);
  }
  for (const Candidate& candidate : NearMisses(knowledge, key)) {
    add(*candidate.hit, v1::DrugMatch::NEAR_MISS, candidate.distance);
  }
  return matches;
}

}  // namespace dystonia
