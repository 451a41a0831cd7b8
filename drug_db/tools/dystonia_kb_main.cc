// dystonia-kb: validates the text knowledge base, imports it into the RocksDB
// store, and edits, versions, audits and exports what is stored.
//
//   dystonia-kb validate [--knowledge_dir DIR]
//   dystonia-kb import   --reason TEXT [--knowledge_dir DIR] [--db_path DIR]
//                        [--force]
//   dystonia-kb info     [--db_path DIR]
//   dystonia-kb versions [--db_path DIR]
//   dystonia-kb upsert   --file ENTRY.textproto --reason TEXT [--db_path DIR]
//   dystonia-kb delete   --drug ID --reason TEXT [--db_path DIR] [--force]
//   dystonia-kb activate --sequence N|VERSION --reason TEXT [--db_path DIR]
//   dystonia-kb audit    [--limit N] [--from UNIX] [--to UNIX] [--db_path DIR]
//   dystonia-kb audit    --verify [--db_path DIR]
//   dystonia-kb export   --out DIR [--sequence N] [--db_path DIR]
//   dystonia-kb backup   --out DIR [--db_path DIR]   (also while a server runs)
//   dystonia-kb diff     [--from VERSION] [--to VERSION] [--html FILE]
//                        [--db_path DIR]
//   dystonia-kb diff     [--from VERSION] --to_dir DIR  (or --from_dir DIR
//                        [--to VERSION]): a stored version against files
//     VERSION: a sequence number or a version as `versions` prints it;
//     --to defaults to the active version, --from to the one before --to
//     (to the active one when the other side is a directory).
//   dystonia-kb site     --out DIR [--version V] [--db_path DIR]
//
// It opens the database directory itself, so it cannot run while a server
// holds that directory (RocksDB's lock); use KnowledgeBaseAdmin then.
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "drug_db/drug_store.h"
#include "drug_db/file_text.h"
#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_diff.h"
#include "drug_db/knowledge_diff_render.h"
#include "drug_db/knowledge_export.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_loader.h"
#include "drug_db/knowledge_snapshot.h"
#include "drug_db/site/knowledge_site.h"
#include "drug_db/site/stored_version.h"

ABSL_FLAG(std::string, db_path, "data/dystonia-db",
          "RocksDB directory of the drug store");
ABSL_FLAG(std::string, knowledge_dir, "drug_db/knowledge",
          "Directory of the text knowledge base (*.textproto)");
ABSL_FLAG(std::string, file, "",
          "upsert: a file holding one `drug { ... }` or `drug_class { ... }` "
          "in KnowledgeBundle text format");
ABSL_FLAG(std::string, drug, "", "delete: the id of the drug to delete");
ABSL_FLAG(std::string, reason, "",
          "Why the change is made (kept in the audit trail); required by "
          "every write");
ABSL_FLAG(bool, force, false,
          "import, delete: allow dropping a dopamine blocker or more than "
          "10 % of the drugs");
ABSL_FLAG(bool, verify, false,
          "audit: check the whole trail's hash chain instead of printing it");
ABSL_FLAG(std::string, sequence, "",
          "activate: the version to make active; export: the version to "
          "export (empty or 0: the active one); a sequence number or a "
          "version as `versions` prints it");
ABSL_FLAG(int, limit, 20, "audit: show at most this many (the newest)");
// Strings so that `audit` reads Unix times and `diff` reads versions.
ABSL_FLAG(std::string, from, "",
          "audit: entries at or after this Unix time; diff: the older "
          "version (sequence or version string; default the one before --to)");
ABSL_FLAG(std::string, to, "",
          "audit: entries at or before this Unix time; diff: the newer "
          "version (sequence or version string; default the active one)");
ABSL_FLAG(std::string, from_dir, "",
          "diff: knowledge files to compare, as the older side");
ABSL_FLAG(std::string, to_dir, "",
          "diff: knowledge files to compare, as the newer side");
ABSL_FLAG(std::string, html, "",
          "diff: also write the diff as a self-contained HTML page here");
ABSL_FLAG(std::string, out, "",
          "export, backup, site: the directory to write (backup: a new one)");
ABSL_FLAG(std::string, rrf_dir, "",
          "import-rxnorm: the directory of an RxNorm release's RRF files "
          "(RXNCONSO.RRF, RXNREL.RRF, RXNSAT.RRF)");
ABSL_FLAG(std::string, rxnorm_release, "",
          "import-rxnorm: the release's name (default: the directory's name)");

namespace {

constexpr absl::string_view kUsage =
    R"(dystonia-kb COMMAND [flags]

  validate  [--knowledge_dir DIR]            check the text knowledge base
  import    --reason TEXT [--knowledge_dir DIR] [--force]
                                             store it as the new active version
  info                                       counts of the active version
  versions                                   every version; * marks the active
                                             (VERSION+N: the manifest's version
                                             stored as sequence N; imported_at
                                             in UTC)
  upsert    --file ENTRY.textproto --reason TEXT
                                             add or replace one drug or class
  delete    --drug ID --reason TEXT [--force]
                                             remove a drug
  activate  --sequence N|VERSION --reason TEXT
                                             make that version active (rollback)
  audit     [--limit N] [--from UNIX] [--to UNIX]
                                             the audit trail, newest last
  audit     --verify                         check the trail's hash chain
  export    --out DIR [--sequence N|VERSION]       a version as text files, for diff
  import-rxnorm --rrf_dir DIR [--rxnorm_release NAME] [--reason TEXT]
                                             add a site's RxNorm release: its
                                             products and NDCs of our drugs
  backup    --out DIR                        copy the whole database (knowledge
                                             versions, audit, feedback) to a
                                             new directory, even while a
                                             server runs on it
  diff      [--from VERSION] [--to VERSION] [--html FILE]
                                             what changed between two versions
                                             (sequence or version string; to:
                                             active, from: the one before),
                                             with the audit entries behind it
  diff      --to_dir DIR [--from VERSION]    a stored version (default the
  diff      --from_dir DIR [--to VERSION]    active one) against knowledge
                                             files, e.g. drug_db/knowledge:
                                             compare a database with the
                                             bundled files (an export drops
                                             their comments)
  site      --out DIR [--version V]          the knowledge browser: a static
                                             HTML site of version V (sequence
                                             or version string; default the
                                             active one)

Every other command but validate works on --db_path (default data/dystonia-db)
directly, so it cannot run while dystonia-server holds that database (RocksDB
lock): stop the server first, or use the KnowledgeBaseAdmin gRPC service.
Every write needs --reason, is validated, makes a new version and is recorded
in the audit trail under your operating-system user name. An import or delete
that would drop a dopamine blocker or more than 10 % of the drugs is refused
unless --force is given.)";

int Fail(const absl::Status& status) {
  std::cerr << "dystonia-kb: " << status.message() << "\n";
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

int UsageError(absl::string_view message) {
  std::cerr << "dystonia-kb: " << message << "\n";
  return 2;
}

// The account this process runs as, from the password database: $USER is
// whatever the caller set, so it would let anyone sign the trail as anyone.
std::string LocalActor() {
  const uid_t uid = getuid();
  const struct passwd* account = getpwuid(uid);
  if (account == nullptr || account->pw_name == nullptr) {
    return absl::StrCat("dystonia-kb (local uid ", uid, ")");
  }
  return absl::StrCat("dystonia-kb (local user ", account->pw_name, ")");
}

std::string FormatUnix(int64_t seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

void PrintVersion(const dystonia::v1::KnowledgeVersionInfo& info) {
  std::cout << info.version()
            << "  imported_at=" << FormatUnix(info.imported_at_unix_seconds())
            << "  origin=" << info.origin() << "\n";
}

void PrintWrite(absl::string_view what, const dystonia::AuditedWrite& write) {
  if (write.unchanged) {
    std::cout << what << ": no change (identical to the stored entry); "
              << "version " << write.version.version()
              << " stays active, no version made, nothing audited\n";
    return;
  }
  std::cout << what << ": version " << write.audit.version_before() << " -> "
            << write.version.version() << " (audit entry "
            << write.audit.sequence() << ")\n";
}

void PrintIndented(absl::string_view label, const std::string& text) {
  if (text.empty()) return;
  std::cout << "  " << label << ":\n";
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::cout << "    " << line << "\n";
  }
}

void PrintAudit(const dystonia::v1::AuditEntry& entry) {
  std::cout << "#" << entry.sequence() << "  "
            << FormatUnix(entry.at_unix_seconds()) << "  " << entry.actor()
            << "\n  " << entry.action() << " " << entry.target() << ": "
            << (entry.version_before().empty() ? "(none)"
                                               : entry.version_before())
            << " -> " << entry.version_after() << "\n";
  if (!entry.reason().empty())
    std::cout << "  reason: " << entry.reason() << "\n";
  PrintIndented("previous", entry.previous_value());
  PrintIndented("new", entry.new_value());
}

int Upsert(dystonia::KnowledgeAdmin& admin, const std::string& path,
           const std::string& actor, const std::string& reason) {
  if (path.empty()) return UsageError("upsert needs --file ENTRY.textproto");
  absl::StatusOr<std::string> text = dystonia::ReadFileText(path);
  if (!text.ok()) return Fail(text.status());
  dystonia::LoadedKnowledge loaded;
  absl::Status parsed = loaded.AddText(path, *text);
  if (!parsed.ok()) return Fail(parsed);
  const dystonia::v1::KnowledgeBundle& bundle = loaded.bundle();
  const int entries = bundle.drug_size() + bundle.drug_class_size() +
                      bundle.citation_size() + bundle.modifier_size() +
                      bundle.interaction_size() + bundle.recommendation_size() +
                      (bundle.has_manifest() ? 1 : 0);
  if (entries != 1 || (bundle.drug_size() + bundle.drug_class_size()) != 1) {
    return UsageError(absl::StrCat(
        path,
        ": must hold exactly one `drug { ... }` or `drug_class { ... }` "
        "(it holds ",
        entries, " entries)"));
  }
  absl::StatusOr<dystonia::AuditedWrite> written =
      bundle.drug_size() == 1
          ? admin.UpsertDrug(bundle.drug(0), actor, reason)
          : admin.UpsertClass(bundle.drug_class(0), actor, reason);
  if (!written.ok()) return Fail(written.status());
  PrintWrite(bundle.drug_size() == 1
                 ? absl::StrCat("upsert_drug ", bundle.drug(0).id())
                 : absl::StrCat("upsert_class ", bundle.drug_class(0).id()),
             *written);
  return 0;
}

// `audit --from/--to`: Unix seconds; empty means unbounded (0).
bool ParseUnixTime(absl::string_view flag, const std::string& value,
                   int64_t* unix_seconds) {
  *unix_seconds = 0;
  if (value.empty() || absl::SimpleAtoi(value, unix_seconds)) return true;
  std::cerr << "dystonia-kb: --" << flag << ": \"" << value
            << "\" is not a Unix time in seconds\n";
  return false;
}

// `diff`: resolves --from/--to to stored versions, prints the text diff and
// writes the HTML page when --html is given.
int Diff(const dystonia::DrugStore& store,
         const dystonia::KnowledgeAdmin& admin) {
  auto versions = admin.ListVersions();
  if (!versions.ok()) return Fail(versions.status());
  if (versions->versions.empty()) {
    return Fail(absl::NotFoundError("no knowledge version is stored"));
  }
  const std::string from_dir = absl::GetFlag(FLAGS_from_dir);
  const std::string to_dir = absl::GetFlag(FLAGS_to_dir);
  if (!from_dir.empty() && !to_dir.empty()) {
    return UsageError(
        "--from_dir and --to_dir: give one, the other side is "
        "a stored version");
  }
  int64_t to = versions->active_sequence;
  const std::string to_flag = absl::GetFlag(FLAGS_to);
  if (!to_flag.empty()) {
    auto resolved = dystonia::ResolveVersion(*versions, "--to", to_flag);
    if (!resolved.ok()) return UsageError(resolved.status().message());
    to = *resolved;
  }
  int64_t from = 0;
  const std::string from_flag = absl::GetFlag(FLAGS_from);
  if (!from_flag.empty()) {
    auto resolved = dystonia::ResolveVersion(*versions, "--from", from_flag);
    if (!resolved.ok()) return UsageError(resolved.status().message());
    from = *resolved;
  } else if (!to_dir.empty()) {
    from = versions->active_sequence;
  } else if (from_dir.empty()) {
    for (const auto& info : versions->versions) {
      if (info.sequence() < to) from = info.sequence();
    }
    if (from == 0) {
      return UsageError(absl::StrCat(
          "--from: no version before ", to, "; give --from explicitly"));
    }
  }
  absl::StatusOr<dystonia::KnowledgeDiff> diff =
      !to_dir.empty()
          ? dystonia::DiffStoredVersionWithDirectory(store, from, to_dir, true)
      : !from_dir.empty()
          ? dystonia::DiffStoredVersionWithDirectory(store, to, from_dir, false)
          : dystonia::DiffStoredVersions(store, from, to);
  if (!diff.ok()) return Fail(diff.status());
  std::cout << dystonia::RenderKnowledgeDiffText(*diff);
  const std::string html = absl::GetFlag(FLAGS_html);
  if (!html.empty()) {
    std::ofstream page(html, std::ios::binary | std::ios::trunc);
    page << dystonia::RenderKnowledgeDiffHtmlPage(*diff);
    page.close();
    if (!page) {
      return Fail(absl::UnavailableError(
          absl::StrCat("--html: cannot write ", html)));
    }
    std::cout << "wrote " << html << "\n";
  }
  return 0;
}

// Takes `--version V` / `--version=V` of the site command out of argv:
// Abseil owns a built-in --version flag (print the build and exit), so it
// must not see ours.
std::string TakeSiteVersionFlag(int& argc, char** argv) {
  if (std::find_if(argv + 1, argv + argc, [](const char* arg) {
        return absl::string_view(arg) == "site";
      }) == argv + argc) {
    return "";
  }
  std::string version;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if ((arg == "--version" || arg == "-version") && i + 1 < argc) {
      version = argv[++i];
    } else if (absl::ConsumePrefix(&arg, "--version=") ||
               absl::ConsumePrefix(&arg, "-version=")) {
      version = std::string(arg);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return version;
}

int Site(const dystonia::DrugStore& store, const std::string& version,
         const std::string& out) {
  if (out.empty()) return UsageError("site needs --out DIR");
  auto stored = dystonia::ReadNamedVersion(store, version);
  if (!stored.ok()) return Fail(stored.status());
  // The changes page: this version against the stored one before it.
  auto options =
      dystonia::StoredVersionSiteOptions(store, stored->info.sequence());
  if (!options.ok()) return Fail(options.status());
  const dystonia::KnowledgeSite site =
      dystonia::BuildKnowledgeSite(stored->bundle, stored->info, *options);
  absl::Status written = dystonia::WriteKnowledgeSite(site, out);
  if (!written.ok()) return Fail(written);
  std::cout << "wrote the knowledge site of version " << stored->info.version()
            << " (" << site.size() << " files) to " << out
            << "; open " << out << "/index.html\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  // --help lists this file's flags (Abseil looks for a file named after the
  // binary, and found none: "No flags matched").
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "dystonia_kb_main.cc");
  };
  absl::SetFlagsUsageConfig(usage);
  const std::string site_version = TakeSiteVersionFlag(argc, argv);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::cerr << absl::ProgramUsageMessage() << "\n";
    return 2;
  }
  const std::string command = args[1];
  const std::string knowledge_dir = absl::GetFlag(FLAGS_knowledge_dir);
  const std::string reason = absl::GetFlag(FLAGS_reason);
  const std::string actor = LocalActor();
  const dystonia::DropGuard guard =
      dystonia::ToDropGuard(absl::GetFlag(FLAGS_force));

  if (command == "validate") {
    auto bundle = dystonia::ReadAndValidateKnowledgeDirectory(knowledge_dir);
    if (!bundle.ok()) return Fail(bundle.status());
    std::cout << knowledge_dir << ": valid, " << bundle->drug_size()
              << " drugs, " << bundle->drug_class_size() << " classes, "
              << bundle->citation_size() << " citations, "
              << bundle->condition_size() << " conditions, "
              << bundle->caution_size() << " cautions\n";
    return 0;
  }
  if (command == "backup") {
    // Before the store is opened: a backup reads a database a running
    // server holds, without its lock.
    const std::string out = absl::GetFlag(FLAGS_out);
    if (out.empty()) return UsageError("backup needs --out DIR (a new directory)");
    auto copied = dystonia::DrugStore::Backup(absl::GetFlag(FLAGS_db_path), out);
    if (!copied.ok()) return Fail(copied.status());
    std::cout << "backed up " << *copied << " records of "
              << absl::GetFlag(FLAGS_db_path) << " to " << out
              << " (restore: start dystonia-server with --db_path " << out
              << ", or move it into place while no server runs)\n";
    return 0;
  }
  static const char* const kKnown[] = {
      "import",   "info",  "versions", "upsert",       "delete",
      "activate", "audit", "export",   "import-rxnorm", "diff",
      "site"};
  if (std::find(std::begin(kKnown), std::end(kKnown), command) ==
      std::end(kKnown)) {
    std::cerr << "dystonia-kb: unknown command '" << command << "'\n"
              << absl::ProgramUsageMessage() << "\n";
    return 2;
  }

  auto store = dystonia::DrugStore::Open(absl::GetFlag(FLAGS_db_path));
  if (!store.ok()) {
    if (absl::IsUnavailable(store.status())) {
      std::cerr << "dystonia-kb: " << store.status().message()
                << "\n(is dystonia-server running on this database? stop it, "
                   "or use the KnowledgeBaseAdmin service)\n";
      return 1;
    }
    return Fail(store.status());
  }
  dystonia::KnowledgeAdmin admin(store->get());

  if (command == "import") {
    auto written = admin.ImportDirectory(knowledge_dir, actor, reason, guard);
    if (!written.ok()) return Fail(written.status());
    std::cout << "imported " << knowledge_dir << " as version "
              << written->version.version() << "\n";
    return 0;
  }
  if (command == "import-rxnorm") {
    const std::string rrf_dir = absl::GetFlag(FLAGS_rrf_dir);
    if (rrf_dir.empty()) return UsageError("import-rxnorm needs --rrf_dir DIR");
    int added = 0;
    auto written =
        admin.ImportRxNorm(rrf_dir, absl::GetFlag(FLAGS_rxnorm_release), actor,
                           reason, &added);
    if (!written.ok()) return Fail(written.status());
    PrintWrite(absl::StrCat("added ", added, " RxNorm product codes and NDCs"),
               *written);
    return 0;
  }
  if (command == "info") {
    auto snapshot = dystonia::KnowledgeSnapshot::Load(**store);
    if (!snapshot.ok()) return Fail(snapshot.status());
    const auto& bundle = (*snapshot)->bundle();
    std::cout << "version " << (*snapshot)->version() << ": "
              << bundle.drug_size() << " drugs, " << bundle.drug_class_size()
              << " classes, " << bundle.citation_size() << " citations, "
              << bundle.modifier_size() << " modifiers, "
              << bundle.interaction_size() << " interactions, "
              << bundle.recommendation_size() << " recommendations, "
              << bundle.condition_size() << " conditions, "
              << bundle.caution_size() << " cautions, "
              << (*snapshot)->sorted_names().size()
              << " names (generic, synonyms, brands, forms)"
              << (bundle.manifest().rxnorm_release().empty()
                      ? ""
                      : ", RxNorm release " +
                            bundle.manifest().rxnorm_release())
              << "\n";
    return 0;
  }
  if (command == "versions") {
    auto versions = admin.ListVersions();
    if (!versions.ok()) return Fail(versions.status());
    for (const auto& info : versions->versions) {
      std::cout << (versions->active_sequence == info.sequence() ? "* " : "  ");
      PrintVersion(info);
    }
    return 0;
  }
  if (command == "upsert") {
    return Upsert(admin, absl::GetFlag(FLAGS_file), actor, reason);
  }
  if (command == "delete") {
    const std::string drug = absl::GetFlag(FLAGS_drug);
    if (drug.empty()) return UsageError("delete needs --drug ID");
    auto written = admin.DeleteDrug(drug, actor, reason, guard);
    if (!written.ok()) return Fail(written.status());
    PrintWrite(absl::StrCat("deleted drug ", drug), *written);
    return 0;
  }
  if (command == "activate") {
    const std::string sequence_flag = absl::GetFlag(FLAGS_sequence);
    if (sequence_flag.empty()) {
      return UsageError("activate needs --sequence N or --sequence VERSION");
    }
    auto versions = admin.ListVersions();
    if (!versions.ok()) return Fail(versions.status());
    auto sequence =
        dystonia::ResolveVersion(*versions, "--sequence", sequence_flag);
    if (!sequence.ok()) return Fail(sequence.status());
    auto written = admin.Activate(*sequence, actor, reason);
    if (!written.ok()) return Fail(written.status());
    PrintWrite("activated", *written);
    return 0;
  }
  if (command == "audit" && absl::GetFlag(FLAGS_verify)) {
    auto chain = (*store)->VerifyAuditChain();
    if (!chain.ok()) {
      std::cerr << "dystonia-kb: audit trail broken: "
                << chain.status().message() << "\n";
      return 1;
    }
    std::cout << "chain intact (" << chain->entries << " entries";
    if (chain->unchained > 0) {
      std::cout << "; the first " << chain->unchained
                << " predate the chain and are protected only by their "
                   "sequence";
    }
    if (!chain->head_sha256.empty()) {
      std::cout << "; head " << chain->head_sha256;
    }
    std::cout << ")\n";
    return 0;
  }
  if (command == "diff") return Diff(**store, admin);
  if (command == "audit") {
    int64_t from = 0;
    int64_t to = 0;
    if (!ParseUnixTime("from", absl::GetFlag(FLAGS_from), &from) ||
        !ParseUnixTime("to", absl::GetFlag(FLAGS_to), &to)) {
      return 2;
    }
    auto entries = admin.ReadAuditLog(from, to, absl::GetFlag(FLAGS_limit));
    if (!entries.ok()) return Fail(entries.status());
    for (const auto& entry : *entries) PrintAudit(entry);
    return 0;
  }
  if (command == "site") {
    return Site(**store, site_version, absl::GetFlag(FLAGS_out));
  }
  // export
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return UsageError("export needs --out DIR");
  int64_t export_sequence = 0;  // 0: the active version
  const std::string sequence_flag = absl::GetFlag(FLAGS_sequence);
  if (!sequence_flag.empty() && sequence_flag != "0") {
    auto versions = admin.ListVersions();
    if (!versions.ok()) return Fail(versions.status());
    auto resolved =
        dystonia::ResolveVersion(*versions, "--sequence", sequence_flag);
    if (!resolved.ok()) return Fail(resolved.status());
    export_sequence = *resolved;
  }
  auto exported = dystonia::ExportKnowledge(**store, export_sequence, out);
  if (!exported.ok()) return Fail(exported.status());
  std::cout << "exported version " << exported->version() << " to " << out
            << "\n";
  return 0;
}
