#pragma once
// Identifier and ARN formats of the EKS APIs, and the Kubernetes name rules the API checks.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name pattern)
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
#include <string>
#include <string_view>

#include "core/random.h"

namespace podbucket::eks {

/// EKS cluster names: 1..100 characters, [0-9A-Za-z][A-Za-z0-9-_]*.
bool valid_cluster_name(std::string_view name);
/// A Kubernetes namespace name (RFC 1123 label): 1..63 of [a-z0-9-], starting and ending alphanumeric.
bool valid_namespace(std::string_view name);
/// A Kubernetes object name such as a service account or pod (RFC 1123 subdomain): 1..253 of [a-z0-9-.],
/// starting and ending alphanumeric.
bool valid_k8s_name(std::string_view name);

/// A random (version 4) UUID in lower case: "0f8fad5b-d9cb-469f-a165-70867728950e".
std::string new_uuid(core::Random& random);
/// A UUID derived from `seed` (SHA-256, version 5 layout): stable identities such as a service account's uid.
std::string stable_uuid(std::string_view seed);
/// "a-" + 17 of [a-z0-9], an association id.
std::string new_association_id(core::Random& random);

/// arn:aws:eks:REGION:ACCOUNT:cluster/NAME
std::string cluster_arn(std::string_view region, std::string_view account, std::string_view cluster);
/// arn:aws:eks:REGION:ACCOUNT:podidentityassociation/CLUSTER/ID
std::string association_arn(std::string_view region, std::string_view account, std::string_view cluster,
                            std::string_view id);
/// arn:aws:eks:REGION:ACCOUNT:addon/CLUSTER/ADDON/UUID
std::string addon_arn(std::string_view region, std::string_view account, std::string_view cluster,
                      std::string_view addon, std::string_view uuid);

/// True for an IAM role ARN: arn:aws:iam::<12 digits>:role/<path and name>.
bool is_role_arn(std::string_view arn);

}  // namespace podbucket::eks
