#pragma once
// `podbucket gitlab values`: the GitLab Helm chart settings that point every component at podbucket with no keys
// (spec gitlab-object-storage.md section 3). A pure function from options to YAML text.
//
// Keyless means: no access key appears anywhere. Every pod runs as service account gitlab/gitlab-global, the Pod
// Identity association maps it to the role, and each client's default credential chain reads the container
// credentials the EKS webhook injects (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "gitlab/layout.h"

namespace podbucket::gitlab {

/// Which part of the output to print.
enum class ValuesPart {
  kAll,              // the Helm values, then the ServiceAccount and the two Secrets as Kubernetes manifests
  kValues,           // only the Helm values (a values.yaml for `helm upgrade --install -f`)
  kManifests,        // only the ServiceAccount and the two Secrets (for `kubectl apply -f -`)
  kConnection,       // only the Rails connection secret's `connection` key (fog options)
  kRegistryStorage,  // only the registry storage secret's `config` key (driver config)
};

/// The registry's S3 storage driver: `s3` (aws-sdk-go v1) or `s3_v2` (aws-sdk-go-v2, GitLab registry >= 4.x).
enum class RegistryDriver { kS3, kS3V2 };

struct ValuesOptions {
  std::string endpoint = "http://127.0.0.1:9000";  // where the pods reach podbucket: http(s)://HOST[:PORT]
  std::string name_prefix = std::string(kDefaultNamePrefix);
  std::string region = "us-east-1";                 // the server's --region (the SigV4 scope region)
  RegistryDriver registry_driver = RegistryDriver::kS3;
  ValuesPart part = ValuesPart::kAll;
};

/// The Kubernetes names the output uses (chart defaults where the chart has one).
inline constexpr std::string_view kConnectionSecret = "gitlab-rails-storage";
inline constexpr std::string_view kConnectionSecretKey = "connection";
inline constexpr std::string_view kRegistrySecret = "registry-storage";
inline constexpr std::string_view kRegistrySecretKey = "config";

/// Renders the settings as YAML (field names exactly as the chart, fog and the registry driver spell them).
/// Errors (InvalidArgument 400): an endpoint that is not an http(s) URL without path, query or user info; a name
/// prefix that makes an invalid bucket name (S3 naming rules: 3-63 characters of a-z, 0-9, '-' and '.', starting
/// and ending with a letter or digit); a region that is not of the form [a-z0-9-]+.
core::Result<std::string> render_values(const ValuesOptions& options);

/// Parses a --part value: all, values, manifests, connection, registry-storage. nullopt for anything else.
std::optional<ValuesPart> parse_values_part(std::string_view text);

}  // namespace podbucket::gitlab
