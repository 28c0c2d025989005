#pragma once
// The Pod Identity branch of the EKS pod identity webhook (spec 4.2, 4.3): which JSON patch a pod gets when its
// service account has an association. Follows aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go and its
// testdata/containercredentials/*.pod.yaml.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/random.h"

namespace podbucket::webhook {

/// Label and annotation names (prefix eks.amazonaws.com).
inline constexpr const char* kPodIdentityLabel = "eks.amazonaws.com/pod-identity";
inline constexpr const char* kSkipLabel = "eks.amazonaws.com/skip-pod-identity-webhook";
inline constexpr const char* kSkipContainersAnnotation = "eks.amazonaws.com/skip-containers";
inline constexpr const char* kTokenExpirationAnnotation = "eks.amazonaws.com/token-expiration";

/// What is injected; the defaults are the real webhook's.
struct InjectionConfig {
  std::string full_uri = "http://169.254.170.23/v1/credentials";            // --container-credentials-full-uri
  std::string mount_path = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";
  std::string token_path = "eks-pod-identity-token";                         // file name inside the mount
  std::string volume_name = "eks-pod-identity-token";
  std::string audience = "pods.eks.amazonaws.com";
  int64_t token_expiration = 86400;  // seconds (--token-expiration); the default is jittered, see pod_patch()
  std::string region;                // "" = no AWS_DEFAULT_REGION / AWS_REGION (--aws-default-region)
  bool sts_regional_endpoints = false;  // AWS_STS_REGIONAL_ENDPOINTS=regional (--sts-regional-endpoint)
};

/// The smallest expirationSeconds Kubernetes accepts; lower values are raised to it.
inline constexpr int64_t kMinTokenExpiration = 600;
/// The default expiration and the low end of its jitter.
inline constexpr int64_t kDefaultTokenExpiration = 86400;
inline constexpr int64_t kJitterFloor = 79200;

/// The JSON patch (an array of RFC 6902 "add" operations) for `pod`, a Pod object as the API server sends it,
/// whose service account has an association:
///   1. label eks.amazonaws.com/pod-identity=enabled (add /metadata/labels as a map when the pod has none);
///   2. the projected token volume (add /spec/volumes when there are none, else prepend at /spec/volumes/0),
///      unless a volume of that name exists; when that volume is not a projected service-account token the pod
///      gets no patch at all (the env would point at a token that does not exist);
///   3. add /spec/containers with the whole rewritten array, and 4. /spec/initContainers likewise when there
///      are init containers. Each container not listed in the eks.amazonaws.com/skip-containers annotation (CSV)
///      gets, appended after its own env, AWS_STS_REGIONAL_ENDPOINTS (if configured and absent), AWS_DEFAULT_REGION
///      and AWS_REGION (if configured and neither is present), AWS_CONTAINER_CREDENTIALS_FULL_URI and
///      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (if neither is present); and the read-only mount unless one of that
///      name or mount path exists or the container already had everything.
/// expirationSeconds: the eks.amazonaws.com/token-expiration pod annotation (integer) over
/// config.token_expiration, at least 600; exactly 86400 becomes a random value in [79200, 86400].
/// Pods with node selector kubernetes.io/os or beta.kubernetes.io/os = windows get the token file as
/// C:\var\run\...\eks-pod-identity-token. Returns an empty array when nothing would change.
nlohmann::ordered_json pod_patch(const nlohmann::ordered_json& pod, const InjectionConfig& config, core::Random& random);

}  // namespace podbucket::webhook
