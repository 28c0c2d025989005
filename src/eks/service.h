#pragma once
// EksService: the EKS control-plane API (signing name "eks", REST-JSON, botocore eks/2017-11-01) as `aws eks`
// and Terraform send it: clusters, add-ons, pod identity associations; plus podbucket's root-only admin routes
// under /_podbucket/ (token minting for `podbucket token`, key rotation, external clusters for
// `podbucket cluster add`). The dispatcher has verified SigV4 (scope service "eks") before handle().
//
// Authorization: every EKS operation needs its eks:* action on the cluster, association or add-on ARN (root
// always passes); CreatePodIdentityAssociation and UpdatePodIdentityAssociation also need iam:PassRole on the
// role. Denials are AccessDeniedException 403. Errors render as rest-json (api/render_error kRestJson).
#include "core/random.h"
#include "core/result.h"
#include "eks/addons.h"
#include "eks/associations.h"
#include "eks/clusters.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "iam/directory.h"

namespace podbucket::eks {

class EksService {
 public:
  /// All references outlive the service. Thread-safe.
  EksService(ClusterRegistry& clusters, AssociationStore& associations, AddonStore& addons,
             iam::Directory& directory, iam::Authorizer& authorizer, core::Random& random);

  /// Serves one request (body unread). Errors: the EKS catalog (eks/errors.h): NotFoundException for an unknown
  /// route, AccessDeniedException, InvalidParameterException, InvalidRequestException, ResourceNotFoundException,
  /// ResourceInUseException, ResourceLimitExceededException. Throws store::Unavailable.
  core::Result<http::Response> handle(const iam::Call& call, http::Request& req);

 private:
  ClusterRegistry& clusters_;
  AssociationStore& associations_;
  AddonStore& addons_;
  iam::Directory& directory_;
  iam::Authorizer& authorizer_;
  core::Random& random_;
};

}  // namespace podbucket::eks
