#include "webhook/manifest.h"

#include "core/encoding.h"
#include "webhook/patch.h"

namespace podbucket::webhook {

std::string mutating_webhook_configuration(const ManifestOptions& o) {
  std::string client_config;
  if (!o.url.empty()) {
    client_config = "      url: \"" + o.url + "\"\n";
  } else {
    client_config = "      service:\n"
                    "        name: " + o.service_name + "\n"
                    "        namespace: " + o.service_namespace + "\n"
                    "        path: /mutate\n"
                    "        port: " + std::to_string(o.service_port) + "\n";
  }
  return "apiVersion: admissionregistration.k8s.io/v1\n"
         "kind: MutatingWebhookConfiguration\n"
         "metadata:\n"
         "  name: " + o.name + "\n"
         "webhooks:\n"
         "  - name: pod-identity-webhook.podbucket.io\n"
         "    admissionReviewVersions: [\"v1\"]\n"
         "    clientConfig:\n" + client_config +
         "      caBundle: " + core::base64_encode(o.ca_bundle_pem) + "\n"
         "    rules:\n"
         "      - operations: [\"CREATE\"]\n"
         "        apiGroups: [\"\"]\n"
         "        apiVersions: [\"v1\"]\n"
         "        resources: [\"pods\"]\n"
         "    failurePolicy: Ignore\n"
         "    sideEffects: None\n"
         "    timeoutSeconds: " + std::to_string(o.timeout_seconds) + "\n"
         "    objectSelector:\n"
         "      matchExpressions:\n"
         "        - key: " + std::string(kSkipLabel) + "\n"
         "          operator: DoesNotExist\n";
}

}  // namespace podbucket::webhook
