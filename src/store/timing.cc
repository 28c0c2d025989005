#include "store/timing.h"

#include <string>

namespace podbucket::store {
namespace {

using observe::Histogram;
using observe::ScopedTimer;

constexpr std::string_view kOperation = "podbucket_store_operation_duration_seconds";
constexpr std::string_view kOperationHelp = "Time of one metadata, document or blob store operation";
constexpr std::string_view kSync = "podbucket_disk_sync_duration_seconds";
constexpr std::string_view kSyncHelp = "Time of one fsync or fdatasync";

class TimedMetadata final : public Metadata {
 public:
  TimedMetadata(std::unique_ptr<Metadata> inner, std::string_view backend)
      : inner_(std::move(inner)),
        create_bucket_(op(backend, "create_bucket")),
        find_bucket_(op(backend, "find_bucket")),
        list_buckets_(op(backend, "list_buckets")),
        update_bucket_(op(backend, "update_bucket")),
        delete_bucket_(op(backend, "delete_bucket")),
        put_bucket_config_(op(backend, "put_bucket_config")),
        get_bucket_config_(op(backend, "get_bucket_config")),
        delete_bucket_config_(op(backend, "delete_bucket_config")),
        put_object_(op(backend, "put_object")),
        find_object_(op(backend, "find_object")),
        delete_object_version_(op(backend, "delete_object_version")),
        set_object_tags_(op(backend, "set_object_tags")),
        list_objects_(op(backend, "list_objects")),
        list_versions_(op(backend, "list_versions")),
        create_upload_(op(backend, "create_upload")),
        find_upload_(op(backend, "find_upload")),
        put_part_(op(backend, "put_part")),
        list_parts_(op(backend, "list_parts")),
        list_uploads_(op(backend, "list_uploads")),
        complete_upload_(op(backend, "complete_upload")),
        abort_upload_(op(backend, "abort_upload")),
        for_each_blob_id_(op(backend, "for_each_blob_id")) {}

  CreateOutcome create_bucket(const BucketRecord& bucket) override {
    ScopedTimer t(create_bucket_);
    return inner_->create_bucket(bucket);
  }
  std::optional<BucketRecord> find_bucket(std::string_view name) override {
    ScopedTimer t(find_bucket_);
    return inner_->find_bucket(name);
  }
  std::vector<BucketRecord> list_buckets() override {
    ScopedTimer t(list_buckets_);
    return inner_->list_buckets();
  }
  bool update_bucket(const BucketRecord& bucket) override {
    ScopedTimer t(update_bucket_);
    return inner_->update_bucket(bucket);
  }
  DeleteBucketOutcome delete_bucket(std::string_view name) override {
    ScopedTimer t(delete_bucket_);
    return inner_->delete_bucket(name);
  }
  bool put_bucket_config(std::string_view bucket, std::string_view kind, std::string_view document) override {
    ScopedTimer t(put_bucket_config_);
    return inner_->put_bucket_config(bucket, kind, document);
  }
  std::optional<std::string> get_bucket_config(std::string_view bucket, std::string_view kind) override {
    ScopedTimer t(get_bucket_config_);
    return inner_->get_bucket_config(bucket, kind);
  }
  bool delete_bucket_config(std::string_view bucket, std::string_view kind) override {
    ScopedTimer t(delete_bucket_config_);
    return inner_->delete_bucket_config(bucket, kind);
  }
  PutOutcome put_object(const ObjectRecord& object, const PutOptions& options) override {
    ScopedTimer t(put_object_);
    return inner_->put_object(object, options);
  }
  std::optional<ObjectRecord> find_object(std::string_view bucket, std::string_view key,
                                          std::string_view version_id) override {
    ScopedTimer t(find_object_);
    return inner_->find_object(bucket, key, version_id);
  }
  std::optional<ObjectRecord> delete_object_version(std::string_view bucket, std::string_view key,
                                                    std::string_view version_id) override {
    ScopedTimer t(delete_object_version_);
    return inner_->delete_object_version(bucket, key, version_id);
  }
  bool set_object_tags(std::string_view bucket, std::string_view key, std::string_view version_id,
                       const std::map<std::string, std::string>& tags) override {
    ScopedTimer t(set_object_tags_);
    return inner_->set_object_tags(bucket, key, version_id, tags);
  }
  std::vector<ObjectRecord> list_objects(std::string_view bucket, const ObjectListQuery& query) override {
    ScopedTimer t(list_objects_);
    return inner_->list_objects(bucket, query);
  }
  std::vector<ObjectRecord> list_versions(std::string_view bucket, const VersionListQuery& query) override {
    ScopedTimer t(list_versions_);
    return inner_->list_versions(bucket, query);
  }
  void create_upload(const UploadRecord& upload) override {
    ScopedTimer t(create_upload_);
    inner_->create_upload(upload);
  }
  std::optional<UploadRecord> find_upload(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id) override {
    ScopedTimer t(find_upload_);
    return inner_->find_upload(bucket, key, upload_id);
  }
  PutPartOutcome put_part(const PartRecord& part) override {
    ScopedTimer t(put_part_);
    return inner_->put_part(part);
  }
  std::vector<PartRecord> list_parts(std::string_view upload_id, int after, size_t limit) override {
    ScopedTimer t(list_parts_);
    return inner_->list_parts(upload_id, after, limit);
  }
  std::vector<UploadRecord> list_uploads(std::string_view bucket, const UploadListQuery& query) override {
    ScopedTimer t(list_uploads_);
    return inner_->list_uploads(bucket, query);
  }
  std::optional<CompleteOutcome> complete_upload(std::string_view upload_id, const ObjectRecord& object,
                                                 const PutOptions& options) override {
    ScopedTimer t(complete_upload_);
    return inner_->complete_upload(upload_id, object, options);
  }
  std::optional<std::vector<PartRecord>> abort_upload(std::string_view upload_id) override {
    ScopedTimer t(abort_upload_);
    return inner_->abort_upload(upload_id);
  }
  void for_each_blob_id(const std::function<void(const std::string&)>& visit) override {
    ScopedTimer t(for_each_blob_id_);
    inner_->for_each_blob_id(visit);
  }

 private:
  static Histogram& op(std::string_view backend, std::string_view name) {
    return operation_seconds("metadata", backend, name);
  }

  std::unique_ptr<Metadata> inner_;
  Histogram &create_bucket_, &find_bucket_, &list_buckets_, &update_bucket_, &delete_bucket_;
  Histogram &put_bucket_config_, &get_bucket_config_, &delete_bucket_config_;
  Histogram &put_object_, &find_object_, &delete_object_version_, &set_object_tags_, &list_objects_,
      &list_versions_;
  Histogram &create_upload_, &find_upload_, &put_part_, &list_parts_, &list_uploads_, &complete_upload_,
      &abort_upload_;
  Histogram& for_each_blob_id_;
};

class TimedDocuments final : public Documents {
 public:
  TimedDocuments(std::unique_ptr<Documents> inner, std::string_view backend)
      : inner_(std::move(inner)),
        get_(operation_seconds("documents", backend, "get")),
        list_(operation_seconds("documents", backend, "list")),
        commit_(operation_seconds("documents", backend, "commit")),
        insert_(operation_seconds("documents", backend, "insert")) {}

  std::optional<std::string> get(std::string_view collection, std::string_view id) override {
    ScopedTimer t(get_);
    return inner_->get(collection, id);
  }
  std::vector<std::pair<std::string, std::string>> list(std::string_view collection,
                                                        std::string_view prefix) override {
    ScopedTimer t(list_);
    return inner_->list(collection, prefix);
  }
  void commit(const std::vector<Write>& writes) override {
    ScopedTimer t(commit_);
    inner_->commit(writes);
  }
  bool insert(std::string_view collection, std::string_view id, std::string_view body) override {
    ScopedTimer t(insert_);
    return inner_->insert(collection, id, body);
  }

 private:
  std::unique_ptr<Documents> inner_;
  Histogram &get_, &list_, &commit_, &insert_;
};

}  // namespace

Histogram& operation_seconds(std::string_view store, std::string_view backend, std::string_view op) {
  return observe::metrics().histogram(
      kOperation, kOperationHelp,
      {{"store", std::string(store)}, {"backend", std::string(backend)}, {"op", std::string(op)}});
}

Histogram& disk_sync_seconds(std::string_view kind) {
  return observe::metrics().histogram(kSync, kSyncHelp, {{"kind", std::string(kind)}});
}

std::unique_ptr<Metadata> timed(std::unique_ptr<Metadata> inner, std::string_view backend) {
  return std::make_unique<TimedMetadata>(std::move(inner), backend);
}

std::unique_ptr<Documents> timed(std::unique_ptr<Documents> inner, std::string_view backend) {
  return std::make_unique<TimedDocuments>(std::move(inner), backend);
}

}  // namespace podbucket::store
