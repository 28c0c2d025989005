#pragma once
// A small pool of reader connections. WAL lets them read a consistent snapshot while the writer commits.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"

namespace podbucket::store::sqlite {

/// A fixed-size pool of reader connections, opened on demand. Thread-safe.
class ReaderPool {
 public:
  /// Opens at most `max_readers` connections to `path`, lazily; acquire() waits while all are in use.
  ReaderPool(std::string path, size_t max_readers) : path_(std::move(path)), max_readers_(max_readers) {}

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.release(std::move(conn_)); }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  Lease acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || opened_ < max_readers_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(conn));
    }
    ++opened_;
    lock.unlock();
    try {
      return Lease(*this, std::make_unique<Connection>(path_));
    } catch (...) {
      lock.lock();
      --opened_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
    cv_.notify_one();
  }

  const std::string path_;
  const size_t max_readers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  size_t opened_ = 0;                              // GUARDED_BY(mu_)
};

}  // namespace podbucket::store::sqlite
