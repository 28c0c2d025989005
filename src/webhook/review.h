#pragma once
// AdmissionReview v1 in, AdmissionReview v1 out (spec 4.1): the pure part of POST /mutate.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/random.h"
#include "http/message.h"
#include "webhook/associations.h"
#include "webhook/patch.h"

namespace podbucket::webhook {

/// Answers one AdmissionReview (the parsed request body). The response echoes request.uid with allowed: true;
/// it carries patchType JSONPatch and the base64 patch only when the pod is patched:
///   - the pod has the label eks.amazonaws.com/skip-pod-identity-webhook → no patch;
///   - (request.namespace, spec.serviceAccountName or "default") has no association → no patch;
///   - else pod_patch() (no patch when it is empty).
/// A review without request or object → allowed: false with status.message "bad content".
nlohmann::ordered_json review_response(const nlohmann::ordered_json& review, const AssociationSource& associations,
                                       const InjectionConfig& config, core::Random& random);

/// The HTTP side: POST /mutate with Content-Type exactly application/json (else 415 "Invalid Content-Type,
/// expected `application/json`"), a body up to 4 MiB that decodes as JSON (else an AdmissionReview with
/// allowed false and the decode error); GET /healthz → 200 "ok"; anything else 404.
http::Response handle_request(http::Request& req, const AssociationSource& associations,
                              const InjectionConfig& config, core::Random& random);

}  // namespace podbucket::webhook
