#include "service/server/request_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dystonia {
namespace {

// A JSON string literal's body: quotes, backslashes and control characters
// escaped; other bytes as they are (request ids are valid UTF-8 by then).
std::string JsonEscaped(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace

std::string RequestLog::Line(absl::Time at, absl::string_view method,
                             absl::StatusCode code, absl::Duration latency,
                             absl::string_view knowledge_version,
                             absl::string_view request_id) {
  return absl::StrCat(
      "{\"time\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", at, absl::UTCTimeZone()),
      "\",\"method\":\"", method, "\",\"status\":\"",
      absl::StatusCodeToString(code),
      "\",\"latency_us\":", absl::ToInt64Microseconds(latency),
      ",\"knowledge_version\":\"", JsonEscaped(knowledge_version),
      "\",\"request_id\":\"", JsonEscaped(request_id), "\"}");
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
