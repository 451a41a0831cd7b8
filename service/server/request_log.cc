#include "service/server/request_log.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace dystonia {

std::string RequestLog::Line(absl::Time at, absl::string_view method,
                             absl::StatusCode code, absl::Duration latency,
                             absl::string_view knowledge_version,
                             absl::string_view request_id) {
  // Written by nlohmann-json, the parser the CDS Hooks code reads with:
  // fields in this order, one line, and bytes that are not UTF-8 replaced
  // rather than thrown on (a request id is only checked by the validator
  // after it is logged).
  nlohmann::ordered_json line;
  line["time"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", at, absl::UTCTimeZone());
  line["method"] = std::string(method);
  line["status"] = absl::StatusCodeToString(code);
  line["latency_us"] = absl::ToInt64Microseconds(latency);
  line["knowledge_version"] = std::string(knowledge_version);
  line["request_id"] = std::string(request_id);
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void RequestLog::Log(absl::string_view method, absl::StatusCode code,
                     absl::Duration latency,
                     absl::string_view knowledge_version,
                     absl::string_view request_id) {
  const std::string line = absl::StrCat(
      Line(absl::Now(), method, code, latency, knowledge_version, request_id),
      "\n");
  absl::MutexLock lock(&mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace dystonia
