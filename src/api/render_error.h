#pragma once
// The only place an AwsError becomes bytes. Each AWS protocol spells errors differently; the service decides the
// protocol, this file decides the bytes (pinned by golden tests in render_error_test.cc).
#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace podbucket::api {

/// The wire protocols podbucket speaks.
enum class Protocol {
  kRestXml,   // S3
  kIamQuery,  // IAM (awsQuery, namespace https://iam.amazonaws.com/doc/2010-05-08/)
  kStsQuery,  // STS (awsQuery, namespace https://sts.amazonaws.com/doc/2011-06-15/)
  kJson11,    // KMS (awsJson1_1)
  kRestJson,  // EKS, eks-auth (restJson1)
};

/// Renders `error` as a complete response with status error.http_status(), the request-id headers and the error's
/// extra headers.
///   rest-xml: `<?xml ...?>\n<Error><Code/><Message/>[fields]<Resource/>?<RequestId/><HostId/></Error>`,
///             application/xml, x-amz-request-id + x-amz-id-2; `is_head` → no body (HEAD responses carry none).
///             https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
///   query:    `<ErrorResponse xmlns=NS><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/>
///             </ErrorResponse>`, text/xml; Receiver for 5xx.
///   json 1.1: `{"__type":"Code","message":"..."}`, application/x-amz-json-1.1, x-amzn-RequestId.
///   rest-json: `{"message":"..."}` + x-amzn-ErrorType: Code, application/json, x-amzn-RequestId.
/// The message is never empty: an error without one gets a generic text for its code.
http::Response render_error(Protocol protocol, const core::AwsError& error, std::string_view request_id,
                            std::string_view host_id, bool is_head);

}  // namespace podbucket::api
