#include "s3/encryption/cipher_blobs.h"

#include "s3/encryption/chunked.h"

namespace podbucket::s3::encryption {

void wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (size_t i = 0; i < secret.size(); ++i) p[i] = 0;
  secret.clear();
}

CipherBlobs::~CipherBlobs() {
  wipe(write_key_);
  for (auto& [id, read] : read_keys_) wipe(read.key);
}

void CipherBlobs::set_write_key(std::string key) {
  wipe(write_key_);
  write_key_ = std::move(key);
}

void CipherBlobs::add_read_key(std::string blob_id, std::string key, uint64_t plain_size) {
  ReadKey& slot = read_keys_[std::move(blob_id)];
  wipe(slot.key);
  slot.key = std::move(key);
  slot.plain_size = plain_size;
}

std::unique_ptr<store::BlobWriter> CipherBlobs::create() {
  auto writer = inner_.create();
  if (write_key_.empty()) return writer;
  return std::make_unique<EncryptingWriter>(std::move(writer), write_key_);
}

std::unique_ptr<store::BlobReader> CipherBlobs::open(std::string_view blob_id) {
  auto reader = inner_.open(blob_id);
  auto it = read_keys_.find(blob_id);
  if (it == read_keys_.end()) return reader;
  return std::make_unique<DecryptingReader>(std::move(reader), it->second.key, it->second.plain_size);
}

}  // namespace podbucket::s3::encryption
