#include "service/auth/jwks_flags.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dystonia::auth {
namespace {

// Adds `issuer` to the file `path`, creating its entry.
void AddIssuer(const std::string& path, const std::string& issuer,
               std::vector<JwksFile>* files) {
  auto it =
      std::find_if(files->begin(), files->end(),
                   [&](const JwksFile& file) { return file.path == path; });
  if (it == files->end()) {
    files->push_back({path, {}});
    it = files->end() - 1;
  }
  it->issuers.push_back(issuer);
}

}  // namespace

absl::StatusOr<std::vector<JwksFile>> JwksFilesFromFlags(
    const std::string& cds_jwks_file,
    const std::vector<std::string>& cds_issuers,
    const std::vector<std::string>& cds_jwks) {
  std::vector<JwksFile> files;
  if (!cds_jwks_file.empty() && cds_issuers.empty()) {
    return absl::InvalidArgumentError(
        "--cds_issuers: required with --cds_jwks_file; name the iss value(s) "
        "the EHR's keys sign for (e.g. "
        "--cds_issuers=https://ehr.example.org/)");
  }
  if (cds_jwks_file.empty() && !cds_issuers.empty()) {
    return absl::InvalidArgumentError(
        "--cds_issuers: given without --cds_jwks_file (with --cds_jwks, write "
        "FILE=ISSUER)");
  }
  for (const std::string& issuer : cds_issuers) {
    if (absl::StripAsciiWhitespace(issuer).empty()) {
      return absl::InvalidArgumentError("--cds_issuers: an issuer is empty");
    }
    AddIssuer(cds_jwks_file, issuer, &files);
  }
  for (const std::string& entry : cds_jwks) {
    // Split at the first '=': a path rarely holds one, an issuer URL may.
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 ||
        equals + 1 == entry.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--cds_jwks: '", entry, "' is not FILE=ISSUER"));
    }
    AddIssuer(entry.substr(0, equals), entry.substr(equals + 1), &files);
  }
  return files;
}

}  // namespace dystonia::auth
