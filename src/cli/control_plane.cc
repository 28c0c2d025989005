#include "cli/control_plane.h"

#include <spdlog/spdlog.h>

#include "iam/directory.h"
#include "iam/directory_authorizer.h"
#include "iam/key_lookup.h"
#include "iam/service.h"
#include "kms/root_key.h"
#include "kms/service.h"
#include "sts/service.h"
#include "crypto/hash.h"
#include "eks/addons.h"
#include "eks/associations.h"
#include "eks/auth_service.h"
#include "eks/clusters.h"
#include "eks/oidc.h"
#include "eks/service.h"

namespace podbucket::cli {

ControlPlaneStack::ControlPlaneStack(const ControlPlaneOptions& o, const core::Clock& clock, core::Random& random) {
  documents_ = store::make_sqlite_documents((o.data_dir / "control.db").string());
  directory_ = std::make_unique<iam::Directory>(*documents_, clock, random, o.account_id);
  authorizer_ = std::make_unique<iam::DirectoryAuthorizer>(*directory_);
  iam_ = std::make_unique<iam::IamService>(*directory_, *authorizer_, clock, random, o.account_id);

  auto key_file = o.kms_root_key_file.empty() ? o.data_dir / "kms-root-key" : o.kms_root_key_file;
  auto root_key = kms::load_root_key(key_file, random);
  if (root_key.generated) spdlog::info("generated a new KMS root key in {}: back it up", key_file.string());
  if (!root_key.warning.empty()) spdlog::warn("{}", root_key.warning);
  eks::Config eks_config;
  eks_config.account_id = o.account_id;
  eks_config.region = o.region;
  eks_config.key_wrapping_key = crypto::hmac_sha256(root_key.bytes, "podbucket eks signing keys");
  clusters_ = std::make_unique<eks::ClusterRegistry>(*documents_, clock, random, eks_config);
  sts_ = std::make_unique<sts::StsService>(*directory_, *authorizer_, *documents_, clock, random, o.account_id,
                                           clusters_.get());
  associations_ = std::make_unique<eks::AssociationStore>(*documents_, clock, random);
  addons_ = std::make_unique<eks::AddonStore>(*documents_, clock, random);
  eks_ = std::make_unique<eks::EksService>(*clusters_, *associations_, *addons_, *directory_, *authorizer_, random);
  eks_auth_ = std::make_unique<eks::EksAuthService>(*clusters_, *associations_, sts_->assumer(), *authorizer_, clock,
                                                    random);
  oidc_ = std::make_unique<eks::OidcDiscovery>(*clusters_);
  kms_ = std::make_unique<kms::KmsService>(*documents_, *authorizer_, clock, random, std::move(root_key.bytes),
                                           o.account_id, o.region);
}

ControlPlaneStack::~ControlPlaneStack() = default;

api::ControlPlane ControlPlaneStack::handlers() {
  api::ControlPlane c;
  c.authorizer = authorizer_.get();
  c.key_service = &kms_->key_service();
  c.iam = [this](const iam::Call& call, http::Request& req) { return iam_->handle(call, req); };
  c.sts = [this](const iam::Call& call, http::Request& req) { return sts_->handle(call, req); };
  c.kms = [this](const iam::Call& call, http::Request& req) { return kms_->handle(call, req); };
  c.eks = [this](const iam::Call& call, http::Request& req) { return eks_->handle(call, req); };
  c.eks_auth = [this](const iam::Call& call, http::Request& req) { return eks_auth_->handle(call, req); };
  c.oidc = [this](const http::Request& req) { return oidc_->handle(req); };
  return c;
}

std::vector<sigv4::KeyLookup> ControlPlaneStack::key_lookups() const {
  return {iam::user_key_lookup(*directory_), sts_->key_lookup()};
}

void ControlPlaneStack::set_public_endpoint(std::string endpoint) {
  clusters_->set_public_endpoint(std::move(endpoint));
}

}  // namespace podbucket::cli
