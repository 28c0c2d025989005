#pragma once
// Small JSON documents for the control plane (IAM users, roles, policies, access keys; STS sessions; KMS keys and
// aliases; EKS clusters and associations), keyed by (collection, id). Low volume, read mostly: callers keep their
// own in-memory view and write through.
//
// Contract for every method: thread-safe; durable before returning (an acknowledged write survives kill -9);
// throws store::Unavailable when the backend fails.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/metadata.h"

namespace podbucket::store {

class Documents {
 public:
  virtual ~Documents() = default;

  /// One change: `body` set = insert or replace, nullopt = delete (absent is not an error).
  struct Write {
    std::string collection;
    std::string id;
    std::optional<std::string> body;
  };

  /// The document, or nullopt.
  virtual std::optional<std::string> get(std::string_view collection, std::string_view id) = 0;
  /// Every (id, body) of `collection` whose id starts with `prefix`, id ascending (binary order).
  virtual std::vector<std::pair<std::string, std::string>> list(std::string_view collection,
                                                                std::string_view prefix = {}) = 0;
  /// Applies all writes atomically, in order.
  virtual void commit(const std::vector<Write>& writes) = 0;
  /// Inserts only if (collection, id) is absent. Returns false, changing nothing, if it exists.
  virtual bool insert(std::string_view collection, std::string_view id, std::string_view body) = 0;
};

/// The in-memory backend (tests).
std::unique_ptr<Documents> make_memory_documents();
/// The SQLite backend at `path` (created if missing), WAL, synchronous=FULL. Throws Unavailable.
std::unique_ptr<Documents> make_sqlite_documents(const std::string& path);

}  // namespace podbucket::store
