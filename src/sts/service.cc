#include "sts/service.h"

#include "core/encoding.h"
#include "observe/credential_metrics.h"
#include "sts/errors.h"
#include "sts/params.h"
#include "sts/responses.h"
#include "observe/request_parameters.h"
#include "wire/query.h"

namespace podbucket::sts {

namespace {

constexpr std::string_view kVersion = "2011-06-15";

core::AwsError missing_token() {
  return core::AwsError(kMissingAuthenticationToken, "Request is missing Authentication Token");
}

AssumeRoleInput assume_role_input(const Form& f) {
  AssumeRoleInput in;
  in.role_arn = f.get("RoleArn");
  in.role_session_name = f.get("RoleSessionName");
  in.duration_seconds = f.get("DurationSeconds");
  in.policy = f.get("Policy");
  in.policy_arns = f.list("PolicyArns", ".arn");
  in.policy_arns_count = f.list_size("PolicyArns");
  in.tags = f.tags("Tags");
  in.tags_count = f.list_size("Tags");
  in.transitive_tag_keys = f.list("TransitiveTagKeys");
  in.transitive_tag_keys_count = f.list_size("TransitiveTagKeys");
  in.external_id = f.get("ExternalId");
  in.source_identity = f.get("SourceIdentity");
  return in;
}

WebIdentityInput web_identity_input(const Form& f) {
  WebIdentityInput in;
  in.role_arn = f.get("RoleArn");
  in.role_session_name = f.get("RoleSessionName");
  in.web_identity_token = f.get("WebIdentityToken");
  in.duration_seconds = f.get("DurationSeconds");
  in.policy = f.get("Policy");
  in.policy_arns = f.list("PolicyArns", ".arn");
  in.policy_arns_count = f.list_size("PolicyArns");
  return in;
}

}  // namespace

StsService::StsService(iam::Directory& directory, iam::Authorizer& authorizer, store::Documents& documents,
                       const core::Clock& clock, core::Random& random, std::string account_id,
                       const IdentityProviders* providers)
    : account_id_(std::move(account_id)),
      sessions_(documents, clock, random),
      assumer_(directory, authorizer, sessions_, providers, clock) {}

core::Result<http::Response> StsService::handle(const iam::Call& call, http::Request& req) {
  std::string raw;
  if (req.method == "POST") {
    auto body = http::read_all(*req.body, kMaxFormBody);
    if (!body)
      return core::AwsError(kValidationError,
                            "The request body is larger than " + std::to_string(kMaxFormBody) + " bytes.");
    raw = std::move(*body);
  } else {
    raw = req.raw_query;
  }
  auto query = wire::QueryParams::parse(raw, /*form=*/true);
  observe::record_form_parameters(query.entries());  // the audit trail's requestParameters (secrets redacted)
  Form form(std::move(query));
  auto action = form.get("Action");
  if (!action || action->empty()) return core::AwsError(kMissingAction, "Missing Action");
  observe::record_operation(*action);
  auto version = form.get("Version");
  if (version && *version != kVersion)
    return core::AwsError(kInvalidAction, "Could not find operation " + *action + " for version " + *version);

  const core::Principal& caller = call.caller;
  if (*action == "GetCallerIdentity") {
    // Needs no permission: an explicit Deny cannot stop it.
    if (caller.anonymous) return missing_token();
    return xml_response(caller_identity_xml(caller, call.request_id), call.request_id);
  }
  if (*action == "AssumeRole") {
    if (caller.anonymous) return missing_token();
    auto r = assumer_.assume_role(caller, call.facts, assume_role_input(form), call.request_id);
    if (!r) return r.error();
    static observe::Counter& issued = observe::credentials_issued("sts", "AssumeRole");
    issued.inc();
    return xml_response(assume_role_xml(*r, call.request_id), call.request_id);
  }
  if (*action == "AssumeRoleWithWebIdentity") {
    auto r = assumer_.assume_role_with_web_identity(call.facts, web_identity_input(form), call.request_id);
    if (!r) return r.error();
    static observe::Counter& issued = observe::credentials_issued("sts", "AssumeRoleWithWebIdentity");
    issued.inc();
    return xml_response(web_identity_xml(*r, call.request_id), call.request_id);
  }
  if (*action == "GetSessionToken") {
    if (caller.anonymous) return missing_token();
    auto r = assumer_.get_session_token(caller, form.get("DurationSeconds"));
    if (!r) return r.error();
    static observe::Counter& issued = observe::credentials_issued("sts", "GetSessionToken");
    issued.inc();
    return xml_response(session_token_xml(*r, call.request_id), call.request_id);
  }
  for (std::string_view known : {"AssumeRoleWithSAML", "AssumeRoot", "DecodeAuthorizationMessage",
                                 "GetAccessKeyInfo", "GetFederationToken", "GetDelegatedAccessToken",
                                 "GetWebIdentityToken"})
    if (*action == known)
      return core::AwsError(core::kNotImplemented, "podbucket does not implement STS " + *action + ".");
  return core::AwsError(kInvalidAction,
                        "Could not find operation " + *action + " for version " + (version ? *version : std::string(kVersion)));
}

}  // namespace podbucket::sts
