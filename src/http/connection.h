#pragma once
// Internal to http/: the state shared by the acceptor and the connection threads, and the per-connection loop.
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "http/server.h"

namespace podbucket::http {

struct Server::State {
  ServerOptions options;
  Handler handler;
  ErrorResponder on_error;
  std::unique_ptr<boost::asio::ssl::context> tls;

  boost::asio::io_context io;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::thread acceptor_thread;
  uint16_t port = 0;

  /// A pipe whose read end becomes readable (forever) once stop() starts; every idle wait polls it.
  int stop_pipe[2] = {-1, -1};
  /// A spare descriptor (a duplicate of stop_pipe[0]) the acceptor gives up when the process is out of them, so it
  /// can still accept a waiting connection and refuse it with 503 SlowDown. Used by the acceptor thread only.
  int reserve_fd = -1;
  std::atomic<bool> stopping{false};
  bool stopped = false;

  std::mutex mu;
  std::condition_variable cv;          // signalled when a connection ends
  std::map<uint64_t, int> open_fds;    // GUARDED_BY(mu): connection id → socket fd, for the forced shutdown
  uint64_t next_id = 0;                // GUARDED_BY(mu)

  ~State() {
    for (int fd : stop_pipe)
      if (fd >= 0) ::close(fd);
    if (reserve_fd >= 0) ::close(reserve_fd);
  }

  /// Builds the response for a server-raised error (uses on_error when set).
  Response error_response(const core::AwsError& error, const Request& req) const;
};

namespace detail {
/// Serves one connection until it closes; runs on its own thread. Removes `id` from state.open_fds at the end.
void serve_connection(std::shared_ptr<Server::State> state, boost::asio::ip::tcp::socket socket, uint64_t id);
}  // namespace detail

}  // namespace podbucket::http
