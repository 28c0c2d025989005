#include "http/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <cerrno>
#include <stdexcept>

#include "http/connection.h"

namespace podbucket::http {

namespace asio = boost::asio;
using asio::ip::tcp;

Response Server::State::error_response(const core::AwsError& error, const Request& req) const {
  if (on_error) return on_error(error, req);
  Response res;
  res.status = error.http_status();
  res.headers.set("Content-Type", "text/plain");
  res.body = std::string(error.code()) + ": " + error.message() + "\n";
  return res;
}

namespace {

// Best-effort 503 to a connection we have no thread for: one non-blocking send, then close. TLS connections
// are just closed (a handshake would need a thread).
void refuse(Server::State& state, tcp::socket& socket) {
  if (!state.tls) {
    Request empty;
    Response res = state.error_response(core::AwsError(kSlowDown, "Please reduce your request rate."), empty);
    std::string bytes = "HTTP/1.1 " + std::to_string(res.status) + " Slow Down\r\n";
    for (const auto& [k, v] : res.headers.entries()) bytes += k + ": " + v + "\r\n";
    bytes += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n" + res.body;
    ::send(socket.native_handle(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() && (ec.value() == EMFILE || ec.value() == ENFILE);
}

/// The process (or the system) has no descriptor left for a waiting connection, which would stay readable on the
/// listening socket and make the acceptor spin. Frees the reserve descriptor, accepts the connection with it and
/// refuses it with 503 SlowDown, then takes the reserve back. Without a reserve, waits a little instead.
void shed_one_connection(Server::State& state) {
  if (state.reserve_fd >= 0) {
    ::close(state.reserve_fd);
    state.reserve_fd = -1;
    boost::system::error_code ec;
    tcp::socket socket(state.io);
    state.acceptor->accept(socket, ec);
    if (!ec) refuse(state, socket);
    state.reserve_fd = ::fcntl(state.stop_pipe[0], F_DUPFD_CLOEXEC, 0);
    if (!ec) return;
  }
  pollfd stop = {state.stop_pipe[0], POLLIN, 0};
  ::poll(&stop, 1, 100);  // ms: until a connection ends and frees a descriptor, or the server stops
}

void accept_loop(std::shared_ptr<Server::State> state) {
  int listen_fd = state->acceptor->native_handle();
  while (!state->stopping) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {state->stop_pipe[0], POLLIN, 0}};
    int r = ::poll(fds, 2, 1000);
    if (r <= 0 || fds[1].revents) continue;
    boost::system::error_code ec;
    tcp::socket socket(state->io);
    state->acceptor->accept(socket, ec);
    if (out_of_descriptors(ec)) {
      shed_one_connection(*state);
      continue;
    }
    if (ec) continue;  // would_block after a race, or a connection reset before accept
    socket.set_option(tcp::no_delay(true), ec);

    uint64_t id;
    {
      std::lock_guard lock(state->mu);
      if (state->open_fds.size() >= state->options.max_connections) {
        refuse(*state, socket);
        continue;
      }
      id = state->next_id++;
      state->open_fds[id] = socket.native_handle();
    }
    try {
      std::thread(detail::serve_connection, state, std::move(socket), id).detach();
    } catch (const std::system_error&) {  // cannot create a thread: treat like overload
      {
        std::lock_guard lock(state->mu);
        state->open_fds.erase(id);
      }
      refuse(*state, socket);
    }
  }
}

std::unique_ptr<asio::ssl::context> make_tls_context(const TlsOptions& tls) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + tls.cert_file + ": " + ec.message());
  ctx->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + tls.key_file + ": " + ec.message());
  return ctx;
}

}  // namespace

Server::Server(ServerOptions options, Handler handler, ErrorResponder on_error) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
  state_->on_error = std::move(on_error);
}

Server::~Server() { stop(); }

void Server::start() {
  auto& s = *state_;
  if (s.options.tls) s.tls = make_tls_context(*s.options.tls);
  if (::pipe2(s.stop_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  s.reserve_fd = ::fcntl(s.stop_pipe[0], F_DUPFD_CLOEXEC, 0);

  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.options.host, ec);
  if (ec) throw std::runtime_error("invalid listen address '" + s.options.host + "'");
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor = std::make_unique<tcp::acceptor>(s.io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) + ": " +
                             ec.message());
  }
  s.acceptor->non_blocking(true);
  s.port = s.acceptor->local_endpoint().port();
  s.acceptor_thread = std::thread(accept_loop, state_);
}

uint16_t Server::port() const { return state_->port; }

size_t Server::connection_count() const {
  std::lock_guard lock(state_->mu);
  return state_->open_fds.size();
}

void Server::stop() {
  auto& s = *state_;
  if (s.stopped || !s.acceptor) return;
  s.stopped = true;
  s.stopping = true;
  char byte = 1;
  [[maybe_unused]] auto n = ::write(s.stop_pipe[1], &byte, 1);  // wakes the acceptor and every idle connection
  if (s.acceptor_thread.joinable()) s.acceptor_thread.join();
  boost::system::error_code ec;
  s.acceptor->close(ec);

  std::unique_lock lock(s.mu);
  if (!s.cv.wait_for(lock, s.options.shutdown_grace, [&] { return s.open_fds.empty(); })) {
    // Grace period over: cut the remaining connections; their threads fail on the next socket call.
    for (const auto& [id, fd] : s.open_fds) ::shutdown(fd, SHUT_RDWR);
    s.cv.wait_for(lock, std::chrono::seconds(5), [&] { return s.open_fds.empty(); });
  }
  // The pipe stays open: connection threads that outlive stop() (stuck in a handler) still hold the state.
}

}  // namespace podbucket::http
