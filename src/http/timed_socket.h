#pragma once
// Internal to http/: a TCP socket for Beast's synchronous loop in which every read and write has a deadline.
// Asio's blocking calls ignore SO_RCVTIMEO (they fall back to an unbounded poll), so the socket is put in
// non-blocking mode and each operation waits with poll(2) until its deadline. Failing that, the operation
// reports asio::error::timed_out. Satisfies SyncReadStream/SyncWriteStream, so asio::ssl::stream can sit on top.
#include <poll.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <chrono>

namespace podbucket::http::detail {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

class TimedSocket {
 public:
  using executor_type = asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = asio::ip::tcp::socket::lowest_layer_type;

  explicit TimedSocket(asio::ip::tcp::socket socket) : socket_(std::move(socket)) { socket_.non_blocking(true); }

  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_.lowest_layer(); }
  const lowest_layer_type& lowest_layer() const { return socket_.lowest_layer(); }
  asio::ip::tcp::socket& socket() { return socket_; }

  /// Every read from now on fails with timed_out once `deadline` passes.
  void set_read_deadline(SteadyClock::time_point deadline) { read_deadline_ = deadline; }
  /// Each write call may wait at most `timeout` for the peer to take bytes.
  void set_write_timeout(std::chrono::milliseconds timeout) { write_timeout_ = timeout; }

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    for (;;) {
      size_t n = socket_.read_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) {
        if (n > 0 && idle_) {
          idle_ = false;
          read_deadline_ = SteadyClock::now() + header_timeout_;
        }
        return n;
      }
      if (!wait(POLLIN, read_deadline_, ec)) return 0;
    }
  }
  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBuffers>
  size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    auto deadline = SteadyClock::now() + write_timeout_;
    for (;;) {
      size_t n = socket_.write_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) return n;
      if (!wait(POLLOUT, deadline, ec)) return 0;
    }
  }
  template <class ConstBuffers>
  size_t write_some(const ConstBuffers& buffers) {
    boost::system::error_code ec;
    size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  /// Idle mode, for the wait before a request: reads may wait until `idle_deadline`, and fail with
  /// operation_aborted as soon as `stop_fd` becomes readable (server shutdown). The first byte received ends
  /// idle mode and gives the rest of the header section until now + `header_timeout`. Bytes already available
  /// win over a stop, so a request that was sent is still answered.
  void arm_idle(SteadyClock::time_point idle_deadline, std::chrono::milliseconds header_timeout, int stop_fd) {
    idle_ = true;
    read_deadline_ = idle_deadline;
    header_timeout_ = header_timeout;
    stop_fd_ = stop_fd;
  }
  void disarm_idle() { idle_ = false; }

 private:
  static int remaining_ms(SteadyClock::time_point now, SteadyClock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    return ms > 60000 ? 60000 : int(ms);
  }

  bool wait(short events, SteadyClock::time_point deadline, boost::system::error_code& ec) {
    for (;;) {
      auto now = SteadyClock::now();
      if (now >= deadline) {
        ec = asio::error::timed_out;
        return false;
      }
      bool watch_stop = idle_ && stop_fd_ >= 0 && events == POLLIN;
      pollfd p[2] = {{socket_.native_handle(), events, 0}, {stop_fd_, POLLIN, 0}};
      int r = ::poll(p, watch_stop ? 2 : 1, remaining_ms(now, deadline));
      if (r > 0 && p[0].revents) {
        ec = {};
        return true;
      }
      if (r > 0 && watch_stop && p[1].revents) {
        ec = asio::error::operation_aborted;
        return false;
      }
      if (r < 0 && errno != EINTR) {
        ec = boost::system::error_code(errno, boost::system::system_category());
        return false;
      }
    }
  }

  asio::ip::tcp::socket socket_;
  SteadyClock::time_point read_deadline_ = SteadyClock::time_point::max();
  std::chrono::milliseconds write_timeout_{60000};
  bool idle_ = false;
  std::chrono::milliseconds header_timeout_{30000};
  int stop_fd_ = -1;
};

}  // namespace podbucket::http::detail
