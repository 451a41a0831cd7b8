#ifndef DYSTONIA_DRUG_DB_NAME_INDEX_H_
#define DYSTONIA_DRUG_DB_NAME_INDEX_H_

#include <string>
#include <utility>
#include <vector>

#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Builds the name, brand and code index of `bundle`: normalized names,
// synonyms and brands, "rxcui:<code>" and "atc:<code>" -> entry, in key
// order, one entry per key.
std::vector<std::pair<std::string, v1::NameIndexEntry>> BuildNameIndex(
    const v1::KnowledgeBundle& bundle);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_NAME_INDEX_H_
