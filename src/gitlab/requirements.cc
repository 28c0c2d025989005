#include "gitlab/requirements.h"

namespace podbucket::gitlab {
namespace {

// Keys as GitLab writes them (the ARN only has to look like one GitLab really sends).
constexpr std::string_view kUploadTemp = "tmp/uploads/1700000000-4242-0001-9876-5c8e1f0a3b2d";
constexpr std::string_view kFinal = "@final/4e/07/4e07408562bedb8b60ce05c1decfe3ad";
constexpr std::string_view kBlob = "docker/registry/v2/blobs/sha256/4e/4e07408562bedb8b/data";
constexpr std::string_view kBackup = "1700000000_2023_11_14_16.5.1_gitlab_backup.tar";
constexpr std::string_view kStaged = "lfs.1700000000/4e/07/4e07408562bedb8b60ce05c1decfe3ad";
constexpr std::string_view kSourceObject = "4e/07/4e07408562bedb8b60ce05c1decfe3ad";

const std::vector<std::string_view> kObjectBuckets = {"lfs", "artifacts", "uploads", "packages"};
const std::vector<std::string_view> kBackedUp = {"registry", "lfs", "artifacts", "uploads", "packages"};

}  // namespace

const std::vector<Component>& components() {
  static const std::vector<Component> kComponents = {
      {"rails", "webservice and Sidekiq: fog-aws + CarrierWave (store, read, finalize direct uploads, presign)"},
      {"workhorse", "webservice's Workhorse: aws-sdk-go-v2 direct uploads, proxied downloads and artifact Range reads"},
      {"registry", "container registry: the S3 storage driver (blobs, manifests, resumable uploads, redirects)"},
      {"toolbox-backup", "toolbox backup-utility --s3tool awscli: dump every object bucket, upload and prune tarballs"},
      {"toolbox-restore", "toolbox backup-utility --s3tool awscli: fetch a tarball, stage current data, replace it"},
  };
  return kComponents;
}

const std::vector<Requirement>& requirements() {
  using enum Scope;
  static const std::vector<Requirement> kTable = {
      // ---- rails (fog-aws) ------------------------------------------------------------------------------------
      {"rails", "PutObject", "s3:PutObject", kObject, kObjectBuckets, kFinal,
       "stores uploads written by Rails itself (avatars, archived traces, package metadata)"},
      {"rails", "HeadObject/GetObject", "s3:GetObject", kObject, kObjectBuckets, kUploadTemp,
       "reads objects and checks Workhorse's temporary upload before finalizing it"},
      {"rails", "CopyObject", "s3:PutObject", kObject, kObjectBuckets, kFinal,
       "finalizes a direct upload: copies tmp/uploads/ID to its final key"},
      {"rails", "CreateMultipartUpload/UploadPartCopy/CompleteMultipartUpload", "s3:PutObject", kObject,
       kObjectBuckets, kFinal, "multi-threaded copy of large uploads (s3_multithreaded_uploads)"},
      {"rails", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, kObjectBuckets, kFinal,
       "aborts a failed multipart copy; without it the parts leak"},
      {"rails", "DeleteObject", "s3:DeleteObject", kObject, kObjectBuckets, kFinal,
       "deletes removed uploads, expired artifacts and LFS objects"},
      {"rails", "ListObjects", "s3:ListBucket", kBucket, kObjectBuckets, {},
       "cleanup and rake tasks list the bucket (fog get_bucket)"},
      // ---- workhorse (aws-sdk-go-v2) ----------------------------------------------------------------------
      {"workhorse", "PutObject/CreateMultipartUpload/UploadPart/CompleteMultipartUpload", "s3:PutObject", kObject,
       kObjectBuckets, kUploadTemp, "direct upload of git-lfs pushes, CI artifacts, attachments and packages"},
      {"workhorse", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, kObjectBuckets, kUploadTemp,
       "aborts an interrupted direct upload; without it the parts leak"},
      {"workhorse", "DeleteObject", "s3:DeleteObject", kObject, kObjectBuckets, kUploadTemp,
       "deletes the temporary upload once Rails has copied it"},
      {"workhorse", "GetObject (presigned, Range)", "s3:GetObject", kObject, kObjectBuckets, kFinal,
       "proxy_download and reading single files out of artifact ZIPs"},
      // ---- registry (distribution S3 driver) --------------------------------------------------------------
      {"registry", "ListObjects/ListObjectsV2", "s3:ListBucket", kBucket, {"registry"}, {},
       "stats paths and walks repositories"},
      {"registry", "ListMultipartUploads", "s3:ListBucketMultipartUploads", kBucket, {"registry"}, {},
       "finds the upload to resume a blob writer"},
      {"registry", "HeadObject/GetObject (presigned for redirects)", "s3:GetObject", kObject, {"registry"}, kBlob,
       "serves blobs and manifests"},
      {"registry", "PutObject/UploadPart/CompleteMultipartUpload/CopyObject", "s3:PutObject", kObject,
       {"registry"}, kBlob, "writes blobs in chunks and moves finished uploads into place"},
      {"registry", "ListParts", "s3:ListMultipartUploadParts", kObject, {"registry"}, kBlob,
       "resumes a blob writer"},
      {"registry", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, {"registry"}, kBlob,
       "cancels an upload"},
      {"registry", "DeleteObjects", "s3:DeleteObject", kObject, {"registry"}, kBlob,
       "cleans up finished uploads and garbage collection"},
      // ---- toolbox backup (backup-utility --s3tool awscli) ------------------------------------------------
      {"toolbox-backup", "HeadBucket/ListObjectsV2", "s3:ListBucket", kBucket, kBackedUp, {},
       "checks each bucket exists and lists it (aws s3 sync s3://BUCKET/ DIR)"},
      {"toolbox-backup", "GetObject", "s3:GetObject", kObject, kBackedUp, kSourceObject,
       "downloads every object into the backup"},
      {"toolbox-backup", "PutObject/CreateMultipartUpload/UploadPart/CompleteMultipartUpload", "s3:PutObject",
       kObject, {"backups"}, kBackup, "uploads the backup tarball (aws s3 cp, multipart)"},
      {"toolbox-backup", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, {"backups"}, kBackup,
       "aborts a failed tarball upload; without it the parts leak"},
      {"toolbox-backup", "ListObjectsV2", "s3:ListBucket", kBucket, {"backups"}, {},
       "prunes old backups (--maximum-backups: aws s3 ls); without it pruning fails with AccessDenied"},
      {"toolbox-backup", "DeleteObject", "s3:DeleteObject", kObject, {"backups"}, kBackup,
       "prunes old backups (aws s3 rm)"},
      // ---- toolbox restore --------------------------------------------------------------------------------
      {"toolbox-restore", "HeadObject/GetObject", "s3:GetObject", kObject, {"backups"}, kBackup,
       "fetches the backup tarball (aws s3 cp s3://BACKUPS/NAME)"},
      {"toolbox-restore", "ListObjectsV2", "s3:ListBucket", kBucket,
       {"registry", "lfs", "artifacts", "uploads", "packages", "tmp"}, {},
       "syncs current data to the staging bucket and empties each bucket (aws s3 sync, aws s3 rm --recursive)"},
      {"toolbox-restore", "CopyObject/UploadPartCopy", "s3:GetObject", kObject, kBackedUp, kSourceObject,
       "copies current data into the staging bucket (source side)"},
      {"toolbox-restore", "CopyObject/UploadPartCopy", "s3:PutObject", kObject, {"tmp"}, kStaged,
       "copies current data into the staging bucket (tmp, destination side)"},
      {"toolbox-restore", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, {"tmp"}, kStaged,
       "aborts a failed multipart copy into the staging bucket"},
      {"toolbox-restore", "DeleteObject", "s3:DeleteObject", kObject, kBackedUp, kSourceObject,
       "empties each bucket before the restore (aws s3 rm --recursive)"},
      {"toolbox-restore", "PutObject/CreateMultipartUpload/UploadPart/CompleteMultipartUpload", "s3:PutObject",
       kObject, kBackedUp, kSourceObject, "uploads the restored objects (aws s3 sync DIR s3://BUCKET/)"},
      {"toolbox-restore", "AbortMultipartUpload", "s3:AbortMultipartUpload", kObject, kBackedUp, kSourceObject,
       "aborts a failed multipart upload of a restored object"},
  };
  return kTable;
}

std::vector<Check> expand_checks(std::string_view name_prefix) {
  std::vector<Check> out;
  for (const auto& component : components()) {
    for (const auto& req : requirements()) {
      if (req.component != component.name) continue;
      for (auto suffix : req.buckets) {
        std::string bucket = std::string(name_prefix) + "-" + std::string(suffix);
        std::string resource = "arn:aws:s3:::" + bucket;
        if (req.scope == Scope::kObject) resource += "/" + std::string(req.key);
        out.push_back(Check{&req, bucket, std::move(resource)});
      }
    }
  }
  return out;
}

}  // namespace podbucket::gitlab
