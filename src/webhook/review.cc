#include "webhook/review.h"

#include "core/encoding.h"

namespace podbucket::webhook {
namespace {

using ojson = nlohmann::ordered_json;

ojson envelope(ojson response) {
  return ojson{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", std::move(response)}};
}

std::string uid_of(const ojson& review) {
  if (!review.is_object() || !review.contains("request") || !review["request"].is_object()) return "";
  const auto& req = review["request"];
  return req.contains("uid") && req["uid"].is_string() ? req["uid"].get<std::string>() : "";
}

ojson denied(const std::string& uid, const std::string& message) {
  return envelope(ojson{{"uid", uid}, {"allowed", false}, {"status", {{"message", message}}}});
}

http::Response json_response(const ojson& body) {
  http::Response res;
  res.headers.set("Content-Type", "application/json");
  res.body = body.dump();
  return res;
}

http::Response text(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.headers.set("Content-Type", "text/plain; charset=utf-8");
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.body = std::move(body);
  return res;
}

}  // namespace

ojson review_response(const ojson& review, const AssociationSource& associations, const InjectionConfig& config,
                      core::Random& random) {
  std::string uid = uid_of(review);
  if (!review.is_object() || !review.contains("request") || !review["request"].is_object()) {
    return denied(uid, "bad content");
  }
  const ojson& req = review["request"];
  if (!req.contains("object") || !req["object"].is_object()) return denied(uid, "bad content");
  const ojson& pod = req["object"];
  ojson allowed{{"uid", uid}, {"allowed", true}};

  const ojson empty = ojson::object();
  const ojson& meta = pod.contains("metadata") && pod["metadata"].is_object() ? pod["metadata"] : empty;
  if (meta.contains("labels") && meta["labels"].is_object() && meta["labels"].contains(kSkipLabel)) {
    return envelope(allowed);
  }
  std::string ns = req.contains("namespace") && req["namespace"].is_string() ? req["namespace"].get<std::string>()
                                                                               : "";
  if (ns.empty() && meta.contains("namespace") && meta["namespace"].is_string()) ns = meta["namespace"];
  std::string sa;
  if (pod.contains("spec") && pod["spec"].is_object() && pod["spec"].contains("serviceAccountName") &&
      pod["spec"]["serviceAccountName"].is_string()) {
    sa = pod["spec"]["serviceAccountName"].get<std::string>();
  }
  if (sa.empty()) sa = "default";
  if (!associations.has(ns, sa)) return envelope(allowed);

  ojson patch = pod_patch(pod, config, random);
  if (patch.empty()) return envelope(allowed);
  allowed["patchType"] = "JSONPatch";
  allowed["patch"] = core::base64_encode(patch.dump());
  return envelope(allowed);
}

http::Response handle_request(http::Request& req, const AssociationSource& associations,
                              const InjectionConfig& config, core::Random& random) {
  if (req.path == "/healthz") return text(200, "ok");
  if (req.path != "/mutate") return text(404, "404 page not found\n");
  if (req.method != "POST") return text(405, "Method Not Allowed\n");
  if (req.headers.get("Content-Type").value_or("") != "application/json") {
    return text(415, "Invalid Content-Type, expected `application/json`\n");
  }
  auto body = http::read_all(*req.body, 4 << 20);
  if (!body) return text(413, "request body too large\n");
  auto review = ojson::parse(*body, nullptr, false);
  if (review.is_discarded()) return json_response(denied("", "couldn't decode the AdmissionReview: not JSON"));
  return json_response(review_response(review, associations, config, random));
}

}  // namespace podbucket::webhook
