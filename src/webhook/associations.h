#pragma once
// Which service accounts have a pod identity association: the webhook injects only into their pods.
// The real webhook reads a file `{"identities":[{"namespace":…,"serviceAccount":…}]}` that EKS keeps current
// (spec 0.2); podbucket's webhook either reads that file or asks the podbucket server itself
// (EKS ListPodIdentityAssociations for the cluster, signed for service "eks"), refreshed periodically.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "core/clock.h"
#include "core/result.h"
#include "http/client.h"
#include "sigv4/sign.h"

namespace podbucket::webhook {

/// (namespace, service account) pairs.
using IdentitySet = std::set<std::pair<std::string, std::string>>;

/// The lookup the webhook asks. Implementations are thread-safe.
class AssociationSource {
 public:
  virtual ~AssociationSource() = default;
  /// True when (namespace, service_account) has an association.
  virtual bool has(std::string_view namespace_name, std::string_view service_account) const = 0;
};

/// A fixed set, replaceable at any time (tests; the file form).
class StaticAssociations final : public AssociationSource {
 public:
  explicit StaticAssociations(IdentitySet identities = {});
  bool has(std::string_view namespace_name, std::string_view service_account) const override;
  void replace(IdentitySet identities);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const IdentitySet> set_;  // GUARDED_BY(mu_)
};

/// Parses the real webhook's container-credentials config file. An empty document clears the set.
/// InvalidArgument when it is not JSON of that shape.
core::Result<IdentitySet> parse_identities_file(std::string_view text);

/// Parses one ListPodIdentityAssociations page into `out`; returns its nextToken ("" for the last page).
/// InvalidArgument when the body is not that shape.
core::Result<std::string> parse_association_page(std::string_view body, IdentitySet& out);

using CredentialsSource = std::function<core::Result<sigv4::Credentials>()>;

struct EksAssociationsOptions {
  std::string endpoint;  // the podbucket server's URL (EKS API)
  std::string cluster;
  std::string region = "us-east-1";
  std::chrono::milliseconds refresh_interval{30'000};
  http::ClientOptions client{std::chrono::milliseconds(2000), std::chrono::milliseconds(5000)};
};

/// The associations of one cluster, fetched from the podbucket server. refresh() fetches all pages now;
/// start() also refreshes every refresh_interval on a background thread. A failed refresh keeps the last good
/// set (and is logged without secrets).
class EksAssociations final : public AssociationSource {
 public:
  /// Throws std::invalid_argument for a bad endpoint URL.
  EksAssociations(EksAssociationsOptions options, CredentialsSource credentials, const core::Clock& clock);
  ~EksAssociations() override;

  bool has(std::string_view namespace_name, std::string_view service_account) const override;
  /// Fetches every page. Errors: the server's status and code (for example ResourceNotFoundException when the
  /// cluster does not exist) or the transport's.
  core::Result<size_t> refresh();
  /// True after one successful refresh.
  bool ready() const { return ready_; }
  void start();
  void stop();

 private:
  EksAssociationsOptions options_;
  http::Endpoint endpoint_;
  CredentialsSource credentials_;
  const core::Clock& clock_;
  StaticAssociations current_;
  std::atomic<bool> ready_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
};

}  // namespace podbucket::webhook
