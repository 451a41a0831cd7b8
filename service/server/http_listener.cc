#include "service/server/http_listener.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/server/handler_pool.h"
#include "service/server/http_admission.h"
#include "service/server/tls_policy.h"

namespace dystonia {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After refusing a request whose body is still arriving (413, 401), the
// connection is drained, up to this much for up to this long, before it is
// closed, so a client still writing its body reads the refusal rather than
// a reset. Drained bytes are dropped as read: it costs time, not memory.
constexpr std::size_t kMaxDrainBytes = 16 << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);

std::chrono::steady_clock::duration ToSteady(absl::Duration duration) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(duration));
}

// The request is malformed (an HTTP parse error worth a 400), rather than
// the connection gone (closed, reset, timed out), which has no one to
// answer.
bool IsMalformed(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target)
                              .category() &&
         ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

absl::string_view View(beast::string_view text) {
  return absl::string_view(text.data(), text.size());
}

}  // namespace

// What every connection shares; owned by the listener. Members are
// destroyed in reverse order: the pool (which holds connections waiting on
// a handler) before the io_context (whose sockets they are), and both
// before the limits and TLS context the connections use.
class HttpListener::Impl {
 public:
  Impl(const HttpListenerOptions& options, Router router)
      : options(options),
        router(std::move(router)),
        connections(options.max_connections, options.max_connections_per_client),
        bodies(options.max_buffered_body_bytes),
        acceptor(net::make_strand(io)) {}

  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);

  const HttpListenerOptions options;
  const Router router;
  ConnectionLimits connections;
  BodyBudget bodies;
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<int> requests_in_flight{0};
  net::io_context io;
  tcp::acceptor acceptor;
  std::unique_ptr<HandlerPool> handlers;
  std::vector<std::thread> network_threads;
  int port = 0;
};

namespace {

// A place among the open connections, given back when the connection goes.
class ConnectionSlot {
 public:
  ConnectionSlot(ConnectionLimits* limits, std::string client)
      : limits_(limits), client_(std::move(client)) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { limits_->Release(client_); }

 private:
  ConnectionLimits* limits_;
  std::string client_;
};

// One connection, served request after request. Every step runs on the
// connection's strand; only the handler runs elsewhere (the pool), and its
// answer is posted back to the strand.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(Stream stream, HttpListener::Impl* shared,
             std::unique_ptr<ConnectionSlot> slot)
      : stream_(std::move(stream)),
        shared_(shared),
        options_(shared->options),
        slot_(std::move(slot)),
        buffer_(static_cast<std::size_t>(options_.max_header_bytes) +
                (64 << 10)),
        handler_timer_(stream_.get_executor()) {}

  ~Connection() { EndRequest(); }

  // Begins on the connection's own strand: every step of it runs there.
  void Start() {
    net::dispatch(stream_.get_executor(),
                  [self = this->shared_from_this()] { self->Begin(); });
  }

 private:
  void Begin() {
    if constexpr (kTls) {
      Socket().expires_after(ToSteady(options_.request_timeout));
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;  // not TLS, or no acceptable certificate
            self->WaitForRequest();
          });
    } else {
      WaitForRequest();
    }
  }

  beast::tcp_stream& Socket() { return beast::get_lowest_layer(stream_); }

  // A kept-alive connection waits up to idle_timeout for the first byte of
  // its next request; from that byte the whole request has
  // request_timeout.
  void WaitForRequest() {
    if (shared_->stopping) return Close();
    if (buffer_.size() > 0) return ReadHead();
    Socket().expires_after(ToSteady(options_.idle_timeout));
    stream_.async_read_some(
        buffer_.prepare(1024),
        [self = this->shared_from_this()](beast::error_code ec,
                                          std::size_t read) {
          if (ec) return;
          self->buffer_.commit(read);
          self->ReadHead();
        });
  }

  void ReadHead() {
    head_parser_.emplace();
    head_parser_->header_limit(static_cast<std::uint32_t>(
        std::max(1024, options_.max_header_bytes)));
    // Checked against Content-Length as the head is parsed (Beast's own
    // default is 1 MB).
    head_parser_->body_limit(static_cast<std::uint64_t>(options_.max_body_bytes));
    Socket().expires_after(ToSteady(options_.request_timeout));
    http::async_read_header(
        stream_, buffer_, *head_parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->OnHead(ec);
        });
  }

  void OnHead(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return Refuse(431, "the request's headers are too large");
    }
    if (ec == http::error::body_limit) {
      return Refuse(413, "the body is too large");
    }
    if (ec) {
      if (!IsMalformed(ec)) return;
      return Refuse(400, absl::StrCat("malformed request: ", ec.message()));
    }
    const auto& request = head_parser_->get();
    int fields = 0;
    for (auto it = request.begin(); it != request.end(); ++it) ++fields;
    if (fields > options_.max_headers) {
      return Refuse(431, absl::StrCat("more than ", options_.max_headers,
                                      " header fields"));
    }
    const absl::string_view target = View(request.target());
    if (!absl::StartsWith(target, "/")) {
      return Refuse(400, "the request target must be a path");
    }
    const boost::optional<std::uint64_t> length =
        head_parser_->content_length();
    if (length.has_value() &&
        *length > static_cast<std::uint64_t>(options_.max_body_bytes)) {
      return Refuse(413, "the body is too large");
    }
    // Answers are HTTP/1.1 whatever the request's version (RFC 9110 6.2: a
    // server sends the highest version it conforms to); an HTTP/1.0 client
    // gets its answer and the connection closes.
    keep_alive_ = request.version() >= 11 && request.keep_alive();
    ++shared_->requests_in_flight;
    counted_ = true;

    HttpRequestHead head;
    head.method = std::string(View(request.method_string()));
    head.path = std::string(target.substr(0, target.find('?')));
    if (target.find('?') != absl::string_view::npos) {
      head.query = std::string(target.substr(target.find('?') + 1));
    }
    head.authorization =
        std::string(View(request[http::field::authorization]));
    head.endpoint_url =
        absl::StrCat(kTls ? "https://" : "http://",
                     View(request[http::field::host]), head.path);
    HttpRouteDecision decision = shared_->router(head);
    const bool body_pending = !head_parser_->is_done();
    if (decision.answered) {
      // Nobody gets a body read before being admitted: a refusal closes a
      // connection whose body is still to come.
      if (body_pending) keep_alive_ = false;
      return Write(std::move(decision.answer));
    }
    handler_ = std::move(decision.handler);
    if (!body_pending) return RunHandler(std::string());
    // A body of unknown length (chunked) may grow to the limit.
    const std::int64_t expected = length.has_value()
                                      ? static_cast<std::int64_t>(*length)
                                      : options_.max_body_bytes;
    if (!shared_->bodies.Reserve(expected)) {
      keep_alive_ = false;
      return Write(ErrorAnswer(503, "the server is busy; retry shortly"));
    }
    body_reservation_ = BodyReservation(&shared_->bodies, expected);
    if (absl::EqualsIgnoreCase(View(request[http::field::expect]),
                               "100-continue")) {
      continue_.emplace(http::status::continue_, 11);
      return http::async_write(
          stream_, *continue_,
          [self = this->shared_from_this()](beast::error_code ec,
                                            std::size_t) {
            if (ec) return;
            self->ReadBody();
          });
    }
    ReadBody();
  }

  void ReadBody() {
    body_parser_.emplace(std::move(*head_parser_));
    body_parser_->body_limit(
        static_cast<std::uint64_t>(options_.max_body_bytes));
    // The request_timeout set before the head still runs: it covers the
    // whole request.
    http::async_read(
        stream_, buffer_, *body_parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->OnBody(ec);
        });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Refuse(413, "the body is too large");
    }
    if (ec) {
      if (!IsMalformed(ec)) return;
      return Refuse(400, absl::StrCat("malformed body: ", ec.message()));
    }
    RunHandler(std::move(body_parser_->get().body()));
  }

  void RunHandler(std::string body) {
    Socket().expires_never();
    handler_done_ = false;
    auto self = this->shared_from_this();
    auto strand = stream_.get_executor();
    // The pool's jobs are copyable functions: the move-only reservation
    // rides in a shared pointer.
    auto reservation =
        std::make_shared<BodyReservation>(std::move(body_reservation_));
    const bool queued = shared_->handlers->TrySubmit(
        [self, strand, handler = std::move(handler_), body = std::move(body),
         reservation]() mutable {
          HttpAnswer answer = handler(std::move(body));
          reservation->Reset();
          net::post(strand, [self, answer = std::move(answer)]() mutable {
            self->OnHandlerDone(std::move(answer));
          });
        });
    if (!queued) {
      keep_alive_ = false;
      return Write(ErrorAnswer(503, "the server is busy; retry shortly"));
    }
    handler_timer_.expires_after(ToSteady(options_.handler_timeout));
    handler_timer_.async_wait([self](beast::error_code ec) {
      if (ec || self->handler_done_) return;
      self->handler_done_ = true;
      self->keep_alive_ = false;
      self->Write(ErrorAnswer(
          503, "the answer took longer than the server allows; retry"));
    });
  }

  void OnHandlerDone(HttpAnswer answer) {
    if (handler_done_) return;  // already answered 503
    handler_done_ = true;
    handler_timer_.cancel();
    Write(std::move(answer));
  }

  // Answers and closes: the request cannot be read on (malformed, too
  // large) or is not to be.
  void Refuse(int status, absl::string_view message) {
    keep_alive_ = false;
    Write(ErrorAnswer(status, message));
  }

  void Write(HttpAnswer answer) {
    ++served_;
    if (served_ >= options_.keep_alive_max_requests || shared_->stopping) {
      keep_alive_ = false;
    }
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(answer.status));
    if (!answer.content_type.empty()) {
      response_.set(http::field::content_type, answer.content_type);
    }
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.body() = std::move(answer.body);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    Socket().expires_after(ToSteady(options_.write_timeout));
    http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->OnWritten(ec);
        });
  }

  void OnWritten(beast::error_code ec) {
    EndRequest();
    if (ec) return;
    if (!keep_alive_) return Close();
    head_parser_.reset();
    body_parser_.reset();
    WaitForRequest();
  }

  void EndRequest() {
    if (counted_) --shared_->requests_in_flight;
    counted_ = false;
  }

  // Says goodbye, then reads (and drops) what the client may still be
  // sending, briefly and boundedly, so the last answer is not lost to a
  // reset; then the connection goes with the last reference to it.
  void Close() {
    if constexpr (kTls) {
      Socket().expires_after(kDrainTime);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      Socket().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Socket().expires_after(kDrainTime);
      Drain(0);
    }
  }

  void Drain(std::size_t drained) {
    if (drained >= kMaxDrainBytes) return;
    buffer_.clear();
    Socket().async_read_some(
        buffer_.prepare(16 << 10),
        [self = this->shared_from_this(), drained](beast::error_code ec,
                                                   std::size_t read) {
          if (ec) return;
          self->Drain(drained + read);
        });
  }

  Stream stream_;
  HttpListener::Impl* shared_;
  const HttpListenerOptions& options_;
  std::unique_ptr<ConnectionSlot> slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> head_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  net::steady_timer handler_timer_;
  std::function<HttpAnswer(std::string)> handler_;
  BodyReservation body_reservation_;
  bool handler_done_ = true;
  bool keep_alive_ = false;
  bool counted_ = false;
  int served_ = 0;
};

}  // namespace

void HttpListener::Impl::Accept() {
  acceptor.async_accept(
      net::make_strand(io),
      [this](beast::error_code ec, tcp::socket socket) {
        OnAccept(ec, std::move(socket));
      });
}

void HttpListener::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (!ec) {
    beast::error_code peer_error;
    const tcp::endpoint peer = socket.remote_endpoint(peer_error);
    const std::string client =
        peer_error ? std::string("?") : peer.address().to_string();
    if (!connections.Acquire(client)) {
      // Over a limit: closed at once, before anything is read or held.
      socket.close(peer_error);
    } else {
      auto slot = std::make_unique<ConnectionSlot>(&connections, client);
      socket.set_option(tcp::no_delay(true), peer_error);
      if (tls.has_value()) {
        std::make_shared<Connection<TlsStream>>(
            TlsStream(std::move(socket), *tls), this, std::move(slot))
            ->Start();
      } else {
        std::make_shared<Connection<PlainStream>>(
            PlainStream(std::move(socket)), this, std::move(slot))
            ->Start();
      }
    }
  }
  // Out of descriptors (EMFILE) and the like: keep accepting; the limits
  // above keep this rare.
  Accept();
}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const HttpListenerOptions& options, Router router) {
  auto impl = std::make_unique<Impl>(options, std::move(router));
  if (!options.tls_cert.empty()) {
    ssl::context& tls = impl->tls.emplace(ssl::context::tls_server);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                    ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    // The same modern-only policy as the gRPC port (tls_policy.h).
    SSL_CTX_set_min_proto_version(tls.native_handle(), kMinTlsProtocolVersion);
    SSL_CTX_set_cipher_list(tls.native_handle(), kTls12CipherList);
    tls.use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) tls.use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (!ec && !options.tls_client_ca.empty()) {
      tls.load_verify_file(options.tls_client_ca, ec);
      tls.set_verify_mode(ssl::verify_peer |
                          ssl::verify_fail_if_no_peer_cert);
    }
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_cert/--tls_key/--tls_client_ca: the HTTP port cannot use "
          "them: ",
          ec.message()));
    }
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen: '", options.host, "' is not an IP address"));
  }
  const tcp::endpoint endpoint(address,
                               static_cast<unsigned short>(options.port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "--http_listen: cannot bind ", options.host, ":", options.port, ": ",
        ec.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->handlers = std::make_unique<HandlerPool>(options.handler_threads,
                                                 options.max_queued_handlers);
  impl->Accept();
  Impl* raw = impl.get();
  for (int i = 0; i < std::max(1, options.network_threads); ++i) {
    impl->network_threads.emplace_back([raw] { raw->io.run(); });
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

HttpListener::HttpListener(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

HttpListener::~HttpListener() {
  impl_->stopping = true;
  net::post(impl_->acceptor.get_executor(), [raw = impl_.get()] {
    beast::error_code ignored;
    raw->acceptor.close(ignored);
  });
  // Requests being answered get the grace; kept-alive connections waiting
  // for their next request do not hold shutdown up.
  const absl::Time give_up = absl::Now() + impl_->options.shutdown_grace;
  while (impl_->requests_in_flight > 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  impl_->io.stop();
  for (std::thread& thread : impl_->network_threads) thread.join();
  // Handlers still running finish (each is bounded: parsing is linear in
  // a bounded body, FHIR fetches have their own timeout); queued ones are
  // dropped. Then the io_context goes, closing every connection.
  impl_->handlers.reset();
}

int HttpListener::port() const { return impl_->port; }

int HttpListener::open_connections() const {
  return impl_->connections.open();
}

}  // namespace dystonia
