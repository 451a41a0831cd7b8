#include "service/cds_hooks/prefetch.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/fhir_medication.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {
namespace {

using json::Elements;
using json::Get;
using json::Text;
using json::Value;

// FHIR's id type: [A-Za-z0-9\-\.]{1,64}. Checked before it goes into a URL.
bool IsFhirId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '.') {
      return false;
    }
  }
  return true;
}

// `base` without its trailing slashes.
std::string WithoutTrailingSlash(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// `server` is an allowed base or lies under one (at a path boundary, so
// "https://ehr.example.org/fhir" does not admit "https://ehr.example.org.evil").
bool IsAllowed(const std::string& server,
               const std::vector<std::string>& allowed) {
  for (const std::string& entry : allowed) {
    const std::string base = WithoutTrailingSlash(entry);
    if (base.empty()) continue;
    if (server == base || absl::StartsWith(server, base + "/")) return true;
  }
  return false;
}

bool IsOperationOutcome(const Value& value) {
  return Text(Get(value, "resourceType")) == "OperationOutcome";
}

// Reads `url` and its search pages (Bundle.link "next", on the same server)
// as one Bundle, or the one resource a read returns.
absl::StatusOr<Value> ReadAll(const std::string& url, const std::string& server,
                              const std::string& token,
                              const PrefetchSource& source,
                              absl::Time deadline) {
  Value merged;
  std::string next = url;
  for (int page = 0; !next.empty(); ++page) {
    if (page == source.max_pages) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "more than ", source.max_pages, " pages of search results"));
    }
    absl::StatusOr<std::string> body = source.get(next, token, deadline);
    if (!body.ok()) return body.status();
    absl::StatusOr<Value> resource = json::Parse(*body);
    if (!resource.ok()) return resource.status();
    const std::string type = Text(Get(*resource, "resourceType"));
    if (type.empty()) return absl::DataLossError("the answer is not a FHIR resource");
    if (type != "Bundle") return resource;  // a read
    next.clear();
    for (const Value* link : Elements(Get(*resource, "link"))) {
      if (Text(Get(*link, "relation")) != "next") continue;
      next = Text(Get(*link, "url"));
      // A next link elsewhere is not followed: the token is for this server.
      if (!IsAllowed(next, {server})) {
        return absl::DataLossError(
            absl::StrCat("the next page is on another server (", next, ")"));
      }
    }
    if (page == 0) {
      merged = *std::move(resource);
      continue;
    }
    const std::vector<const Value*> page_entries =
        Elements(Get(*resource, "entry"));
    if (page_entries.empty()) continue;
    Value& entries = merged["entry"];
    if (!entries.is_array()) {
      // A first page's lone entry written as an object is kept, as Elements
      // reads it.
      Value first = entries.is_object() ? std::move(entries) : Value();
      entries = Value::array();
      if (first.is_object()) entries.push_back(std::move(first));
    }
    for (const Value* entry : page_entries) entries.push_back(*entry);
  }
  return merged;
}

}  // namespace

std::vector<std::string> MissingPrefetch(const Value& request) {
  std::vector<std::string> missing;
  const Value* prefetch = Get(request, "prefetch");
  // The resource types the prefetch carries under any key.
  std::vector<std::string> carried;
  if (prefetch != nullptr && prefetch->is_object()) {
    for (const Value& value : *prefetch) {
      for (const Referable& found : Referables(&value)) {
        std::string type = Text(Get(*found.resource, "resourceType"));
        if (type == "MedicationOrder") type = "MedicationRequest";  // STU3
        carried.push_back(std::move(type));
      }
    }
  }
  for (const PrefetchTemplate& entry : kPrefetchTemplates) {
    const Value* value =
        prefetch == nullptr ? nullptr : Get(*prefetch, entry.key);
    const bool sent = (value != nullptr && !IsOperationOutcome(*value)) ||
                      std::find(carried.begin(), carried.end(),
                                entry.resource_type) != carried.end();
    if (!sent) missing.push_back(entry.key);
  }
  return missing;
}

absl::Status CompletePrefetch(Value* request, const PrefetchSource& source,
                              absl::Time now) {
  const std::vector<std::string> missing = MissingPrefetch(*request);
  const std::string server = WithoutTrailingSlash(Text(Get(*request, "fhirServer")));
  if (missing.empty() || server.empty()) return absl::OkStatus();
  const std::string what = absl::StrCat("prefetch ", absl::StrJoin(missing, ", "));
  if (!absl::StartsWith(server, "https://") && !absl::StartsWith(server, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("fhirServer: '", server, "' is not an http(s) URL"));
  }
  if (source.get == nullptr || !IsAllowed(server, source.allowed_servers)) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " not sent, and fhirServer '", server,
        "' is not a FHIR server this service is configured to read "
        "(--cds_fhir_servers)"));
  }
  std::string token;
  if (const Value* authorization = Get(*request, "fhirAuthorization")) {
    const std::string type = Text(Get(*authorization, "token_type"));
    if (!type.empty() && !absl::EqualsIgnoreCase(type, "Bearer")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fhirAuthorization.token_type: '", type, "' is not Bearer"));
    }
    token = Text(Get(*authorization, "access_token"));
    if (token.empty()) {
      return absl::InvalidArgumentError(
          "fhirAuthorization.access_token: is missing");
    }
  }
  const Value* context = Get(*request, "context");
  const std::string patient_id =
      context == nullptr ? "" : Text(Get(*context, "patientId"));
  if (!IsFhirId(patient_id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context.patientId: '", patient_id,
        "' is not a FHIR id (letters, digits, '-' and '.', at most 64)"));
  }
  const absl::Time deadline = now + source.timeout;
  // The request is an object (it names a fhirServer); a prefetch that is
  // not one carries nothing and is replaced.
  Value* prefetch = &(*request)["prefetch"];
  if (!prefetch->is_object()) *prefetch = Value::object();
  for (const PrefetchTemplate& entry : kPrefetchTemplates) {
    if (std::find(missing.begin(), missing.end(), entry.key) == missing.end())
      continue;
    const std::string url = absl::StrCat(
        server, "/",
        absl::StrReplaceAll(entry.query, {{"{{context.patientId}}", patient_id}}));
    absl::StatusOr<Value> read = ReadAll(url, server, token, source, deadline);
    if (!read.ok() && entry.optional) {
      // Said on the cards (an OperationOutcome is a prefetch that failed).
      Value outcome;
      json::Put(&outcome, "resourceType", std::string("OperationOutcome"));
      json::Put(prefetch, entry.key, std::move(outcome));
      continue;
    }
    if (!read.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("prefetch ", entry.key, " not sent and not readable from "
                       "fhirServer: ", read.status().message()));
    }
    json::Put(prefetch, entry.key, *std::move(read));
  }
  return absl::OkStatus();
}

}  // namespace dystonia::cds_hooks
