// The in-memory Metadata backend: ordered maps behind one mutex. Used by unit tests and `serve --ephemeral`.
// Semantics are pinned by store/conformance/; the SQLite backend behaves identically.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "store/metadata.h"
#include "store/preconditions.h"

namespace podbucket::store {
namespace {

constexpr std::string_view kNullVersion = "null";

/// One stored version with its write sequence number (higher = newer).
struct Version {
  uint64_t seq = 0;
  ObjectRecord record;
};

struct BucketState {
  BucketRecord record;
  std::map<std::string, std::string, std::less<>> configs;
  /// key -> versions, oldest first (back() is current). Keys with no versions are erased.
  std::map<std::string, std::vector<Version>, std::less<>> objects;
  /// (key, seq, upload_id) of in-progress uploads, in listing order.
  std::set<std::tuple<std::string, uint64_t, std::string>> uploads;
};

struct UploadState {
  UploadRecord record;
  uint64_t seq = 0;
  std::map<int, PartRecord> parts;
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

class MemoryMetadata final : public Metadata {
 public:
  CreateOutcome create_bucket(const BucketRecord& bucket) override {
    std::lock_guard lock(mu_);
    auto [it, inserted] = buckets_.try_emplace(bucket.name);
    if (!inserted) return CreateOutcome::kAlreadyExists;
    it->second.record = bucket;
    return CreateOutcome::kCreated;
  }

  std::optional<BucketRecord> find_bucket(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) return std::nullopt;
    return it->second.record;
  }

  std::vector<BucketRecord> list_buckets() override {
    std::lock_guard lock(mu_);
    std::vector<BucketRecord> out;
    out.reserve(buckets_.size());
    for (const auto& [name, state] : buckets_) out.push_back(state.record);
    return out;
  }

  bool update_bucket(const BucketRecord& bucket) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(bucket.name);
    if (it == buckets_.end()) return false;
    it->second.record = bucket;
    return true;
  }

  DeleteBucketOutcome delete_bucket(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) return DeleteBucketOutcome::kNotFound;
    if (!it->second.objects.empty() || !it->second.uploads.empty()) return DeleteBucketOutcome::kNotEmpty;
    buckets_.erase(it);
    return DeleteBucketOutcome::kDeleted;
  }

  bool put_bucket_config(std::string_view bucket, std::string_view kind, std::string_view document) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return false;
    it->second.configs.insert_or_assign(std::string(kind), std::string(document));
    return true;
  }

  std::optional<std::string> get_bucket_config(std::string_view bucket, std::string_view kind) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return std::nullopt;
    auto config = it->second.configs.find(kind);
    if (config == it->second.configs.end()) return std::nullopt;
    return config->second;
  }

  bool delete_bucket_config(std::string_view bucket, std::string_view kind) override {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return false;
    auto config = it->second.configs.find(kind);
    if (config == it->second.configs.end()) return false;
    it->second.configs.erase(config);
    return true;
  }

  PutOutcome put_object(const ObjectRecord& object, const PutOptions& options) override {
    std::lock_guard lock(mu_);
    return put_locked(object, options);
  }

  std::optional<ObjectRecord> find_object(std::string_view bucket, std::string_view key,
                                          std::string_view version_id) override {
    std::lock_guard lock(mu_);
    auto* versions = versions_of(bucket, key);
    if (versions == nullptr) return std::nullopt;
    for (size_t i = 0; i < versions->size(); ++i) {
      const auto& v = (*versions)[i];
      bool latest = i + 1 == versions->size();
      if (version_id.empty() ? latest : v.record.version_id == version_id) return with_latest(v.record, latest);
    }
    return std::nullopt;
  }

  std::optional<ObjectRecord> delete_object_version(std::string_view bucket, std::string_view key,
                                                    std::string_view version_id) override {
    std::lock_guard lock(mu_);
    auto b = buckets_.find(bucket);
    if (b == buckets_.end()) return std::nullopt;
    auto k = b->second.objects.find(key);
    if (k == b->second.objects.end()) return std::nullopt;
    auto& versions = k->second;
    for (size_t i = 0; i < versions.size(); ++i) {
      if (versions[i].record.version_id != version_id) continue;
      ObjectRecord removed = with_latest(std::move(versions[i].record), i + 1 == versions.size());
      versions.erase(versions.begin() + static_cast<ptrdiff_t>(i));
      if (versions.empty()) b->second.objects.erase(k);
      return removed;
    }
    return std::nullopt;
  }

  bool set_object_tags(std::string_view bucket, std::string_view key, std::string_view version_id,
                       const std::map<std::string, std::string>& tags) override {
    std::lock_guard lock(mu_);
    auto* versions = versions_of(bucket, key);
    if (versions == nullptr) return false;
    if (version_id.empty()) {
      versions->back().record.tags = tags;
      return true;
    }
    for (auto& v : *versions) {
      if (v.record.version_id == version_id) {
        v.record.tags = tags;
        return true;
      }
    }
    return false;
  }

  std::vector<ObjectRecord> list_objects(std::string_view bucket, const ObjectListQuery& query) override {
    std::lock_guard lock(mu_);
    std::vector<ObjectRecord> out;
    auto b = buckets_.find(bucket);
    if (b == buckets_.end() || query.limit == 0) return out;
    const auto& objects = b->second.objects;
    auto it = query.after >= query.prefix ? objects.upper_bound(query.after) : objects.lower_bound(query.prefix);
    for (; it != objects.end() && out.size() < query.limit; ++it) {
      if (!starts_with(it->first, query.prefix)) break;
      const auto& current = it->second.back().record;
      if (current.delete_marker) continue;
      out.push_back(with_latest(current, true));
    }
    return out;
  }

  std::vector<ObjectRecord> list_versions(std::string_view bucket, const VersionListQuery& query) override {
    std::lock_guard lock(mu_);
    std::vector<ObjectRecord> out;
    auto b = buckets_.find(bucket);
    if (b == buckets_.end() || query.limit == 0) return out;
    const auto& objects = b->second.objects;
    auto emit = [&](const std::vector<Version>& versions, size_t end) {
      // Newest first: indices end-1 down to 0.
      for (size_t i = end; i-- > 0 && out.size() < query.limit;) {
        out.push_back(with_latest(versions[i].record, i + 1 == versions.size()));
      }
    };
    auto it = objects.begin();
    if (!query.key_marker.empty()) {
      it = objects.lower_bound(query.key_marker);
      if (it != objects.end() && it->first == query.key_marker) {
        if (!query.version_id_marker.empty() && starts_with(it->first, query.prefix)) {
          // Continue within the marker key after the marker version (newest first); a vanished marker version
          // restarts the key.
          const auto& versions = it->second;
          size_t end = versions.size();
          for (size_t i = 0; i < versions.size(); ++i) {
            if (versions[i].record.version_id == query.version_id_marker) end = i;
          }
          emit(versions, end);
        }
        ++it;
      }
    }
    if (it != objects.end() && it->first < query.prefix) it = objects.lower_bound(query.prefix);
    for (; it != objects.end() && out.size() < query.limit; ++it) {
      if (!starts_with(it->first, query.prefix)) break;
      emit(it->second, it->second.size());
    }
    return out;
  }

  void create_upload(const UploadRecord& upload) override {
    std::lock_guard lock(mu_);
    auto b = buckets_.find(upload.bucket);
    if (b == buckets_.end()) throw Unavailable("create_upload: bucket vanished: " + upload.bucket);
    if (uploads_.contains(upload.upload_id)) throw Unavailable("create_upload: duplicate upload id");
    uint64_t seq = ++seq_;
    uploads_.emplace(upload.upload_id, UploadState{upload, seq, {}});
    b->second.uploads.emplace(upload.key, seq, upload.upload_id);
  }

  std::optional<UploadRecord> find_upload(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id) override {
    std::lock_guard lock(mu_);
    auto it = uploads_.find(upload_id);
    if (it == uploads_.end() || it->second.record.bucket != bucket || it->second.record.key != key) {
      return std::nullopt;
    }
    return it->second.record;
  }

  PutPartOutcome put_part(const PartRecord& part) override {
    std::lock_guard lock(mu_);
    PutPartOutcome out;
    auto it = uploads_.find(part.upload_id);
    if (it == uploads_.end()) return out;
    out.stored = true;
    auto [slot, inserted] = it->second.parts.try_emplace(part.part_number, part);
    if (!inserted) {
      out.replaced = std::move(slot->second);
      slot->second = part;
    }
    return out;
  }

  std::vector<PartRecord> list_parts(std::string_view upload_id, int after, size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<PartRecord> out;
    auto it = uploads_.find(upload_id);
    if (it == uploads_.end()) return out;
    for (auto p = it->second.parts.upper_bound(after); p != it->second.parts.end() && out.size() < limit; ++p) {
      out.push_back(p->second);
    }
    return out;
  }

  std::vector<UploadRecord> list_uploads(std::string_view bucket, const UploadListQuery& query) override {
    std::lock_guard lock(mu_);
    std::vector<UploadRecord> out;
    auto b = buckets_.find(bucket);
    if (b == buckets_.end() || query.limit == 0) return out;
    const auto& index = b->second.uploads;
    auto it = index.begin();
    if (!query.key_marker.empty()) {
      // Strictly after (key_marker, upload_id_marker). An empty upload_id_marker skips the whole marker key; a
      // marker upload that has vanished restarts the key.
      if (query.upload_id_marker.empty()) {
        it = index.lower_bound(std::make_tuple(query.key_marker + '\0', uint64_t{0}, std::string()));
      } else {
        uint64_t after_seq = 0;
        auto marker = uploads_.find(query.upload_id_marker);
        if (marker != uploads_.end() && marker->second.record.bucket == bucket &&
            marker->second.record.key == query.key_marker) {
          after_seq = marker->second.seq;
        }
        it = index.lower_bound(std::make_tuple(query.key_marker, after_seq + 1, std::string()));
      }
    }
    if (it != index.end() && std::get<0>(*it) < query.prefix) {
      it = index.lower_bound(std::make_tuple(query.prefix, uint64_t{0}, std::string()));
    }
    for (; it != index.end() && out.size() < query.limit; ++it) {
      if (!starts_with(std::get<0>(*it), query.prefix)) break;
      out.push_back(uploads_.at(std::get<2>(*it)).record);
    }
    return out;
  }

  std::optional<CompleteOutcome> complete_upload(std::string_view upload_id, const ObjectRecord& object,
                                                 const PutOptions& options) override {
    std::lock_guard lock(mu_);
    auto it = uploads_.find(upload_id);
    if (it == uploads_.end()) return std::nullopt;
    CompleteOutcome out;
    std::vector<PartRecord> current;
    for (const auto& [number, part] : it->second.parts) current.push_back(part);
    if (!segments_are_parts(object.segments, current)) {
      out.status = CompleteStatus::kPartsChanged;
      return out;
    }
    out.put = put_locked(object, options);
    if (out.put.status != PutStatus::kStored) return out;
    std::set<std::string_view> used;
    for (const auto& segment : object.segments) used.insert(segment.blob_id);
    for (auto& [number, part] : it->second.parts) {
      if (!used.contains(part.blob_id)) out.unused_parts.push_back(std::move(part));
    }
    erase_upload(it);
    return out;
  }

  std::optional<std::vector<PartRecord>> abort_upload(std::string_view upload_id) override {
    std::lock_guard lock(mu_);
    auto it = uploads_.find(upload_id);
    if (it == uploads_.end()) return std::nullopt;
    std::vector<PartRecord> parts;
    for (auto& [number, part] : it->second.parts) parts.push_back(std::move(part));
    erase_upload(it);
    return parts;
  }

  void for_each_blob_id(const std::function<void(const std::string&)>& visit) override {
    std::lock_guard lock(mu_);
    for (const auto& [name, bucket] : buckets_) {
      for (const auto& [key, versions] : bucket.objects) {
        for (const auto& v : versions) {
          for (const auto& segment : v.record.segments) visit(segment.blob_id);
        }
      }
    }
    for (const auto& [id, upload] : uploads_) {
      for (const auto& [number, part] : upload.parts) visit(part.blob_id);
    }
  }

 private:
  using Uploads = std::map<std::string, UploadState, std::less<>>;

  static ObjectRecord with_latest(ObjectRecord record, bool latest) {
    record.is_latest = latest;
    return record;
  }

  std::vector<Version>* versions_of(std::string_view bucket, std::string_view key) {
    auto b = buckets_.find(bucket);
    if (b == buckets_.end()) return nullptr;
    auto k = b->second.objects.find(key);
    if (k == b->second.objects.end()) return nullptr;
    return &k->second;
  }

  PutOutcome put_locked(const ObjectRecord& object, const PutOptions& options) {
    PutOutcome out;
    auto b = buckets_.find(object.bucket);
    if (b == buckets_.end()) {
      out.status = PutStatus::kNoSuchBucket;
      return out;
    }
    auto& versions = b->second.objects[object.key];
    const ObjectRecord* current = versions.empty() ? nullptr : &versions.back().record;
    if (!preconditions_hold(current, options)) {
      if (versions.empty()) b->second.objects.erase(object.key);
      out.status = PutStatus::kPreconditionFailed;
      return out;
    }
    // A version with the same id is always replaced; unversioned and suspended writes also replace "null".
    const bool replace_null = options.versioning != Versioning::kEnabled;
    for (size_t i = 0; i < versions.size();) {
      const auto& id = versions[i].record.version_id;
      if (id == object.version_id || (replace_null && id == kNullVersion)) {
        out.replaced.push_back(with_latest(std::move(versions[i].record), i + 1 == versions.size()));
        versions.erase(versions.begin() + static_cast<ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    versions.push_back(Version{++seq_, with_latest(object, false)});
    return out;
  }

  void erase_upload(Uploads::iterator it) {
    auto b = buckets_.find(it->second.record.bucket);
    if (b != buckets_.end()) b->second.uploads.erase({it->second.record.key, it->second.seq, it->first});
    uploads_.erase(it);
  }

  std::mutex mu_;
  std::map<std::string, BucketState, std::less<>> buckets_;  // GUARDED_BY(mu_)
  Uploads uploads_;                                          // GUARDED_BY(mu_)
  uint64_t seq_ = 0;                                         // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<Metadata> make_memory_metadata() { return std::make_unique<MemoryMetadata>(); }

}  // namespace podbucket::store
