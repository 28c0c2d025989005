#pragma once
// The control plane of a running server: IAM, STS and KMS over the data dir's control.db, with the one
// Authorizer they and S3 share. Built once at start-up by `podbucket server`.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/dispatcher.h"
#include "core/clock.h"
#include "core/random.h"
#include "sigv4/verify.h"
#include "store/documents.h"

namespace podbucket::iam {
class Directory;
class DirectoryAuthorizer;
class IamService;
}  // namespace podbucket::iam
namespace podbucket::sts {
class StsService;
}
namespace podbucket::kms {
class KmsService;
}
namespace podbucket::eks {
class ClusterRegistry;
class AssociationStore;
class AddonStore;
class EksService;
class EksAuthService;
class OidcDiscovery;
}  // namespace podbucket::eks

namespace podbucket::cli {

struct ControlPlaneOptions {
  std::filesystem::path data_dir;
  std::filesystem::path kms_root_key_file;  // empty = DATA_DIR/kms-root-key (PODBUCKET_KMS_ROOT_KEY wins)
  std::string account_id;
  std::string region;
};

/// Owns the control-plane services. Not copyable; outlives the Dispatcher that routes to it.
class ControlPlaneStack {
 public:
  /// Opens DATA_DIR/control.db and the KMS root key (generated with mode 0600 on first start). Throws
  /// std::runtime_error (bad root key, a key store wrapped by another root key) or store::Unavailable.
  ControlPlaneStack(const ControlPlaneOptions& options, const core::Clock& clock, core::Random& random);
  ~ControlPlaneStack();
  ControlPlaneStack(const ControlPlaneStack&) = delete;
  ControlPlaneStack& operator=(const ControlPlaneStack&) = delete;

  /// The handlers and seams for api::Dispatcher. Valid while this object lives.
  api::ControlPlane handlers();
  /// Access-key sources beside the root user's: IAM users' keys, then STS sessions.
  std::vector<sigv4::KeyLookup> key_lookups() const;
  /// The IAM/STS/KMS/EKS document store (control.db), for the readiness check.
  store::Documents& documents() { return *documents_; }
  /// The base URL of local clusters' OIDC issuers, once the listening port is known.
  void set_public_endpoint(std::string endpoint);

 private:
  std::unique_ptr<store::Documents> documents_;
  std::unique_ptr<iam::Directory> directory_;
  std::unique_ptr<iam::DirectoryAuthorizer> authorizer_;
  std::unique_ptr<iam::IamService> iam_;
  std::unique_ptr<sts::StsService> sts_;
  std::unique_ptr<kms::KmsService> kms_;
  std::unique_ptr<eks::ClusterRegistry> clusters_;
  std::unique_ptr<eks::AssociationStore> associations_;
  std::unique_ptr<eks::AddonStore> addons_;
  std::unique_ptr<eks::EksService> eks_;
  std::unique_ptr<eks::EksAuthService> eks_auth_;
  std::unique_ptr<eks::OidcDiscovery> oidc_;
};

}  // namespace podbucket::cli
