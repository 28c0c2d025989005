// AWS SDK for JavaScript v3 against podbucket. Run by tests/e2e/test_js_sdk.py with
//   node sdk_roundtrip.mjs <endpoint> <bucket>   and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment.
// Uses the SDK defaults (2025+: CRC32 checksums, aws-chunked trailers for streams). Prints one JSON line per step;
// exits 1 on the first failed check, with the step name and the error.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  DeleteObjectCommand, DeleteObjectsCommand, CopyObjectCommand, DeleteBucketCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

const [endpoint, bucket] = process.argv.slice(2);
const MiB = 1024 * 1024;
const seen = []; // request headers of every request, captured after signing

const s3 = new S3Client({
  region: "us-east-1",
  endpoint,
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
s3.middlewareStack.add((next, ctx) => async (args) => {
  seen.push({ op: ctx.commandName, headers: { ...args.request.headers } });
  return next(args);
}, { step: "deserialize", name: "captureSignedRequest" });

function fail(step, msg) {
  console.log(JSON.stringify({ step, ok: false, error: msg }));
  process.exit(1);
}
function check(step, cond, msg) { if (!cond) fail(step, msg); }
function ok(step, extra = {}) { console.log(JSON.stringify({ step, ok: true, ...extra })); }
const sha = (b) => createHash("sha256").update(b).digest("hex");
const crc32b64 = (b) => { const x = Buffer.alloc(4); x.writeUInt32BE(zlib.crc32(b) >>> 0); return x.toString("base64"); };
const lastReq = (op) => [...seen].reverse().find((r) => r.op === op);
function randomBytes(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i += 4) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out.writeUInt32LE(x, Math.min(i, n - 4)); }
  return out;
}
async function step(name, fn) {
  try { await fn(); } catch (e) {
    fail(name, `${e.name}: ${e.message} (status ${e.$metadata?.httpStatusCode}) ${JSON.stringify(e.$response?.headers ?? {})}`);
  }
}

await step("CreateBucket", async () => { await s3.send(new CreateBucketCommand({ Bucket: bucket })); ok("CreateBucket"); });

// 1. PutObject with a stream body: the SDK sends aws-chunked with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
const streamBody = randomBytes(3 * MiB + 1234, 7);
await step("PutObject(stream, aws-chunked trailer)", async () => {
  const r = await s3.send(new PutObjectCommand({
    Bucket: bucket, Key: "js/stream.bin", Body: Readable.from([streamBody.subarray(0, MiB), streamBody.subarray(MiB)]),
    ContentLength: streamBody.length, ContentType: "application/x-js",
  }));
  const h = lastReq("PutObjectCommand").headers;
  const enc = h["content-encoding"] ?? "";
  check("PutObject(stream)", enc.includes("aws-chunked") && (h["x-amz-trailer"] ?? "").includes("crc32"),
    "the SDK did not use aws-chunked with a CRC32 trailer; headers: " + JSON.stringify(h));
  check("PutObject(stream)", r.ChecksumCRC32 === crc32b64(streamBody),
    `ChecksumCRC32 in response ${r.ChecksumCRC32} != ${crc32b64(streamBody)}`);
  ok("PutObject(stream, aws-chunked trailer)", { contentSha256: h["x-amz-content-sha256"], trailer: h["x-amz-trailer"] });
});

// 2. PutObject with a Buffer body: CRC32 in a header, payload hash signed.
const bufBody = randomBytes(100000, 11);
await step("PutObject(buffer)", async () => {
  const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "js/buffer.bin", Body: bufBody,
    Metadata: { origin: "node" } }));
  check("PutObject(buffer)", r.ETag === `"${createHash("md5").update(bufBody).digest("hex")}"`, "ETag " + r.ETag);
  ok("PutObject(buffer)", { contentSha256: lastReq("PutObjectCommand").headers["x-amz-content-sha256"] });
});

// 3. GetObject with checksum validation (responseChecksumValidation defaults to WHEN_SUPPORTED).
await step("GetObject", async () => {
  for (const [key, want] of [["js/stream.bin", streamBody], ["js/buffer.bin", bufBody]]) {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    const got = Buffer.from(await r.Body.transformToByteArray());
    check("GetObject", sha(got) === sha(want), `${key}: body differs (${got.length} vs ${want.length} bytes)`);
    check("GetObject", r.ChecksumCRC32 === crc32b64(want), `${key}: ChecksumCRC32 ${r.ChecksumCRC32}`);
  }
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "js/buffer.bin" }));
  check("GetObject", h.Metadata?.origin === "node", "metadata " + JSON.stringify(h.Metadata));
  const rr = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "js/stream.bin", Range: "bytes=5-14" }));
  const part = Buffer.from(await rr.Body.transformToByteArray());
  check("GetObject", part.equals(streamBody.subarray(5, 15)), "range body differs");
  ok("GetObject");
});

// 4. Multipart through lib-storage Upload (5 MiB parts, 4 in flight) from a stream of unknown length.
const bigBody = randomBytes(23 * MiB + 5, 13);
await step("Upload(lib-storage multipart)", async () => {
  const chunks = [];
  for (let i = 0; i < bigBody.length; i += 1000 * 1000) chunks.push(bigBody.subarray(i, i + 1000 * 1000));
  const up = new Upload({ client: s3, params: { Bucket: bucket, Key: "js/multipart.bin", Body: Readable.from(chunks) },
    partSize: 5 * MiB, queueSize: 4 });
  const r = await up.done();
  check("Upload", /-5"$/.test(r.ETag ?? ""), "expected a 5-part multipart ETag, got " + r.ETag);
  const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "js/multipart.bin" }));
  const got = Buffer.from(await g.Body.transformToByteArray());
  check("Upload", sha(got) === sha(bigBody), `multipart body differs (${got.length} vs ${bigBody.length} bytes)`);
  ok("Upload(lib-storage multipart)", { etag: r.ETag });
});

await step("CopyObject", async () => {
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "js/copy.bin", CopySource: `${bucket}/js/buffer.bin` }));
  const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "js/copy.bin" }));
  check("CopyObject", sha(Buffer.from(await g.Body.transformToByteArray())) === sha(bufBody), "copy differs");
  ok("CopyObject");
});

await step("ListObjectsV2", async () => {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "js/", MaxKeys: 2 }));
  check("ListObjectsV2", r.IsTruncated === true && r.Contents?.length === 2, JSON.stringify(r.Contents));
  const r2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "js/",
    ContinuationToken: r.NextContinuationToken }));
  const keys = [...r.Contents, ...r2.Contents].map((o) => o.Key);
  check("ListObjectsV2", JSON.stringify(keys) ===
    JSON.stringify(["js/buffer.bin", "js/copy.bin", "js/multipart.bin", "js/stream.bin"]), JSON.stringify(keys));
  ok("ListObjectsV2");
});

await step("DeleteObject", async () => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "js/stream.bin" }));
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "js/stream.bin" }));
    fail("DeleteObject", "object still there after DeleteObject");
  } catch (e) {
    check("DeleteObject", e.$metadata?.httpStatusCode === 404, "HEAD after delete: " + e.name);
  }
  ok("DeleteObject");
});

// DeleteObjects: the 2025+ SDK sends a CRC32 checksum header instead of Content-MD5.
await step("DeleteObjects", async () => {
  const r = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [
    { Key: "js/buffer.bin" }, { Key: "js/copy.bin" }, { Key: "js/multipart.bin" }] } }));
  check("DeleteObjects", (r.Deleted ?? []).length === 3 && !(r.Errors ?? []).length, JSON.stringify(r));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  ok("DeleteObjects", { md5: lastReq("DeleteObjectsCommand").headers["content-md5"] ?? null });
});

console.log(JSON.stringify({ step: "done", ok: true }));
