#include "sts/responses.h"

#include "core/time_format.h"
#include "wire/xml_writer.h"

namespace podbucket::sts {

namespace {

void credentials(wire::XmlWriter& w, const Credentials& c) {
  w.open("Credentials")
      .element("AccessKeyId", c.access_key_id)
      .element("SecretAccessKey", c.secret_access_key)
      .element("SessionToken", c.session_token)
      .element("Expiration", core::format_iso8601(c.expiration))
      .close();
}

void assumed_role_user(wire::XmlWriter& w, const core::Principal& p) {
  w.open("AssumedRoleUser").element("Arn", p.arn).element("AssumedRoleId", p.user_id).close();
}

void metadata(wire::XmlWriter& w, std::string_view request_id) {
  w.open("ResponseMetadata").element("RequestId", request_id).close();
}

}  // namespace

std::string assume_role_xml(const AssumedRole& r, std::string_view request_id) {
  wire::XmlWriter w;
  w.open("AssumeRoleResponse", kStsNamespace).open("AssumeRoleResult");
  assumed_role_user(w, r.session.principal);
  credentials(w, r.session.credentials);
  if (r.packed_policy_size) w.element("PackedPolicySize", std::to_string(*r.packed_policy_size));
  if (!r.session.source_identity.empty()) w.element("SourceIdentity", r.session.source_identity);
  w.close();
  metadata(w, request_id);
  w.close();
  return w.str();
}

std::string web_identity_xml(const AssumedRole& r, std::string_view request_id) {
  wire::XmlWriter w;
  w.open("AssumeRoleWithWebIdentityResponse", kStsNamespace).open("AssumeRoleWithWebIdentityResult");
  w.element("SubjectFromWebIdentityToken", r.subject);
  if (!r.audience.empty()) w.element("Audience", r.audience);
  assumed_role_user(w, r.session.principal);
  credentials(w, r.session.credentials);
  if (r.packed_policy_size) w.element("PackedPolicySize", std::to_string(*r.packed_policy_size));
  w.element("Provider", r.provider);
  w.close();
  metadata(w, request_id);
  w.close();
  return w.str();
}

std::string caller_identity_xml(const core::Principal& p, std::string_view request_id) {
  wire::XmlWriter w;
  w.open("GetCallerIdentityResponse", kStsNamespace)
      .open("GetCallerIdentityResult")
      .element("Arn", p.arn)
      .element("UserId", p.user_id)
      .element("Account", p.account_id)
      .close();
  metadata(w, request_id);
  w.close();
  return w.str();
}

std::string session_token_xml(const Session& s, std::string_view request_id) {
  wire::XmlWriter w;
  w.open("GetSessionTokenResponse", kStsNamespace).open("GetSessionTokenResult");
  credentials(w, s.credentials);
  w.close();
  metadata(w, request_id);
  w.close();
  return w.str();
}

http::Response xml_response(std::string body, std::string_view request_id) {
  http::Response res;
  res.status = 200;
  res.headers.set("x-amzn-RequestId", std::string(request_id));
  res.headers.set("Content-Type", "text/xml");
  res.body = std::move(body);
  return res;
}

}  // namespace podbucket::sts
