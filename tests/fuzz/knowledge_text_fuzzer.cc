// Fuzzes the knowledge-base text importer: parsing a *.textproto file,
// validating the bundle (with file:line locations) and indexing it.
// Properties: a refusal says where; a bundle the validator accepts renders
// to export files that read back to the same bundle, indexes, and resolves
// each drug's own name and id to that drug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "drug_db/knowledge_export.h"
#include "drug_db/knowledge_loader.h"
#include "drug_db/knowledge_snapshot.h"
#include "drug_db/knowledge_validator.h"
#include "google/protobuf/util/message_differencer.h"
#include "service/engine/name_resolver.h"
#include "tests/fuzz/fuzz_support.h"

namespace dystonia::fuzz {
namespace {

// Export files read back into one bundle, as an import of them would.
v1::KnowledgeBundle ReadBack(const v1::KnowledgeBundle& bundle) {
  LoadedKnowledge reloaded;
  for (const auto& [file, text] : RenderKnowledgeFiles(bundle)) {
    Require(reloaded.AddText(file, text).ok(), "export files parse");
  }
  return reloaded.bundle();
}

void CheckAccepted(const v1::KnowledgeBundle& bundle) {
  const v1::KnowledgeBundle reloaded = ReadBack(bundle);
  Require(ValidateKnowledge(reloaded).ok(), "exported bundle validates");
  Require(RenderKnowledgeFiles(reloaded) == RenderKnowledgeFiles(bundle),
          "export, import, export is stable");
  const auto snapshot = KnowledgeSnapshot::FromBundle(bundle);
  Require(snapshot->drugs().size() == static_cast<size_t>(bundle.drug_size()),
          "every drug indexed");
  for (int d = 0; d < bundle.drug_size(); ++d) {
    const v1::Drug& drug = bundle.drug(d);
    const Resolution by_name =
        NameResolver::ResolveText(*snapshot, drug.name());
    Require(by_name.drug >= 0 &&
                snapshot->drugs()[by_name.drug].drug->id() == drug.id(),
            "a drug's name resolves to it");
  }
}

}  // namespace
}  // namespace dystonia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  LoadedKnowledge loaded;
  const absl::Status parsed = loaded.AddText("fuzz.textproto", text);
  if (!parsed.ok()) {
    fuzz::Require(parsed.message().find("fuzz.textproto") != std::string::npos,
                  "a syntax error names the file");
    return 0;
  }
  const absl::Status valid = ValidateKnowledge(loaded.bundle(), &loaded);
  if (!valid.ok()) {
    fuzz::Require(!valid.message().empty(), "a refusal lists problems");
    return 0;
  }
  fuzz::CheckAccepted(loaded.bundle());
  return 0;
}
