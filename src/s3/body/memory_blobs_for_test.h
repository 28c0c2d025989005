#pragma once
// Test-only: an in-memory store::Blobs that counts what exists, so tests can assert that failures leave nothing
// behind. Header-only so that both body/ and multipart/ tests can use it. Thread-safe.
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/blobs.h"

namespace podbucket::s3::body::testing {

class MemoryBlobs final : public store::Blobs {
 public:
  std::unique_ptr<store::BlobWriter> create() override { return std::make_unique<Writer>(*this); }

  std::unique_ptr<store::BlobReader> open(std::string_view blob_id) override {
    std::lock_guard lock(mu_);
    auto it = committed_.find(std::string(blob_id));
    if (it == committed_.end()) throw store::Unavailable("no blob " + std::string(blob_id));
    return std::make_unique<Reader>(it->second);
  }
  void remove(std::string_view blob_id) override {
    std::lock_guard lock(mu_);
    committed_.erase(std::string(blob_id));
  }
  size_t sweep_orphans(const std::function<bool(std::string_view)>& is_referenced) override {
    std::lock_guard lock(mu_);
    return std::erase_if(committed_, [&](const auto& e) { return !is_referenced(e.first); });
  }

  /// Committed blobs.
  size_t count() const {
    std::lock_guard lock(mu_);
    return committed_.size();
  }
  /// Writers alive (temp files that would exist on disk).
  size_t open_writers() const {
    std::lock_guard lock(mu_);
    return writers_;
  }
  std::string content(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = committed_.find(id);
    return it == committed_.end() ? std::string() : *it->second;
  }
  /// Replaces a committed blob's bytes (tests that tamper with stored data).
  void set_content(const std::string& id, std::string data) {
    std::lock_guard lock(mu_);
    committed_[id] = std::make_shared<std::string>(std::move(data));
  }
  /// Every committed blob's bytes, concatenated (tests that scan what is stored).
  std::string all_content() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [id, data] : committed_) out += *data;
    return out;
  }
  bool exists(const std::string& id) const {
    std::lock_guard lock(mu_);
    return committed_.count(id) != 0;
  }

 private:
  class Writer final : public store::BlobWriter {
   public:
    explicit Writer(MemoryBlobs& owner) : owner_(owner) {
      std::lock_guard lock(owner_.mu_);
      ++owner_.writers_;
    }
    ~Writer() override {
      std::lock_guard lock(owner_.mu_);
      --owner_.writers_;
    }
    void write(const char* data, size_t n) override { data_.append(data, n); }
    uint64_t size() const override { return data_.size(); }
    std::string commit() override {
      std::lock_guard lock(owner_.mu_);
      std::string id = "blob-" + std::to_string(++owner_.next_id_);
      owner_.committed_[id] = std::make_shared<std::string>(std::move(data_));
      return id;
    }

   private:
    MemoryBlobs& owner_;
    std::string data_;
  };

  class Reader final : public store::BlobReader {
   public:
    explicit Reader(std::shared_ptr<const std::string> data) : data_(std::move(data)) {}
    uint64_t size() const override { return data_->size(); }
    size_t read_at(uint64_t offset, char* buf, size_t n) const override {
      if (offset >= data_->size()) return 0;
      size_t k = std::min<uint64_t>(n, data_->size() - offset);
      std::memcpy(buf, data_->data() + offset, k);
      return k;
    }

   private:
    std::shared_ptr<const std::string> data_;
  };

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>> committed_;  // guarded by mu_
  size_t writers_ = 0;                                                    // guarded by mu_
  uint64_t next_id_ = 0;                                                  // guarded by mu_
};

}  // namespace podbucket::s3::body::testing
