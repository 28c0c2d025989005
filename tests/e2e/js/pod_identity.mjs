// A pod's view of podbucket: the AWS SDK for JavaScript v3 with nothing but the env block `podbucket up` prints
// (AWS_REGION, AWS_ENDPOINT_URL, AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): the
// default credential chain fetches Pod Identity credentials from the agent. Run by tests/e2e/test_up.py as
//   node pod_identity.mjs <name-prefix>
// Prints one JSON line per check: {"check", "bucket", "ok", "code"}; exits 0 when the script itself ran.
import {
  S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand,
  GetBucketVersioningCommand,
} from "@aws-sdk/client-s3";

const prefix = process.argv[2];
const s3 = new S3Client({ maxAttempts: 1 });

async function attempt(check, bucket, fn) {
  try {
    const out = await fn();
    console.log(JSON.stringify({ check, bucket, ok: true, sse: out?.ServerSideEncryption ?? null }));
  } catch (e) {
    console.log(JSON.stringify({ check, bucket, ok: false, code: e.name, status: e.$metadata?.httpStatusCode }));
  }
}

for (const suffix of ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]) {
  const Bucket = `${prefix}-${suffix}`;
  await attempt("put", Bucket, () => s3.send(new PutObjectCommand({ Bucket, Key: "js/hello.txt", Body: "hi " + suffix })));
  await attempt("get", Bucket, async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket, Key: "js/hello.txt" }));
    const text = await r.Body.transformToString();
    if (text !== "hi " + suffix) throw Object.assign(new Error("wrong body " + text), { name: "WrongBody" });
    return r;
  });
  await attempt("list", Bucket, () => s3.send(new ListObjectsV2Command({ Bucket, Prefix: "js/" })));
  await attempt("list-versions", Bucket, () => s3.send(new ListObjectVersionsCommand({ Bucket })));
  await attempt("get-versioning", Bucket, () => s3.send(new GetBucketVersioningCommand({ Bucket })));
}
