#ifndef DYSTONIA_DRUG_DB_RXNORM_RELEASE_H_
#define DYSTONIA_DRUG_DB_RXNORM_RELEASE_H_

// A site's RxNorm release (the NLM's Rich Release Format files) read into
// product codes for the drugs of the knowledge base: every product concept
// (SCD, SBD, GPCK, BPCK, SCDF, SBDF, SCDC, BN, MIN, PIN) and NDC whose
// ingredients are drugs of the knowledge base resolves to that drug.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

struct RxNormReadOptions {
  // The release's name, e.g. "RxNorm_full_11032026"; recorded in the
  // manifest. Default: "" (the directory's last component).
  std::string release;
};

// What a release contributes.
struct RxNormProducts {
  std::string release;
  // Drug id -> a product code of it.
  std::vector<std::pair<std::string, v1::ProductCode>> codes;
  // Product concepts seen, and those whose ingredients are not all drugs of
  // the knowledge base (left out).
  int products_read = 0;
  int products_left_out = 0;
};

// Reads RXNCONSO.RRF (concepts, SAB RXNORM, not suppressed), RXNREL.RRF
// (the relationships from a product down to its ingredients) and RXNSAT.RRF
// (NDCs, attribute NDC of SAB RXNORM) in `rrf_dir`. A product maps to a drug
// of `bundle` when its ingredients are that drug's RxCUIs, or exactly the
// ingredients of a combination drug. kNotFound naming a missing file;
// kInvalidArgument naming file and line of a malformed row.
absl::StatusOr<RxNormProducts> ReadRxNormRelease(
    const std::string& rrf_dir, const v1::KnowledgeBundle& bundle,
    const RxNormReadOptions& options = {});

// Adds the products to their drugs in `bundle`, leaving out codes the bundle
// already has (a curated code keeps its source), and records the release in
// the manifest. Returns how many codes were added.
int ApplyRxNormProducts(const RxNormProducts& products,
                        v1::KnowledgeBundle* bundle);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_RXNORM_RELEASE_H_
