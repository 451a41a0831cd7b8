#include "service/server/json_api_routes.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "service/cds_hooks/json_value.h"
#include "service/server/http_status.h"
#include "service/server/risk_queries.h"

namespace dystonia {
namespace {

constexpr absl::string_view kPrefix = "/v1/";
constexpr absl::string_view kCheckPath = "/v1/check";
constexpr absl::string_view kSearchPath = "/v1/drugs:search";
constexpr absl::string_view kDrugPrefix = "/v1/drugs/";
constexpr absl::string_view kKnowledgeBasePath = "/v1/knowledge-base";

HttpRouteDecision Answer(HttpAnswer answer) {
  return HttpRouteDecision::Answered(std::move(answer));
}

HttpRouteDecision Refuse(const absl::Status& status) {
  return Answer(JsonApiErrorAnswer(status));
}

HttpAnswer ErrorBody(int http_status, const absl::Status& status) {
  cds_hooks::json::Value error;
  error["code"] = http_status;
  error["status"] = absl::StatusCodeToString(status.code());
  error["message"] = std::string(status.message());
  cds_hooks::json::Value body;
  body["error"] = std::move(error);
  HttpAnswer answer;
  answer.status = http_status;
  absl::StatusOr<std::string> text = cds_hooks::json::Print(body);
  answer.body = text.ok() ? *std::move(text)
                          : R"({"error":{"code":500,"status":"INTERNAL"}})";
  AddCors(answer);
  if (http_status == 429 || http_status == 503) {
    answer.headers.emplace_back("Retry-After", "1");
  }
  return answer;
}

// 405 with the gRPC name UNIMPLEMENTED (the path exists, the method not).
HttpRouteDecision WrongMethod(absl::string_view allowed) {
  HttpAnswer answer =
      ErrorBody(405, absl::UnimplementedError(absl::StrCat("use ", allowed)));
  answer.headers.emplace_back("Allow", std::string(allowed));
  return Answer(std::move(answer));
}

// Protobuf's JSON parser says what it disliked but not always in the
// "field: problem" form the gRPC errors use; its message is kept whole.
absl::Status ParseJsonBody(const std::string& body,
                           google::protobuf::Message* message) {
  // The depth-bounded parser first: protobuf's own recursion is bounded
  // only by its 100-level default, and this refuses deep nesting at a cost
  // linear in the body.
  absl::StatusOr<cds_hooks::json::Value> value = cds_hooks::json::Parse(body);
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("body: ", value.status().message()));
  }
  if (!value->is_object()) {
    return absl::InvalidArgumentError("body: must be a JSON object");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(body, message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("body: ", std::string(parsed.message())));
  }
  return absl::OkStatus();
}

HttpAnswer MessageAnswer(const google::protobuf::Message& message) {
  HttpAnswer answer;
  const auto printed =
      google::protobuf::util::MessageToJsonString(message, &answer.body);
  if (!printed.ok()) {
    return JsonApiErrorAnswer(absl::InternalError("cannot write the answer"));
  }
  AddCors(answer);
  return answer;
}

const google::protobuf::Message& Referent(
    const google::protobuf::Message& message) {
  return message;
}
const google::protobuf::Message& Referent(
    const google::protobuf::Message* message) {
  return *message;
}

// Runs `query` (snapshot -> StatusOr<Response>) on the serving knowledge,
// counts it as `method` and answers its JSON.
template <typename Query>
HttpAnswer Serve(const KnowledgeHolder* holder, Metrics* metrics, Method method,
                 const absl::Status& parsed, Query query) {
  const absl::Time start = absl::Now();
  absl::Status status = parsed;
  std::shared_ptr<const KnowledgeSnapshot> knowledge =
      holder != nullptr ? holder->Current() : nullptr;
  if (status.ok() && knowledge == nullptr) status = KnowledgeUnavailable();
  HttpAnswer answer;
  if (status.ok()) {
    auto response = query(*knowledge);
    status = response.status();
    if (status.ok()) answer = MessageAnswer(Referent(*response));
  }
  if (!status.ok()) answer = JsonApiErrorAnswer(status);
  if (metrics != nullptr) {
    metrics->RecordRequest(method, status.code(), absl::Now() - start);
  }
  return answer;
}

// The query string's parameters, percent-decoded; a repeated name keeps
// its last value.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> QueryParams(
    absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  if (query.empty()) return params;
  for (absl::string_view part : absl::StrSplit(query, '&')) {
    if (part.empty()) continue;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    auto name = PercentDecode(kv.first, true);
    if (!name.ok()) return name.status();
    auto value = PercentDecode(kv.second, true);
    if (!value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(*name, ": ", value.status().message()));
    }
    params.emplace_back(*std::move(name), *std::move(value));
  }
  return params;
}

// SearchDrugsRequest from "q" and "limit"; any other parameter is refused.
absl::Status SearchRequestFromQuery(absl::string_view query,
                                    v1::SearchDrugsRequest* request) {
  auto params = QueryParams(query);
  if (!params.ok()) return params.status();
  for (const auto& [name, value] : *params) {
    if (name == "q") {
      request->set_query(value);
    } else if (name == "limit") {
      int limit = 0;
      if (!absl::SimpleAtoi(value, &limit)) {
        return absl::InvalidArgumentError(
            "limit: must be a whole number (0 = 10, at most 100)");
      }
      request->set_limit(limit);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": unknown parameter (use q and limit)"));
    }
  }
  return absl::OkStatus();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool IsJsonApiPath(absl::string_view path) {
  return absl::StartsWith(path, kPrefix);
}

absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int high = complete ? HexDigit(text[i + 1]) : -1;
      const int low = complete ? HexDigit(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return absl::InvalidArgumentError(
            "a % must be followed by two hex digits");
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

HttpAnswer JsonApiErrorAnswer(const absl::Status& status) {
  return ErrorBody(HttpStatusOf(status.code()), status);
}

HttpRouteDecision RouteJsonApi(const HttpRequestHead& head,
                               const absl::Status& admitted,
                               const KnowledgeHolder* knowledge,
                               Metrics* metrics) {
  HttpRouteDecision decision;
  if (head.path == kCheckPath) {
    if (head.method != "POST") return WrongMethod("POST");
    if (!admitted.ok()) return Refuse(admitted);
    decision.handler = [knowledge, metrics](std::string body) {
      thread_local v1::CheckRequest request;
      thread_local v1::CheckResponse response;
      request.Clear();
      const absl::Status parsed = ParseJsonBody(body, &request);
      return Serve(knowledge, metrics, Method::kCheck, parsed,
                   [metrics](const KnowledgeSnapshot& snapshot)
                       -> absl::StatusOr<const v1::CheckResponse*> {
                     absl::Status status =
                         RunCheck(snapshot, request, &response);
                     if (!status.ok()) return status;
                     if (metrics != nullptr) metrics->RecordFindings(response);
                     return &response;
                   });
    };
    return decision;
  }
  if (head.path == kKnowledgeBasePath) {
    if (head.method != "GET") return WrongMethod("GET");
    if (!admitted.ok()) return Refuse(admitted);
    decision.handler = [knowledge, metrics](std::string) {
      return Serve(knowledge, metrics, Method::kGetKnowledgeBaseInfo,
                   absl::OkStatus(), [](const KnowledgeSnapshot& snapshot) {
                     return RunGetKnowledgeBaseInfo(
                         snapshot, v1::GetKnowledgeBaseInfoRequest());
                   });
    };
    return decision;
  }
  if (head.path == kSearchPath) {
    if (head.method != "GET") return WrongMethod("GET");
    if (!admitted.ok()) return Refuse(admitted);
    decision.handler = [knowledge, metrics, query = head.query](std::string) {
      v1::SearchDrugsRequest request;
      const absl::Status parsed = SearchRequestFromQuery(query, &request);
      return Serve(knowledge, metrics, Method::kSearchDrugs, parsed,
                   [&request](const KnowledgeSnapshot& snapshot) {
                     return RunSearchDrugs(snapshot, request);
                   });
    };
    return decision;
  }
  // "/v1/drugs/" alone is GetDrug with an empty query: gRPC's error for it.
  if (absl::StartsWith(head.path, kDrugPrefix)) {
    if (head.method != "GET") return WrongMethod("GET");
    if (!admitted.ok()) return Refuse(admitted);
    decision.handler = [knowledge, metrics,
                        encoded =
                            head.path.substr(kDrugPrefix.size())](std::string) {
      v1::GetDrugRequest request;
      absl::StatusOr<std::string> query = PercentDecode(encoded, false);
      absl::Status parsed = absl::OkStatus();
      if (query.ok()) {
        request.set_query(*query);
      } else {
        parsed = absl::InvalidArgumentError(
            absl::StrCat("query: ", query.status().message()));
      }
      return Serve(knowledge, metrics, Method::kGetDrug, parsed,
                   [&request](const KnowledgeSnapshot& snapshot) {
                     return RunGetDrug(snapshot, request);
                   });
    };
    return decision;
  }
  return Refuse(absl::NotFoundError(absl::StrCat(
      "no such JSON route; see proto/openapi.yaml (POST /v1/check, GET "
      "/v1/drugs/{query}, GET /v1/drugs:search, GET /v1/knowledge-base)")));
}

}  // namespace dystonia
