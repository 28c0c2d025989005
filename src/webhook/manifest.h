#pragma once
// `podbucket webhook manifest`: the MutatingWebhookConfiguration that registers the webhook with a Kubernetes API
// server (spec 4.1: CREATE of v1 pods, failurePolicy Ignore, sideEffects None, objectSelector skipping pods
// labelled eks.amazonaws.com/skip-pod-identity-webhook), as YAML.
#include <cstdint>
#include <string>

namespace podbucket::webhook {

struct ManifestOptions {
  std::string name = "podbucket-pod-identity-webhook";
  std::string ca_bundle_pem;             // the PEM the API server should trust for the webhook (caBundle)
  std::string url;                       // https://HOST:PORT/mutate; when empty the service below is used
  std::string service_name = "podbucket-pod-identity-webhook";
  std::string service_namespace = "kube-system";
  uint16_t service_port = 443;
  int timeout_seconds = 10;
};

/// The YAML document. caBundle is the base64 of ca_bundle_pem.
std::string mutating_webhook_configuration(const ManifestOptions& options);

}  // namespace podbucket::webhook
