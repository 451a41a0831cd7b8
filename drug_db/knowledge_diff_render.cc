#include "drug_db/knowledge_diff_render.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "drug_db/site/html_escape.h"

namespace dystonia {
namespace {

const char* EntryKindLabel(EntryChangeKind kind) {
  switch (kind) {
    case EntryChangeKind::kAdded:
      return "added";
    case EntryChangeKind::kRemoved:
      return "removed";
    case EntryChangeKind::kChanged:
      return "changed";
  }
  return "changed";
}

std::string EntryName(const EntryChange& entry) {
  return entry.id.empty() ? entry.entry_type
                          : absl::StrCat(entry.entry_type, " ", entry.id);
}

std::string ChangeText(const FieldChange& change) {
  switch (change.kind) {
    case FieldChangeKind::kAdded:
      return absl::StrCat(change.field, ": added ", change.after);
    case FieldChangeKind::kRemoved:
      return absl::StrCat(change.field, ": removed ", change.before);
    default:
      return absl::StrCat(change.field, ": ", FieldChangeKindLabel(change.kind),
                          ": ", change.before, " -> ", change.after);
  }
}

std::string UtcTime(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string AuditText(const v1::AuditEntry& entry) {
  return absl::StrCat(UtcTime(entry.at_unix_seconds()), " ", entry.actor(),
                      ": ", entry.action(), " ", entry.target(),
                      " (reason: ", entry.reason(), ")");
}

std::string SummaryText(const KnowledgeDiff& diff) {
  return absl::StrCat(
      diff.changes.size(), " entries changed; ",
      CountFieldChanges(diff, FieldChangeKind::kTierUp), " tier increases, ",
      CountFieldChanges(diff, FieldChangeKind::kTierDown), " tier decreases, ",
      CountFieldChanges(diff, FieldChangeKind::kContraindicationAdded),
      " contraindications added, ",
      CountFieldChanges(diff, FieldChangeKind::kContraindicationRemoved),
      " removed");
}

// Entries with a tier increase come first: they change alerts.
std::vector<const EntryChange*> TierIncreasesFirst(const KnowledgeDiff& diff) {
  std::vector<const EntryChange*> first, rest;
  for (const EntryChange& entry : diff.changes) {
    bool up = false;
    for (const FieldChange& f : entry.fields) {
      up = up || f.kind == FieldChangeKind::kTierUp;
    }
    (up ? first : rest).push_back(&entry);
  }
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

// The audit entries that wrote this entry (upserts and deletes target an id;
// imports target a version and stay in the per-version list).
std::vector<const v1::AuditEntry*> EntryAudit(const KnowledgeDiff& diff,
                                              const EntryChange& entry) {
  std::vector<const v1::AuditEntry*> entries;
  if (entry.id.empty()) return entries;
  for (const VersionAudit& version : diff.audit) {
    for (const v1::AuditEntry& audit : version.entries) {
      if (audit.target() == entry.id) entries.push_back(&audit);
    }
  }
  return entries;
}

constexpr char kStyle[] = R"css(
.kb-diff { font-family: sans-serif; max-width: 60em; }
.kb-diff .tier-up { color: #a00; font-weight: bold; }
.kb-diff .tier-down { color: #060; }
.kb-diff .before { background: #fdd; }
.kb-diff .after { background: #dfd; }
.kb-diff li { margin: 0.2em 0; }
.kb-diff .audit { color: #444; font-size: 0.9em; }
)css";

}  // namespace

const char* FieldChangeKindLabel(FieldChangeKind kind) {
  switch (kind) {
    case FieldChangeKind::kTierUp:
      return "tier up";
    case FieldChangeKind::kTierDown:
      return "tier down";
    case FieldChangeKind::kContraindicationAdded:
      return "contraindication added";
    case FieldChangeKind::kContraindicationRemoved:
      return "contraindication removed";
    case FieldChangeKind::kAdded:
      return "added";
    case FieldChangeKind::kRemoved:
      return "removed";
    case FieldChangeKind::kChanged:
      return "changed";
  }
  return "changed";
}

std::string RenderKnowledgeDiffText(const KnowledgeDiff& diff) {
  std::string out = absl::StrCat("knowledge ", diff.from_version, " -> ",
                                 diff.to_version, "\n");
  if (diff.changes.empty()) {
    absl::StrAppend(&out, "no changes\n");
  } else {
    absl::StrAppend(&out, SummaryText(diff), "\n");
  }
  for (const EntryChange& entry : diff.changes) {
    absl::StrAppend(&out, "\n", EntryName(entry), " (",
                    EntryKindLabel(entry.kind), ")\n");
    for (const FieldChange& change : entry.fields) {
      absl::StrAppend(&out, "  ", ChangeText(change), "\n");
    }
  }
  for (const VersionAudit& version : diff.audit) {
    absl::StrAppend(&out, "\naudit for version ", version.version.version(),
                    ":\n");
    for (const v1::AuditEntry& entry : version.entries) {
      absl::StrAppend(&out, "  ", AuditText(entry), "\n");
    }
  }
  return out;
}

std::string RenderKnowledgeDiffHtmlFragment(const KnowledgeDiff& diff) {
  std::string out = absl::StrCat(
      "<section class=\"kb-diff\">\n<style>", kStyle,
      "</style>\n<h2>Knowledge ", site::EscapeHtml(diff.from_version),
      " &rarr; ", site::EscapeHtml(diff.to_version), "</h2>\n<p>",
      diff.changes.empty() ? std::string("no changes")
                           : site::EscapeHtml(SummaryText(diff)),
      "</p>\n");
  for (const EntryChange* entry : TierIncreasesFirst(diff)) {
    absl::StrAppend(&out, "<h3>", site::EscapeHtml(EntryName(*entry)), " (",
                    EntryKindLabel(entry->kind), ")</h3>\n<ul>\n");
    for (const FieldChange& change : entry->fields) {
      const char* css = change.kind == FieldChangeKind::kTierUp ? "tier-up"
                        : change.kind == FieldChangeKind::kTierDown
                            ? "tier-down"
                            : "change";
      absl::StrAppend(&out, "<li class=\"", css, "\"><code>",
                      site::EscapeHtml(change.field), "</code> ",
                      FieldChangeKindLabel(change.kind));
      if (!change.before.empty()) {
        absl::StrAppend(&out, " <span class=\"before\">",
                        site::EscapeHtml(change.before), "</span>");
      }
      if (!change.after.empty()) {
        absl::StrAppend(&out, " &rarr; <span class=\"after\">",
                        site::EscapeHtml(change.after), "</span>");
      }
      absl::StrAppend(&out, "</li>\n");
    }
    absl::StrAppend(&out, "</ul>\n");
    const std::vector<const v1::AuditEntry*> audit = EntryAudit(diff, *entry);
    if (!audit.empty()) {
      absl::StrAppend(&out, "<ul class=\"audit\">\n");
      for (const v1::AuditEntry* written : audit) {
        absl::StrAppend(&out, "<li>", site::EscapeHtml(AuditText(*written)),
                        "</li>\n");
      }
      absl::StrAppend(&out, "</ul>\n");
    }
  }
  if (!diff.audit.empty()) absl::StrAppend(&out, "<h3>Audit trail</h3>\n");
  for (const VersionAudit& version : diff.audit) {
    absl::StrAppend(&out, "<h4>Version ",
                    site::EscapeHtml(version.version.version()),
                    "</h4>\n<ul class=\"audit\">\n");
    for (const v1::AuditEntry& entry : version.entries) {
      absl::StrAppend(&out, "<li>", site::EscapeHtml(AuditText(entry)),
                      "</li>\n");
    }
    absl::StrAppend(&out, "</ul>\n");
  }
  absl::StrAppend(&out, "</section>\n");
  return out;
}

std::string RenderKnowledgeDiffHtmlPage(const KnowledgeDiff& diff) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>Knowledge ",
      site::EscapeHtml(diff.from_version), " &rarr; ",
      site::EscapeHtml(diff.to_version), "</title></head>\n<body>\n",
      RenderKnowledgeDiffHtmlFragment(diff), "</body></html>\n");
}

}  // namespace dystonia
