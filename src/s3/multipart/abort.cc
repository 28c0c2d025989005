// AbortMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html).
#include "s3/headers.h"
#include "s3/multipart/common.h"
#include "s3/multipart/multipart.h"

namespace podbucket::s3::multipart {

core::Result<http::Response> abort_multipart_upload(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  auto ref = require_upload(ctx, op, query);
  if (!ref) return ref.error();
  auto parts = ctx.meta.abort_upload(ref->upload.upload_id);
  if (!parts) return no_such_upload(ref->upload.upload_id);  // aborted or completed concurrently
  for (const auto& part : *parts) remove_blob(ctx.blobs, part.blob_id);
  http::Response resp;
  resp.status = 204;
  return resp;
}

}  // namespace podbucket::s3::multipart
