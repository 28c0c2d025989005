#include <array>
#include <charconv>
#include <memory>
#include <optional>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/errors.h"

namespace podbucket::s3::body {
namespace {

constexpr size_t kChunk = 1 << 20;  // 1 MiB read buffer

constexpr std::array kAlgorithms = {crypto::ChecksumAlgorithm::kCRC32, crypto::ChecksumAlgorithm::kCRC32C,
                                    crypto::ChecksumAlgorithm::kCRC64NVME, crypto::ChecksumAlgorithm::kSHA1,
                                    crypto::ChecksumAlgorithm::kSHA256};

/// True if `value` is base64 of exactly `size` bytes.
bool valid_digest(std::string_view value, size_t size) {
  auto raw = core::base64_decode(value);
  return raw && raw->size() == size;
}

std::optional<uint64_t> parse_u64(std::string_view text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

core::AwsError checksum_mismatch(std::string_view algorithm) {
  return core::AwsError(kBadDigest,
                        "The " + std::string(algorithm) + " you specified did not match the calculated checksum.");
}

/// The trailer names an x-amz-checksum-<alg> header; returns the algorithm or nullopt.
std::optional<crypto::ChecksumAlgorithm> trailer_algorithm(std::string_view trailer) {
  trailer = core::trim(trailer);
  for (auto alg : kAlgorithms)
    if (core::iequals(trailer, crypto::checksum_header(alg))) return alg;
  return std::nullopt;
}

/// Bytes from the body source, converting a mid-stream AwsException into a value.
struct Reader {
  http::BodySource& src;
  std::optional<core::AwsError> error;
  size_t read(char* buf, size_t n) {
    try {
      return src.read(buf, n);
    } catch (const core::AwsException& e) {
      error = e.error();
      return 0;
    }
  }
};

}  // namespace

core::Result<ChecksumRequest> parse_checksum_request(const http::Headers& headers) {
  ChecksumRequest out;
  std::optional<crypto::ChecksumAlgorithm> from_header;
  for (auto alg : kAlgorithms) {
    auto value = headers.get(crypto::checksum_header(alg));
    if (!value) continue;
    if (from_header) {
      return core::AwsError(kInvalidRequest,
                            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }
    if (!valid_digest(core::trim(*value), crypto::checksum_size(alg))) {
      return core::AwsError(kInvalidRequest,
                            "Value for " + std::string(crypto::checksum_header(alg)) + " header is invalid.");
    }
    from_header = alg;
    out.value = std::string(core::trim(*value));
  }

  std::optional<crypto::ChecksumAlgorithm> from_trailer;
  if (auto trailer = headers.get("x-amz-trailer")) {
    // The trailer may name other headers too (comma-separated); only a checksum one matters here.
    std::string_view rest = *trailer;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = core::trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (item.empty()) continue;
      auto alg = trailer_algorithm(item);
      if (!alg) {
        if (core::to_lower(item).starts_with("x-amz-checksum-")) {
          return core::AwsError(kInvalidRequest, "The value specified in the x-amz-trailer header is not supported");
        }
        continue;
      }
      if (from_trailer && *from_trailer != *alg) {
        return core::AwsError(kInvalidRequest,
                              "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
      }
      from_trailer = alg;
    }
  }
  if (from_header && from_trailer) {
    return core::AwsError(kInvalidRequest,
                          "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  }

  std::optional<crypto::ChecksumAlgorithm> from_sdk;
  if (auto sdk = headers.get("x-amz-sdk-checksum-algorithm")) {
    from_sdk = crypto::parse_checksum_algorithm(core::trim(*sdk));
    if (!from_sdk) return core::AwsError(kInvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
  }

  auto declared = from_header ? from_header : from_trailer;
  if (declared && from_sdk && *declared != *from_sdk) {
    return core::AwsError(kInvalidRequest,
                          "Value for x-amz-sdk-checksum-algorithm header is invalid: it does not match the " +
                              std::string(crypto::checksum_header(*declared)) + " checksum sent.");
  }
  auto alg = declared ? declared : from_sdk;
  if (alg) out.algorithm = std::string(crypto::checksum_name(*alg));
  out.trailer = from_trailer.has_value();
  return out;
}

core::Result<Ingested> ingest_body(store::Blobs& blobs, http::Request& req, uint64_t max_size,
                                   std::string_view required_checksum) {
  // Everything that can be judged before reading a byte.
  auto declared = parse_checksum_request(req.headers);
  if (!declared) return declared.error();
  std::optional<crypto::ChecksumAlgorithm> algorithm;
  if (!declared->algorithm.empty()) {
    algorithm = crypto::parse_checksum_algorithm(declared->algorithm);
  } else if (!required_checksum.empty()) {
    algorithm = crypto::parse_checksum_algorithm(required_checksum);
    if (!algorithm) return core::AwsError(kInvalidRequest, "Unknown checksum algorithm " + std::string(required_checksum));
  }

  std::optional<std::string> content_md5;
  if (auto md5 = req.headers.get("content-md5")) {
    std::string value(core::trim(*md5));
    if (!valid_digest(value, 16)) return core::AwsError(kInvalidDigest, "The Content-MD5 you specified was not valid.");
    content_md5 = std::move(value);
  }

  std::optional<uint64_t> expected_length = req.content_length;
  if (auto decoded = req.headers.get("x-amz-decoded-content-length")) {
    expected_length = parse_u64(core::trim(*decoded));
    if (!expected_length) {
      return core::AwsError(kInvalidArgument, "x-amz-decoded-content-length is not a valid length.");
    }
  }
  auto too_large = [&](uint64_t proposed) {
    return core::AwsError(kEntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
        .with_field("ProposedSize", std::to_string(proposed))
        .with_field("MaxSizeAllowed", std::to_string(max_size));
  };
  if (expected_length && *expected_length > max_size) return too_large(*expected_length);

  // Stream the bytes.
  auto writer = blobs.create();  // removed by its destructor unless committed
  auto md5 = crypto::make_md5();
  std::unique_ptr<crypto::Hasher> checksum = algorithm ? crypto::make_checksum(*algorithm) : nullptr;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  Reader reader{*req.body, std::nullopt};
  uint64_t total = 0;
  for (;;) {
    size_t n = reader.read(buf.get(), kChunk);
    if (reader.error) return *reader.error;
    if (n == 0) break;
    total += n;
    if (total > max_size) return too_large(expected_length ? *expected_length : total);
    if (expected_length && total > *expected_length) {
      return core::AwsError(kInvalidRequest, "The request body is longer than the declared content length.");
    }
    md5->update(buf.get(), n);
    if (checksum) checksum->update(buf.get(), n);
    writer->write(buf.get(), n);
  }
  if (expected_length && total < *expected_length) {
    return core::AwsError(kIncompleteBody,
                          "You did not provide the number of bytes specified by the Content-Length HTTP header.");
  }

  // Integrity checks against what the client declared.
  Ingested out;
  std::string raw_md5 = md5->finish();
  out.md5_hex = core::hex_encode(raw_md5);
  if (content_md5 && *core::base64_decode(*content_md5) != raw_md5) {
    return core::AwsError(kBadDigest, "The Content-MD5 you specified did not match what we received.")
        .with_field("ExpectedDigest", *content_md5)
        .with_field("CalculatedDigest", core::base64_encode(raw_md5));
  }
  if (algorithm) {
    out.checksum_algorithm = std::string(crypto::checksum_name(*algorithm));
    out.checksum_value = core::base64_encode(checksum->finish());
    std::string sent = declared->value;
    if (declared->trailer) {
      // The SigV4 layer merges trailers into the headers once the body has been read to the end.
      auto trailer_value = req.headers.get(crypto::checksum_header(*algorithm));
      if (!trailer_value) {
        return core::AwsError(kInvalidRequest, "The x-amz-trailer header names " +
                                                   std::string(crypto::checksum_header(*algorithm)) +
                                                   " but the trailer was not received.");
      }
      sent = std::string(core::trim(*trailer_value));
      if (!valid_digest(sent, crypto::checksum_size(*algorithm))) {
        return core::AwsError(kInvalidRequest, "Value for " + std::string(crypto::checksum_header(*algorithm)) +
                                                   " trailing header is invalid.");
      }
    }
    // Compare decoded bytes so that equivalent base64 spellings are accepted.
    if (!sent.empty() && *core::base64_decode(sent) != *core::base64_decode(out.checksum_value)) {
      return checksum_mismatch(out.checksum_algorithm);
    }
  }

  out.size = total;
  out.blob_id = writer->commit();
  return out;
}

}  // namespace podbucket::s3::body
