// Slow and misbehaving clients against a real server in this process on
// 127.0.0.1 (issue 8): a CheckStream that is never read, half a message and
// a half preface left hanging, streams cancelled midway, and many
// connections opened and dropped. Each time the server must keep answering
// a well-behaved client quickly, and give back what the bad one held: its
// stream slot, its file descriptors, its threads.
//
// The server runs in the test process, so /proc/self/fd and the Threads line
// of /proc/self/status count both ends. Every test prints what it measured.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/process_stats.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::CountFds;
using ::dystonia::testing::StatusField;

using Clock = std::chrono::steady_clock;
using Stream = grpc::ClientReaderWriter<v1::CheckRequest, v1::CheckResponse>;

// The server's cap on open CheckStreams in these tests: small, so a slot
// that is never given back shows up at once.
constexpr int kStreamCap = 2;
// How long a well-behaved Check may take while others misbehave.
constexpr auto kProbeBudget = std::chrono::milliseconds(1000);
// Slack over the baseline once a misbehaving client is gone.
constexpr int kFdSlack = 4;
// gRPC's thread pools grow under bursts and shrink when idle, so the thread
// baseline is the highest count seen after a concurrent warm-up.
constexpr int kThreadSlack = 12;

int CountThreads() { return static_cast<int>(StatusField("Threads")); }

// Polls `done` every 20 ms for up to `timeout`; true once it holds.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

v1::CheckRequest Haloperidol(const std::string& id = "") {
  v1::CheckRequest request;
  request.set_request_id(id);
  request.mutable_patient()->set_age_years(19);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  v1::Medication* medication = request.add_medications();
  medication->set_name("haloperidol");
  medication->set_route(v1::ROUTE_INTRAMUSCULAR);
  return request;
}

// A request whose FULL answer is large (several dopamine blockers, each
// with findings and citations), so an unread stream fills the windows fast.
v1::CheckRequest Heavy(const std::string& id) {
  v1::CheckRequest request = Haloperidol(id);
  for (const char* name : {"metoclopramide", "prochlorperazine", "risperidone",
                           "fluphenazine decanoate", "droperidol"}) {
    request.add_medications()->set_name(name);
  }
  return request;
}

// A valid request of about 3.5 kB: 100 medications (the most allowed), so an
// unread stream fills the HTTP/2 windows in a few thousand writes.
v1::CheckRequest Bulky(const std::string& id) {
  v1::CheckRequest request = Haloperidol(id);
  const char* names[] = {"haloperidol lactate 5 mg/mL", "metoclopramide 10 mg",
                         "prochlorperazine maleate 5 mg",
                         "risperidone 2 mg tablet",
                         "fluphenazine decanoate 25 mg/mL"};
  while (request.medications_size() < 100) {
    request.add_medications()->set_name(names[request.medications_size() % 5]);
  }
  return request;
}

// A channel of its own: a unique argument keeps gRPC from sharing a
// connection with any other channel of this process.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  static std::atomic<int> next{0};
  grpc::ChannelArguments args;
  args.SetInt("dystonia.test.channel", next++);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

// A raw TCP connection to 127.0.0.1:port; -1 on failure.
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Whatever arrives on `fd` within `timeout`; stops early at EOF.
std::string ReceiveFor(int fd, std::chrono::milliseconds timeout) {
  std::string bytes;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  return bytes;
}

// --- A few HTTP/2 frames, by hand (RFC 9113), enough to start a gRPC call.

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr uint8_t kData = 0x0, kHeaders = 0x1, kRstStream = 0x3,
                  kSettings = 0x4, kGoAway = 0x7;

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream,
                  const std::string& payload) {
  std::string frame;
  const uint32_t length = static_cast<uint32_t>(payload.size());
  frame.push_back(static_cast<char>((length >> 16) & 0xff));
  frame.push_back(static_cast<char>((length >> 8) & 0xff));
  frame.push_back(static_cast<char>(length & 0xff));
  frame.push_back(static_cast<char>(type));
  frame.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back(static_cast<char>((stream >> shift) & 0xff));
  }
  return frame + payload;
}

// HPACK "literal header field without indexing, new name" (short strings).
std::string Literal(const std::string& name, const std::string& value) {
  std::string field(1, '\0');
  field.push_back(static_cast<char>(name.size()));
  field += name;
  field.push_back(static_cast<char>(value.size()));
  field += value;
  return field;
}

struct FrameHeader {
  uint8_t type;
  uint8_t flags;
  uint32_t stream;
};

// The frame headers in `bytes` (whole frames only).
std::vector<FrameHeader> ParseFrames(const std::string& bytes) {
  std::vector<FrameHeader> frames;
  size_t at = 0;
  while (at + 9 <= bytes.size()) {
    const auto byte = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + i]));
    };
    const uint32_t length = (byte(0) << 16) | (byte(1) << 8) | byte(2);
    const uint32_t stream =
        ((byte(5) << 24) | (byte(6) << 16) | (byte(7) << 8) | byte(8)) &
        0x7fffffff;
    if (at + 9 + length > bytes.size()) break;
    frames.push_back(
        {static_cast<uint8_t>(byte(3)), static_cast<uint8_t>(byte(4)), stream});
    at += 9 + length;
  }
  return frames;
}

class MisbehavingClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = testing::LoopbackServerOptions("misbehaving-db");
    options.http_listen = "127.0.0.1:0";  // for /metrics
    options.max_concurrent_streams = kStreamCap;
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    address_ = absl::StrCat("127.0.0.1:", server_->port());
    probe_ = v1::RiskService::NewStub(NewChannel(address_));
    // Warm up: the probe's connection, the server's threads, one stream.
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(ProbeOnce().ok());
    const int fds_before_stream = CountFds();
    ASSERT_TRUE(StreamAnswers(*v1::RiskService::NewStub(NewChannel(address_))));
    ASSERT_TRUE(WaitFor([&] { return CountFds() <= fds_before_stream; },
                        std::chrono::milliseconds(3000)));
    baseline_fds_ = CountFds();
    std::vector<std::thread> warm;
    for (int i = 0; i < 4; ++i) {
      warm.emplace_back([&] {
        for (int j = 0; j < 20; ++j) ProbeOnce();
      });
    }
    for (std::thread& thread : warm) thread.join();
    for (int i = 0; i < 5; ++i) {
      baseline_threads_ = std::max(baseline_threads_, CountThreads());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void TearDown() override {
    probe_.reset();
    server_.reset();
  }

  // One well-behaved Check from the probe channel.
  grpc::Status ProbeOnce(std::chrono::milliseconds* took = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    v1::CheckResponse response;
    const auto start = Clock::now();
    grpc::Status status = probe_->Check(&context, Haloperidol(), &response);
    if (took != nullptr) {
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(
          Clock::now() - start);
    }
    if (status.ok() &&
        response.acute_dystonia().level() != v1::RISK_LEVEL_HIGH) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "wrong answer");
    }
    return status;
  }

  // Asserts a well-behaved client is answered correctly within the budget.
  void ExpectResponsive(const std::string& when) {
    for (int i = 0; i < 3; ++i) {
      std::chrono::milliseconds took{0};
      grpc::Status status = ProbeOnce(&took);
      EXPECT_TRUE(status.ok()) << when << ": " << status.error_message();
      EXPECT_LT(took, kProbeBudget) << when;
    }
  }

  // Opens one CheckStream on `stub`, has one request answered, closes it
  // cleanly. False if the server refused the stream (e.g. no free slot).
  static bool StreamAnswers(v1::RiskService::Stub& stub) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    std::unique_ptr<Stream> stream = stub.CheckStream(&context);
    v1::CheckResponse response;
    const bool answered =
        stream->Write(Haloperidol("ok")) && stream->Read(&response) &&
        response.request_id() == "ok" && !response.has_error();
    stream->WritesDone();
    while (stream->Read(&response)) {
    }
    return stream->Finish().ok() && answered;
  }

  // True once `count` streams can be open together, each answering.
  bool StreamSlotsFree(int count) {
    auto stub = v1::RiskService::NewStub(NewChannel(address_));
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    std::vector<std::unique_ptr<Stream>> streams;
    bool all = true;
    for (int i = 0; i < count && all; ++i) {
      contexts.push_back(std::make_unique<grpc::ClientContext>());
      contexts.back()->set_deadline(std::chrono::system_clock::now() +
                                    std::chrono::seconds(5));
      streams.push_back(stub->CheckStream(contexts.back().get()));
      v1::CheckResponse response;
      all = streams.back()->Write(Haloperidol("slot")) &&
            streams.back()->Read(&response) && !response.has_error();
    }
    for (auto& stream : streams) {
      stream->WritesDone();
      v1::CheckResponse response;
      while (stream->Read(&response)) {
      }
      all = stream->Finish().ok() && all;
    }
    return all;
  }

  // The server's count of CheckStream requests judged, from /metrics.
  long StreamRequestsJudged() {
    const int fd = Connect(server_->http_port());
    if (fd < 0) return -1;
    SendAll(fd,
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
            "close\r\n\r\n");
    const std::string text = ReceiveFor(fd, std::chrono::milliseconds(2000));
    close(fd);
    const std::string key =
        "dystonia_requests_total{method=\"CheckStream\",code=\"OK\"} ";
    const size_t at = text.find(key);
    if (at == std::string::npos) return 0;
    return std::stol(text.substr(at + key.size()));
  }

  // Fds and threads come back near the baseline once the client is gone.
  void ExpectResourcesFreed(const std::string& when) {
    const bool fds_back =
        WaitFor([&] { return CountFds() <= baseline_fds_ + kFdSlack; },
                std::chrono::milliseconds(5000));
    const bool threads_back = WaitFor(
        [&] { return CountThreads() <= baseline_threads_ + kThreadSlack; },
        std::chrono::milliseconds(5000));
    std::printf("[%s] %s: fds %d -> %d, threads %d -> %d\n",
                ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                when.c_str(), baseline_fds_, CountFds(), baseline_threads_,
                CountThreads());
    EXPECT_TRUE(fds_back) << when << ": fds " << CountFds() << " baseline "
                          << baseline_fds_ << " + " << kFdSlack;
    EXPECT_TRUE(threads_back)
        << when << ": threads " << CountThreads() << " baseline "
        << baseline_threads_ << " + " << kThreadSlack;
  }

  std::unique_ptr<DystoniaServer> server_;
  std::string address_;
  std::unique_ptr<v1::RiskService::Stub> probe_;
  int baseline_fds_ = 0;
  int baseline_threads_ = 0;
};

// A client writes and writes but never reads its answers. The server queues
// at most kMaxQueuedResponses answers, then stops reading: the client's
// writes stall (HTTP/2 flow control), the server stops judging, and memory
// does not grow. Other clients are served meanwhile. When the client
// cancels, its streams' slots and the memory they held come back.
TEST_F(MisbehavingClientsTest, NeverReadingStreamIsFlowControlledAndFreed) {
  constexpr int kWritesAttempted = 100000;
  struct Writer {
    grpc::ClientContext context;
    std::unique_ptr<Stream> stream;
    std::atomic<int> written{0};
    std::promise<void> done;
  };
  auto stub = v1::RiskService::NewStub(NewChannel(address_));
  std::vector<std::shared_ptr<Writer>> writers;
  std::vector<std::future<void>> finished;
  const long rss_before_kb = StatusField("VmRSS");
  for (int w = 0; w < kStreamCap; ++w) {
    auto writer = std::make_shared<Writer>();
    writer->stream = stub->CheckStream(&writer->context);
    finished.push_back(writer->done.get_future());
    std::thread([writer, w] {
      for (int i = 0; i < kWritesAttempted; ++i) {
        if (!writer->stream->Write(Bulky(absl::StrCat(w, "-", i)))) break;
        ++writer->written;
      }
      writer->done.set_value();
    }).detach();
    writers.push_back(writer);
  }

  // The writers stall: no write completes for half a second.
  auto total_written = [&] {
    int total = 0;
    for (const auto& writer : writers) total += writer->written;
    return total;
  };
  int stalled_at = -1;
  const bool stalled = WaitFor(
      [&] {
        const int before = total_written();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        stalled_at = total_written();
        return stalled_at == before && stalled_at > 0;
      },
      std::chrono::milliseconds(8000));
  const long judged = StreamRequestsJudged();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long judged_later = StreamRequestsJudged();
  const long rss_stalled_kb = StatusField("VmRSS");
  std::printf(
      "[never-reading] %d streams: %d of %d writes went through, server "
      "judged %ld then %ld; RSS %ld -> %ld kB\n",
      kStreamCap, stalled_at, kStreamCap * kWritesAttempted, judged,
      judged_later, rss_before_kb, rss_stalled_kb);

  EXPECT_TRUE(stalled) << "the writes never stalled: the server reads "
                          "without bound";
  EXPECT_LT(stalled_at, kStreamCap * kWritesAttempted);
  EXPECT_GT(judged, 0);
  EXPECT_EQ(judged, judged_later) << "the server kept judging unread streams";
  // Loose on purpose: gRPC's HTTP/2 windows (grown by BDP probing) let the
  // transport take several MB of unread requests per stream before the
  // writes stall, on top of the 16 queued answers; unbounded reading would
  // be hundreds of MB here.
  EXPECT_LE(rss_stalled_kb - rss_before_kb, 256 * 1024);
  // The unread streams still hold their slots: a further stream is refused.
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    auto extra =
        v1::RiskService::NewStub(NewChannel(address_))->CheckStream(&context);
    extra->WritesDone();
    v1::CheckResponse response;
    while (extra->Read(&response)) {
    }
    EXPECT_EQ(extra->Finish().error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  ExpectResponsive("while streams sit unread");

  for (const auto& writer : writers) writer->context.TryCancel();
  for (size_t i = 0; i < writers.size(); ++i) {
    ASSERT_EQ(finished[i].wait_for(std::chrono::seconds(5)),
              std::future_status::ready)
        << "a blocked Write did not return after TryCancel";
    EXPECT_EQ(writers[i]->stream->Finish().error_code(),
              grpc::StatusCode::CANCELLED);
  }
  writers.clear();
  stub.reset();

  EXPECT_TRUE(WaitFor([&] { return StreamSlotsFree(kStreamCap); },
                      std::chrono::milliseconds(3000)))
      << "the cancelled streams' slots were not given back";
  ExpectResponsive("after the streams were cancelled");
  ExpectResourcesFreed("after the unread streams were cancelled");
}

// Half a preface, and a call whose headers arrive but whose message stops
// halfway, left hanging on raw sockets. Other clients are unaffected; once
// the sockets close, the server closes its ends.
TEST_F(MisbehavingClientsTest, HalfMessagesAndHalfPrefacesDoNotHurtOthers) {
  constexpr int kEach = 16;
  std::vector<int> sockets;
  // Half a connection preface.
  for (int i = 0; i < kEach; ++i) {
    const int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    sockets.push_back(fd);
    ASSERT_TRUE(SendAll(fd, std::string(kPreface, 10)));
  }
  // A valid HTTP/2 connection and a Check call whose message is announced
  // as 1000 bytes, of which 10 are sent.
  std::string headers;
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {":method", "POST"},
           {":scheme", "http"},
           {":path", "/dystonia.v1.RiskService/Check"},
           {":authority", address_},
           {"content-type", "application/grpc"},
           {"te", "trailers"}}) {
    headers += Literal(name, value);
  }
  std::string half_message("\0\0\0\x03\xe8", 5);  // uncompressed, 1000 bytes
  half_message += std::string(10, '\x0a');
  int settings_seen = 0;
  for (int i = 0; i < kEach; ++i) {
    const int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    sockets.push_back(fd);
    ASSERT_TRUE(SendAll(fd, kPreface + Frame(kSettings, 0, 0, "")));
    for (const FrameHeader& frame :
         ParseFrames(ReceiveFor(fd, std::chrono::milliseconds(100)))) {
      if (frame.type == kSettings && (frame.flags & 0x1) == 0) {
        ++settings_seen;
      }
    }
    ASSERT_TRUE(SendAll(fd, Frame(kSettings, 0x1, 0, "") +
                                Frame(kHeaders, 0x4, 1, headers) +
                                Frame(kData, 0, 1, half_message)));
  }
  // Under load a SETTINGS frame can take longer than the 100 ms looked at;
  // most connections must show it (the server speaks HTTP/2 back).
  EXPECT_GE(settings_seen, kEach / 2) << "the server did not speak HTTP/2 back";
  const int fds_while_stalled = CountFds();

  ExpectResponsive("while half messages hang");
  // The server is still waiting for the rest: it has neither answered,
  // reset nor closed any of the half calls.
  int answered = 0;
  for (int i = kEach; i < 2 * kEach; ++i) {
    for (const FrameHeader& frame :
         ParseFrames(ReceiveFor(sockets[i], std::chrono::milliseconds(20)))) {
      if (frame.type == kHeaders || frame.type == kRstStream ||
          frame.type == kGoAway) {
        ++answered;
      }
    }
  }
  EXPECT_EQ(answered, 0) << "the server rejected the well-formed half call";
  std::printf("[half-message] fds %d baseline, %d with %d stalled sockets\n",
              baseline_fds_, fds_while_stalled, 2 * kEach);
  // Both ends of every socket are open while they hang.
  EXPECT_GE(fds_while_stalled, baseline_fds_ + 2 * 2 * kEach);

  for (int fd : sockets) close(fd);
  ExpectResourcesFreed("after the stalled sockets closed");
  ExpectResponsive("after the stalled sockets closed");
}

// Streams cancelled at every point: before any answer, between answers,
// after WritesDone, with answers unread. Each is CANCELLED and gives back
// its slot; with a cap of kStreamCap, a single leaked slot per round would
// exhaust the cap long before the end.
TEST_F(MisbehavingClientsTest, CancelledStreamsGiveBackTheirSlots) {
  constexpr int kRounds = 30;
  auto stub = v1::RiskService::NewStub(NewChannel(address_));
  int cancelled = 0, completed = 0, unexpected = 0, refused_then_retried = 0,
      answers_read = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::thread> clients;
    std::atomic<int> round_cancelled{0}, round_completed{0},
        round_unexpected{0}, round_refused{0}, round_read{0};
    for (int c = 0; c < kStreamCap; ++c) {
      clients.emplace_back([&, round, c] {
        const int writes = 1 + (round + c) % 6;
        const int reads = (round * 7 + c) % (writes + 1);  // 0..writes
        // A stream refused because an earlier cancelled one has not been
        // released yet is retried: releasing is asynchronous.
        for (int attempt = 0; attempt < 50; ++attempt) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(5));
          std::unique_ptr<Stream> stream = stub->CheckStream(&context);
          for (int i = 0; i < writes; ++i) {
            stream->Write(Heavy(absl::StrCat(round, "-", c, "-", i)));
          }
          if (c % 2 == 1) stream->WritesDone();
          v1::CheckResponse response;
          int read = 0;
          while (read < reads && stream->Read(&response)) ++read;
          context.TryCancel();
          while (stream->Read(&response)) {
          }
          const grpc::Status status = stream->Finish();
          if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
            ++round_refused;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
          }
          if (status.error_code() == grpc::StatusCode::CANCELLED) {
            ++round_cancelled;
          } else if (status.ok() && c % 2 == 1) {
            // Half-closed, and the server's final status was already on
            // its way when the cancel came.
            ++round_completed;
          } else {
            ++round_unexpected;
          }
          round_read += read;
          break;
        }
      });
    }
    for (std::thread& client : clients) client.join();
    cancelled += round_cancelled;
    completed += round_completed;
    unexpected += round_unexpected;
    refused_then_retried += round_refused;
    answers_read += round_read;
    if (round == kRounds / 2) ExpectResponsive("between cancelled rounds");
  }
  std::printf(
      "[cancel] %d streams cancelled, %d completed before the cancel, %d "
      "unexpected (%d answers read first), %d refusals retried\n",
      cancelled, completed, unexpected, answers_read, refused_then_retried);

  EXPECT_EQ(unexpected, 0);
  EXPECT_EQ(cancelled + completed, kRounds * kStreamCap);
  EXPECT_GT(cancelled, kRounds * kStreamCap / 2);
  EXPECT_TRUE(WaitFor([&] { return StreamSlotsFree(kStreamCap); },
                      std::chrono::milliseconds(3000)))
      << "cancelled streams kept their slots";
  stub.reset();
  ExpectResponsive("after the cancelled streams");
  ExpectResourcesFreed("after the cancelled streams");
}

// Many connections opened and dropped: gRPC channels that each make one
// call, held open together in batches, and bare TCP connections closed at
// once or reset. The server closes its ends and keeps serving.
TEST_F(MisbehavingClientsTest, ManyConnectionsOpenedAndDroppedAreClosed) {
  constexpr int kChannels = 200;
  constexpr int kBatch = 50;
  constexpr int kRawConnections = 200;
  int failed_calls = 0, peak_fds = 0;
  for (int batch = 0; batch < kChannels / kBatch; ++batch) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < kBatch; ++i) {
      channels.push_back(NewChannel(address_));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(5));
      v1::CheckResponse response;
      if (!v1::RiskService::NewStub(channels.back())
               ->Check(&context, Haloperidol(), &response)
               .ok()) {
        ++failed_calls;
      }
    }
    peak_fds = std::max(peak_fds, CountFds());
    channels.clear();
  }
  // Bare TCP: half closed politely, half reset (SO_LINGER 0).
  for (int i = 0; i < kRawConnections; ++i) {
    const int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    if (i % 2 == 1) {
      linger reset{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    }
    close(fd);
  }
  std::printf(
      "[connections] %d channels (%d failed calls), %d raw; peak fds "
      "%d\n",
      kChannels, failed_calls, kRawConnections, peak_fds);

  EXPECT_EQ(failed_calls, 0);
  // Each batch really held its connections open together (both ends).
  EXPECT_GE(peak_fds, baseline_fds_ + kBatch);
  ExpectResponsive("after the connections dropped");
  ExpectResourcesFreed("after the connections dropped");
}

}  // namespace
}  // namespace dystonia
