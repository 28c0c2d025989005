#pragma once
// The XML bodies of successful STS responses (awsQuery: <ActionResponse xmlns=NS><ActionResult>...</ActionResult>
// <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>), element order as in the STS API reference
// examples. Errors are rendered elsewhere (api/render_error, kStsQuery).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Examples
#include <string>
#include <string_view>

#include "core/principal.h"
#include "http/message.h"
#include "sts/assume.h"
#include "sts/sessions.h"

namespace podbucket::sts {

inline constexpr std::string_view kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

/// AssumeRoleResponse: AssumedRoleUser{Arn, AssumedRoleId}, Credentials, PackedPolicySize (when set),
/// SourceIdentity (when set).
std::string assume_role_xml(const AssumedRole& result, std::string_view request_id);
/// AssumeRoleWithWebIdentityResponse: SubjectFromWebIdentityToken, Audience, AssumedRoleUser, Credentials,
/// PackedPolicySize (when set), Provider.
std::string web_identity_xml(const AssumedRole& result, std::string_view request_id);
/// GetCallerIdentityResponse: Arn, UserId, Account of `caller`.
std::string caller_identity_xml(const core::Principal& caller, std::string_view request_id);
/// GetSessionTokenResponse: Credentials.
std::string session_token_xml(const Session& session, std::string_view request_id);

/// A 200 response carrying `body` as text/xml with the x-amzn-RequestId header.
http::Response xml_response(std::string body, std::string_view request_id);

}  // namespace podbucket::sts
