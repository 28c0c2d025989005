// The per-connection loop: read a header section, hand a Request to the handler with the body as a pull-style
// BodySource, write the Response, and decide whether the connection can carry another request.
#include "http/connection.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "http/timed_socket.h"

namespace podbucket::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr size_t kChunk = 1024 * 1024;  // largest single body read or write

std::string sv(beast::string_view s) { return std::string(s.data(), s.size()); }

bool is_timeout(const error_code& ec) { return ec == boost::asio::error::timed_out; }

/// One connection over a stream (TimedSocket, or ssl::stream<TimedSocket>). `raw` is the TCP layer underneath.
template <class Stream>
class Connection {
 public:
  Connection(Server::State& state, Stream& stream, TimedSocket& raw, bool secure, std::string remote_ip)
      : state_(state), opt_(state.options), stream_(stream), raw_(raw), secure_(secure),
        remote_ip_(std::move(remote_ip)) {
    raw_.set_write_timeout(opt_.send_timeout);
  }

  /// Serves requests until the connection should close.
  void run() {
    bool first = true;
    for (;;) {
      prepare_for_request(first);
      first = false;
      if (!serve_one()) return;
      if (state_.stopping) return;  // in-flight request done; no new keep-alive request during shutdown
    }
  }

  /// True when the connection ends right after a response, so the peer may still be sending: close lingering.
  bool wants_linger() const { return linger_; }

  /// Reads up to `n` body bytes into `out` (for SocketBodySource). Throws core::AwsException.
  size_t read_body(char* out, size_t n);
  /// True when the whole request body has been read (or there was none).
  bool body_done() const;
  /// Marks the stream broken and throws RequestTimeout (stalled) or IncompleteBody (closed early).
  [[noreturn]] void fail_body(const error_code& ec);

 private:
  // Sets the deadlines for reading the next request: a pipelined request already buffered gets the header
  // timeout; otherwise the connection idles (interruptible by stop()) until its first byte.
  void prepare_for_request(bool first) {
    if (buffer_.size() > 0) {
      raw_.disarm_idle();
      raw_.set_read_deadline(SteadyClock::now() + opt_.header_timeout);
    } else {
      auto wait = first ? opt_.header_timeout : opt_.idle_timeout;
      raw_.arm_idle(SteadyClock::now() + wait, opt_.header_timeout, state_.stop_pipe[0]);
    }
  }

  bool serve_one();
  void send_continue_if_needed();
  bool drain();
  bool write_response(Response& res, bool head, unsigned version, bool keep_alive);
  bool write_error(const core::AwsError& error, const Request& req) {
    linger_ = true;
    Response res = state_.error_response(error, req);
    return write_response(res, req.method == "HEAD", 11, false);
  }

  Server::State& state_;
  const ServerOptions& opt_;
  Stream& stream_;
  TimedSocket& raw_;
  bool secure_;
  std::string remote_ip_;
  beast::flat_buffer buffer_;

  // Per request.
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool broken_ = false;  // the byte stream is no longer in sync (timeout, framing error)
  // Content-Length bodies bypass the parser: Beast stages at most 64 KiB per recv and copies it again, which made a
  // 1 MiB PUT cost dozens of recv/poll round trips. `direct_body_` is then the number of body bytes still unread.
  std::optional<uint64_t> direct_body_;
  bool linger_ = false;
};

template <class Stream>
class SocketBodySource final : public BodySource {
 public:
  explicit SocketBodySource(Connection<Stream>& c) : c_(c) {}
  size_t read(char* buf, size_t n) override { return c_.read_body(buf, n); }

 private:
  Connection<Stream>& c_;
};

template <class Stream>
void Connection<Stream>::send_continue_if_needed() {
  if (!expect_continue_ || continue_sent_) return;
  continue_sent_ = true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  error_code ec;
  boost::asio::write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()), ec);
  if (ec) {
    broken_ = true;
    throw core::AwsException(core::AwsError(core::kIncompleteBody, "The connection closed before the body was sent."));
  }
}

template <class Stream>
bool Connection<Stream>::body_done() const {
  return direct_body_ ? *direct_body_ == 0 : parser_->is_done();
}

template <class Stream>
[[noreturn]] void Connection<Stream>::fail_body(const error_code& ec) {
  broken_ = true;
  if (is_timeout(ec)) {
    throw core::AwsException(core::AwsError(
        core::kRequestTimeout,
        "Your socket connection to the server was not read from or written to within the timeout period. "
        "Idle connections will be closed."));
  }
  throw core::AwsException(core::AwsError(
      core::kIncompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header."));
}

template <class Stream>
size_t Connection<Stream>::read_body(char* out, size_t n) {
  auto& p = *parser_;
  if (body_done() || n == 0) return 0;
  if (broken_) {
    throw core::AwsException(core::AwsError(core::kIncompleteBody, "The request body could not be read."));
  }
  send_continue_if_needed();
  n = std::min(n, kChunk);
  if (direct_body_) {
    size_t want = size_t(std::min<uint64_t>(n, *direct_body_));
    size_t got = 0;
    if (buffer_.size() > 0) {  // body bytes that arrived with the header section
      got = std::min(want, buffer_.size());
      std::memcpy(out, buffer_.data().data(), got);
      buffer_.consume(got);
    } else {
      raw_.set_read_deadline(SteadyClock::now() + opt_.body_stall_timeout);
      error_code ec;
      got = stream_.read_some(boost::asio::buffer(out, want), ec);
      if (ec) fail_body(ec);
    }
    *direct_body_ -= got;
    return got;
  }
  for (;;) {
    p.get().body().data = out;
    p.get().body().size = n;
    raw_.set_read_deadline(SteadyClock::now() + opt_.body_stall_timeout);
    error_code ec;
    bhttp::read_some(stream_, buffer_, p, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    size_t got = n - p.get().body().size;
    if (ec) fail_body(ec);
    if (got > 0 || p.is_done()) return got;
  }
}

// Discards what the handler left unread, up to drain_limit bytes. True if the body ended (keep-alive possible).
template <class Stream>
bool Connection<Stream>::drain() {
  if (body_done()) return true;
  if (broken_) return false;
  if (expect_continue_ && !continue_sent_) return false;  // the client waits for us: it sent no body
  std::vector<char> scratch(64 * 1024);
  size_t total = 0;
  try {
    while (!body_done()) {
      if (total >= opt_.drain_limit) return false;
      total += read_body(scratch.data(), std::min(scratch.size(), opt_.drain_limit - total));
    }
  } catch (const core::AwsException&) {
    return false;
  }
  return true;
}

template <class Stream>
bool Connection<Stream>::write_response(Response& res, bool head, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::empty_body> h;
  h.version(version);
  h.result(unsigned(res.status));
  for (const auto& [k, v] : res.headers.entries()) {
    if (core::iequals(k, "Connection") || core::iequals(k, "Transfer-Encoding")) continue;
    h.insert(k, v);
  }
  if (!res.headers.has("Date")) h.set(bhttp::field::date, core::format_http_date(core::SystemClock().now()));
  head = head || res.head;
  // A HEAD response describes the object it would stream: stream_length, without a stream.
  uint64_t length = (res.stream || res.head) ? res.stream_length : res.body.size();
  bool no_body_status = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  if (no_body_status) {
    h.erase(bhttp::field::content_length);
  } else if (!head || !res.headers.has("Content-Length")) {
    // HEAD keeps the handler's Content-Length (the size of the object it describes).
    h.set(bhttp::field::content_length, std::to_string(length));
  }
  h.keep_alive(keep_alive);

  error_code ec;
  if (!res.stream) {
    // Header and in-memory body leave in one gathered write: one syscall and one TCP segment for the small
    // responses (errors, XML listings, the agent's credentials) that dominate request rates.
    bool header_only = head || no_body_status;  // HEAD's Content-Length describes a body that is not sent
    bhttp::response<bhttp::string_body> msg(std::move(h));
    if (!header_only) msg.body() = std::move(res.body);
    bhttp::response_serializer<bhttp::string_body> sr(msg);
    if (header_only) {
      bhttp::write_header(stream_, sr, ec);
    } else {
      bhttp::write(stream_, sr, ec);
    }
    return !ec;
  }
  bhttp::response_serializer<bhttp::empty_body> sr(h);
  if (head || no_body_status || length == 0) {
    bhttp::write_header(stream_, sr, ec);
    return !ec;
  }
  // Not value-initialized: zeroing up to 1 MiB per response is wasted work, the stream overwrites it.
  const size_t chunk_size = size_t(std::min<uint64_t>(kChunk, length));
  std::unique_ptr<char[]> chunk_storage(new char[chunk_size]);
  std::span<char> chunk(chunk_storage.get(), chunk_size);
  // The header leaves together with the first chunk, in one gathered write: a small object goes out in one
  // syscall and one TCP segment. A stream that fails before its first byte closes the connection with nothing
  // sent; after that, the client sees a body shorter than its Content-Length.
  auto write_header_and = [&](boost::asio::const_buffer body) {
    std::vector<boost::asio::const_buffer> buffers;
    sr.split(true);
    sr.next(ec, [&](error_code&, const auto& header) {
      for (auto buffer : boost::beast::buffers_range_ref(header)) buffers.push_back(buffer);
    });
    if (ec) return;
    buffers.push_back(body);
    boost::asio::write(stream_, buffers, ec);
  };
  uint64_t left = length;
  try {
    for (bool first = true; left > 0; first = false) {
      size_t n = res.stream->read(chunk.data(), size_t(std::min<uint64_t>(chunk.size(), left)));
      if (n == 0) return false;  // stream shorter than announced
      auto body = boost::asio::buffer(chunk.data(), n);
      if (first) {
        write_header_and(body);
      } else {
        boost::asio::write(stream_, body, ec);
      }
      if (ec) return false;
      left -= n;
    }
  } catch (const std::exception&) {
    return false;  // nothing more can be said: the status line may already be out
  }
  return true;
}

template <class Stream>
bool Connection<Stream>::serve_one() {
  parser_.emplace();
  auto& p = *parser_;
  p.header_limit(std::uint32_t(opt_.max_header_section));
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
  expect_continue_ = continue_sent_ = false;
  linger_ = false;

  error_code ec;
  bhttp::read_header(stream_, buffer_, p, ec);
  raw_.disarm_idle();
  Request req;
  req.remote_ip = remote_ip_;
  req.secure = secure_;
  if (ec == bhttp::error::header_limit) {
    write_error(core::AwsError(core::kRequestHeaderSectionTooLarge,
                               "Your request header section exceeds the maximum allowed size."),
                req);
    return false;
  }
  if (ec && ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) {
    return false;  // closed, slow or failed socket: nobody to answer
  }
  if (ec == bhttp::error::end_of_stream) return false;
  if (ec) {
    write_error(core::AwsError(kBadRequest, "An error occurred when parsing the HTTP request."), req);
    return false;
  }

  const auto& msg = p.get();
  req.method = sv(msg.method_string());
  req.target = sv(msg.target());
  bool too_long = req.target.size() > opt_.max_header_line;
  size_t fields_total = 0;
  for (const auto& field : msg) {
    size_t line = field.name_string().size() + field.value().size() + 4;  // "name: value\r\n"
    fields_total += line;
    if (line > opt_.max_header_line) too_long = true;
    req.headers.add(sv(field.name_string()), sv(field.value()));
  }
  if (fields_total > opt_.max_header_fields) too_long = true;
  if (too_long) {
    write_error(core::AwsError(core::kRequestHeaderSectionTooLarge,
                               "Your request header section exceeds the maximum allowed size."),
                req);
    return false;
  }
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.raw_query = req.target.substr(q + 1);
  if (req.path.empty() || req.path[0] != '/') {
    // Absolute-form targets ("http://host/path") are legal but unused by AWS clients; keep the path part.
    auto scheme = req.path.find("://");
    auto slash = scheme == std::string::npos ? std::string::npos : req.path.find('/', scheme + 3);
    req.path = slash == std::string::npos ? "/" : req.path.substr(slash);
  }
  direct_body_.reset();
  if (auto cl = p.content_length(); cl && !p.chunked()) {
    req.content_length = *cl;
    if (!p.is_done()) direct_body_ = *cl;
  }
  if (auto expect = msg[bhttp::field::expect]; core::iequals(core::trim(sv(expect)), "100-continue"))
    expect_continue_ = !p.is_done();

  SocketBodySource<Stream> body(*this);
  req.body = &body;
  Response res;
  try {
    res = state_.handler(req);
  } catch (const core::AwsException& e) {
    res = state_.error_response(e.error(), req);
  } catch (const std::exception&) {
    res = state_.error_response(core::AwsError(core::kInternalError, "We encountered an internal error. Please try again."),
                                req);
  }

  bool keep_alive = msg.keep_alive() && !state_.stopping;
  if (keep_alive) keep_alive = drain();
  bool ok = write_response(res, req.method == "HEAD", msg.version() == 10 ? 10 : 11, keep_alive);
  linger_ = ok;
  return ok && keep_alive && !broken_;
}

// Half-closes and reads briefly what the peer still sends, so that our last response is not destroyed by a
// reset (RFC 7230 §6.6), then closes.
void close_connection(TimedSocket& raw, bool linger) {
  error_code ec;
  if (!linger) {
    raw.socket().close(ec);
    return;
  }
  raw.socket().shutdown(tcp::socket::shutdown_send, ec);
  raw.set_read_deadline(SteadyClock::now() + std::chrono::milliseconds(500));
  char scratch[16 * 1024];
  size_t total = 0;
  while (!ec && total < 256 * 1024) total += raw.read_some(boost::asio::buffer(scratch), ec);
  raw.socket().close(ec);
}

}  // namespace

void serve_connection(std::shared_ptr<Server::State> state, tcp::socket socket, uint64_t id) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  std::string remote_ip = ec ? std::string() : endpoint.address().to_string();
  try {
    TimedSocket raw(std::move(socket));
    bool linger = false;
    if (state->tls) {
      boost::asio::ssl::stream<TimedSocket&> tls(raw, *state->tls);
      raw.set_read_deadline(SteadyClock::now() + state->options.header_timeout);
      raw.set_write_timeout(state->options.send_timeout);
      tls.handshake(boost::asio::ssl::stream_base::server, ec);
      if (!ec) {
        Connection<boost::asio::ssl::stream<TimedSocket&>> c(*state, tls, raw, true, remote_ip);
        c.run();
        linger = c.wants_linger();
      }
    } else {
      Connection<TimedSocket> c(*state, raw, raw, false, remote_ip);
      c.run();
      linger = c.wants_linger();
    }
    close_connection(raw, linger);
  } catch (const std::exception&) {
    // A socket failure in a place without error_code: the connection is simply gone.
  }
  std::lock_guard lock(state->mu);
  state->open_fds.erase(id);
  state->cv.notify_all();
}

}  // namespace podbucket::http::detail
