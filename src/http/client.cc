// The outbound client: Beast's asynchronous operations driven to completion on a private io_context, so that
// every step has a deadline (Beast's tcp_stream timer) while the caller simply blocks.
#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/encoding.h"

namespace podbucket::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// ---- URLs ----------------------------------------------------------------------------------------------------------

std::string Endpoint::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::url() const { return (tls ? "https://" : "http://") + host_header() + base_path; }

core::Result<Endpoint> parse_endpoint(std::string_view url) {
  auto bad = [&](std::string why) {
    return core::AwsError(core::kInvalidArgument, "invalid endpoint URL '" + std::string(url) + "': " + why);
  };
  Endpoint ep;
  std::string_view rest;
  std::string lower = core::to_lower(url.substr(0, std::min<size_t>(url.size(), 8)));
  if (lower.rfind("https://", 0) == 0) {
    ep.tls = true;
    rest = url.substr(8);
  } else if (lower.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return bad("the scheme must be http or https");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) return bad("query and fragment are not allowed");
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad("user info is not allowed");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else {
    size_t colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
  }
  if (ep.host.empty()) return bad("empty host");
  ep.port = ep.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || p == 0 || p > 65535) {
      return bad("bad port");
    }
    ep.port = uint16_t(p);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  ep.base_path = std::string(path);
  return ep;
}

// ---- the client --------------------------------------------------------------------------------------------------

struct Client::Impl {
  Endpoint ep;
  ClientOptions opt;
  asio::io_context io;
  std::unique_ptr<ssl::context> ctx;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  bool open() const { return plain.has_value() || tls.has_value(); }

  void close() {
    error_code ec;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ec);
    if (plain) plain->socket().close(ec);
    tls.reset();
    plain.reset();
    buffer.clear();
  }

  // Starts an asynchronous operation with a completion handler that records the error, and runs the io_context
  // until it completes.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  core::AwsError transport_error(const core::ErrorCode& code, std::string_view what, const error_code& ec) {
    close();
    return core::AwsError(code, std::string(what) + " " + ep.url() + ": " + ec.message());
  }

  core::Result<std::vector<tcp::endpoint>> resolve(SteadyClock::time_point deadline) {
    error_code ec;
    auto address = asio::ip::make_address(ep.host, ec);
    if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(address, ep.port)};
    tcp::resolver resolver(io);
    tcp::resolver::results_type results;
    error_code result = asio::error::would_block;
    resolver.async_resolve(ep.host, std::to_string(ep.port), [&](error_code e, tcp::resolver::results_type r) {
      result = e;
      results = std::move(r);
    });
    io.restart();
    io.run_until(deadline);
    if (result == asio::error::would_block) {
      resolver.cancel();
      io.restart();
      io.run();
      return transport_error(kTimedOut, "resolving", asio::error::timed_out);
    }
    if (result) return transport_error(kConnectFailed, "resolving", result);
    std::vector<tcp::endpoint> out;
    for (const auto& entry : results) out.push_back(entry.endpoint());
    return out;
  }

  core::Result<void> connect(SteadyClock::time_point deadline) {
    auto results = resolve(deadline);
    if (!results) return results.error();
    if (ep.tls) {
      tls.emplace(io, *ctx);
    } else {
      plain.emplace(io);
    }
    auto connect_deadline = std::min(deadline, SteadyClock::now() + opt.connect_timeout);
    lowest().expires_at(connect_deadline);
    error_code ec = run([&](auto handler) { lowest().async_connect(*results, handler); });
    if (ec == beast::error::timeout) return transport_error(kTimedOut, "connecting to", ec);
    if (ec) return transport_error(kConnectFailed, "connecting to", ec);
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if (!tls) return {};

    SSL* handle = tls->native_handle();
    error_code ip_ec;
    asio::ip::make_address(ep.host, ip_ec);
    if (ip_ec) SSL_set_tlsext_host_name(handle, ep.host.c_str());  // SNI only for names
    if (opt.verify_tls) {
      X509_VERIFY_PARAM* param = SSL_get0_param(handle);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int ok = ip_ec ? X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size())
                     : X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str());
      if (ok != 1) return transport_error(kTransportFailed, "TLS set-up for", asio::error::invalid_argument);
      tls->set_verify_mode(ssl::verify_peer);
    } else {
      tls->set_verify_mode(ssl::verify_none);
    }
    lowest().expires_at(deadline);
    ec = run([&](auto handler) { tls->async_handshake(ssl::stream_base::client, handler); });
    if (ec == beast::error::timeout) return transport_error(kTimedOut, "TLS handshake with", ec);
    if (ec) {
      std::string why = ec.message();
      long verify = SSL_get_verify_result(handle);
      if (verify != X509_V_OK) why += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
      close();
      return core::AwsError(kTransportFailed, "TLS handshake with " + ep.url() + " failed: " + why);
    }
    return {};
  }

  // One attempt on the current connection. `*stale` is set when the failure looks like a kept-alive connection
  // the server had already closed (nothing of a response arrived), so a retry on a new connection is safe.
  core::Result<ClientResponse> exchange(bhttp::request<bhttp::string_body>& msg, SteadyClock::time_point deadline,
                                        bool* stale) {
    *stale = false;
    lowest().expires_at(deadline);
    error_code ec = run([&](auto handler) {
      if (tls) {
        bhttp::async_write(*tls, msg, handler);
      } else {
        bhttp::async_write(*plain, msg, handler);
      }
    });
    if (ec == beast::error::timeout) return transport_error(kTimedOut, "sending to", ec);
    if (ec) {
      *stale = true;
      return transport_error(kTransportFailed, "sending to", ec);
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(opt.max_response_body);
    parser.header_limit(64 * 1024);
    // The header first: Beast 1.74 loses a response's Content-Length body_limit error when the body arrives in
    // the same read as the header, so the declared length is checked here.
    ec = run([&](auto handler) {
      if (tls) {
        bhttp::async_read_header(*tls, buffer, parser, handler);
      } else {
        bhttp::async_read_header(*plain, buffer, parser, handler);
      }
    });
    if (!ec && parser.content_length() && *parser.content_length() > opt.max_response_body) {
      ec = bhttp::error::body_limit;
    }
    if (!ec && !parser.is_done()) {
      ec = run([&](auto handler) {
        if (tls) {
          bhttp::async_read(*tls, buffer, parser, handler);
        } else {
          bhttp::async_read(*plain, buffer, parser, handler);
        }
      });
    }
    if (ec == beast::error::timeout) return transport_error(kTimedOut, "waiting for", ec);
    if (ec == bhttp::error::body_limit) return transport_error(kResponseTooLarge, "reading from", ec);
    if (ec) {
      *stale = !parser.got_some() && (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                                      ec == asio::error::connection_reset || ec == ssl::error::stream_truncated);
      return transport_error(kTransportFailed, "reading from", ec);
    }
    auto res = parser.release();
    ClientResponse out;
    out.status = int(res.result_int());
    for (const auto& field : res) {
      out.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    if (!opt.keep_alive || !res.keep_alive()) close();
    return out;
  }
};

Client::Client(Endpoint endpoint, ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->ep = std::move(endpoint);
  impl_->opt = std::move(options);
  if (impl_->ep.tls) {
    impl_->ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    impl_->ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code ec;
    if (!impl_->opt.ca_file.empty()) {
      impl_->ctx->load_verify_file(impl_->opt.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load CA file " + impl_->opt.ca_file + ": " + ec.message());
    } else {
      impl_->ctx->set_default_verify_paths(ec);
      if (ec) throw std::runtime_error("cannot load the system CA store: " + ec.message());
    }
  }
}

Client::~Client() { impl_->close(); }

const Endpoint& Client::endpoint() const { return impl_->ep; }

void Client::close() { impl_->close(); }

bool Client::connected() const { return impl_->open(); }

core::Result<ClientResponse> Client::send(const Request& req, std::string_view body) {
  auto deadline = SteadyClock::now() + impl_->opt.request_timeout;
  std::string target = req.target;
  if (target.empty()) target = req.path.empty() ? "/" : req.path;
  if (req.target.empty() && !req.raw_query.empty()) target += "?" + req.raw_query;

  bhttp::request<bhttp::string_body> msg;
  msg.version(11);
  msg.method_string(req.method.empty() ? "GET" : req.method);
  msg.target(target);
  for (const auto& [name, value] : req.headers.entries()) {
    if (core::iequals(name, "Content-Length") || core::iequals(name, "Transfer-Encoding")) continue;
    msg.insert(name, value);
  }
  if (!req.headers.has("Host")) msg.set(bhttp::field::host, impl_->ep.host_header());
  msg.body() = std::string(body);
  msg.keep_alive(impl_->opt.keep_alive);
  if (!body.empty() || (req.method != "GET" && req.method != "HEAD" && req.method != "DELETE" &&
                        !req.method.empty())) {
    msg.content_length(body.size());
  }

  for (int attempt = 0;; ++attempt) {
    bool reused = impl_->open();
    if (!reused) {
      auto connected = impl_->connect(deadline);
      if (!connected) return connected.error();
    }
    bool stale = false;
    auto res = impl_->exchange(msg, deadline, &stale);
    if (res || !(reused && stale) || attempt > 0) return res;
  }
}

}  // namespace podbucket::http
