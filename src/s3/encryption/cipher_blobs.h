#pragma once
// A store::Blobs that encrypts and decrypts on the way through, so that body/ (ingest_body, copy_range,
// open_segments) streams encrypted objects without knowing about keys: new blobs are sealed with the write key,
// and blobs with a read key are opened as their plaintext (chunked.h). Blobs without a key pass through as stored
// (objects written before encryption, or by a server without KMS).
#include <map>
#include <memory>
#include <string>
#include <cstdint>
#include <string_view>

#include "store/blobs.h"

namespace podbucket::s3::encryption {

/// Wraps `inner` (which must outlive it) for one request. The data keys it holds are wiped on destruction.
/// Not thread-safe while keys are being added; create/open are as thread-safe as `inner` afterwards.
class CipherBlobs final : public store::Blobs {
 public:
  explicit CipherBlobs(store::Blobs& inner) : inner_(inner) {}
  ~CipherBlobs() override;
  CipherBlobs(const CipherBlobs&) = delete;
  CipherBlobs& operator=(const CipherBlobs&) = delete;

  /// Blobs created from now on are encrypted with this 32-byte data key; empty = stored as given.
  void set_write_key(std::string key);
  /// open(blob_id) decrypts with this 32-byte data key, and fails (TamperedBlob) unless the blob holds exactly
  /// `plain_size` bytes of plaintext (the size its record gives).
  void add_read_key(std::string blob_id, std::string key, uint64_t plain_size);

  std::unique_ptr<store::BlobWriter> create() override;
  /// Throws what inner.open throws, and TamperedBlob when an encrypted blob has an impossible size.
  std::unique_ptr<store::BlobReader> open(std::string_view blob_id) override;
  void remove(std::string_view blob_id) override { inner_.remove(blob_id); }
  size_t sweep_orphans(const std::function<bool(std::string_view)>& is_referenced) override {
    return inner_.sweep_orphans(is_referenced);
  }

 private:
  store::Blobs& inner_;
  std::string write_key_;
  struct ReadKey {
    std::string key;
    uint64_t plain_size = 0;
  };
  std::map<std::string, ReadKey, std::less<>> read_keys_;
};

/// Overwrites a string holding key material before it is released.
void wipe(std::string& secret);

}  // namespace podbucket::s3::encryption
