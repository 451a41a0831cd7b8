#include "service/fhir/fhir_rest_client.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dystonia::fhir {
namespace {

// "https://host:port/path?query" as the origin httplib connects to and the
// request target.
struct SplitUrl {
  std::string origin;
  std::string target;
};

absl::StatusOr<SplitUrl> Split(const std::string& url) {
  const bool https = absl::StartsWith(url, "https://");
  if (!https && !absl::StartsWith(url, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", url, "' is not an http or https URL"));
  }
  const size_t authority = url.find("://") + 3;
  const size_t path = url.find_first_of("/?#", authority);
  SplitUrl split;
  split.origin = url.substr(0, path);
  split.target = path == std::string::npos ? "/" : url.substr(path);
  if (split.origin.size() <= authority || split.target[0] == '#') {
    return absl::InvalidArgumentError(
        absl::StrCat("'", url, "' has no host or no path"));
  }
  if (split.target[0] == '?') split.target.insert(0, "/");
  return split;
}

}  // namespace

absl::StatusOr<std::string> FhirRestClient::Get(const std::string& url,
                                                const std::string& bearer_token,
                                                absl::Time deadline) const {
  absl::StatusOr<SplitUrl> split = Split(url);
  if (!split.ok()) return split.status();
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError(
        absl::StrCat("no time left to read ", url));
  }
  httplib::Client client(split->origin);
  // Each of connect, each read and each write waits at most the time left;
  // the receiver below also stops at the deadline itself.
  const auto micros = std::chrono::microseconds(absl::ToInt64Microseconds(left));
  client.set_connection_timeout(micros);
  client.set_read_timeout(micros);
  client.set_write_timeout(micros);
  client.set_follow_location(false);
  client.set_keep_alive(false);
  client.enable_server_certificate_verification(true);
  if (!options_.ca_file.empty()) client.set_ca_cert_path(options_.ca_file.c_str());
  httplib::Headers headers = {{"Accept", "application/fhir+json"}};
  if (!bearer_token.empty())
    headers.emplace("Authorization", absl::StrCat("Bearer ", bearer_token));

  std::string body;
  bool too_large = false;
  bool too_late = false;
  httplib::Result result = client.Get(
      split->target.c_str(), headers,
      [&body, &too_large, &too_late, this, deadline](const char* data,
                                                    size_t length) {
        if (static_cast<int64_t>(body.size() + length) >
            options_.max_response_bytes) {
          too_large = true;
          return false;
        }
        if (absl::Now() > deadline) {
          too_late = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
  if (too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat(url, " answered more than ", options_.max_response_bytes,
                     " bytes"));
  }
  // httplib's timeouts count whole milliseconds and may end a hair before
  // the deadline: a failure within that hair of it is the deadline's.
  if (too_late ||
      (!result && absl::Now() + absl::Milliseconds(10) >= deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(url, " did not answer in time"));
  }
  if (!result) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read ", url, ": ", httplib::to_string(result.error())));
  }
  const int status = result->status;
  if (status == 200) return body;
  const std::string answered = absl::StrCat(url, " answered HTTP ", status);
  if (status == 401) return absl::UnauthenticatedError(answered);
  if (status == 403) return absl::PermissionDeniedError(answered);
  if (status == 404) return absl::NotFoundError(answered);
  return absl::UnavailableError(answered);
}

}  // namespace dystonia::fhir
