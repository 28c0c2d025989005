#pragma once
// Store and disk latency for Prometheus (observe::metrics()):
//   podbucket_store_operation_duration_seconds{store,backend,op}  histogram: one store call, lock waits included
//       store="metadata" (meta.db) | "documents" (control.db) | "blobs"; backend="sqlite" | "fs";
//       op = the interface method ("put_object", "find_bucket", "commit", ...) or, for blobs, "write" (the
//       write(2) calls of a blob), "commit" (fdatasync + rename + directory fsync) and "read" (one pread batch)
//   podbucket_disk_sync_duration_seconds{kind}                      histogram: one fsync/fdatasync,
//       kind="file" (a blob's data) | "directory" (a new directory entry)
#include <memory>
#include <string_view>

#include "observe/metrics.h"
#include "store/documents.h"
#include "store/metadata.h"

namespace podbucket::store {

/// The latency histogram of one store operation. Look it up once (it is a registry lookup) and keep it.
observe::Histogram& operation_seconds(std::string_view store, std::string_view backend, std::string_view op);

/// The latency histogram of the disk syncs of `kind` ("file", "directory").
observe::Histogram& disk_sync_seconds(std::string_view kind);

/// `inner` with every call timed into operation_seconds("metadata", backend, method). Same contract as `inner`
/// (exceptions pass through, and the call is still timed).
std::unique_ptr<Metadata> timed(std::unique_ptr<Metadata> inner, std::string_view backend);

/// `inner` with every call timed into operation_seconds("documents", backend, method).
std::unique_ptr<Documents> timed(std::unique_ptr<Documents> inner, std::string_view backend);

}  // namespace podbucket::store
