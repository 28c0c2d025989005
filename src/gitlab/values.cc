#include "gitlab/values.h"

#include <sstream>

#include "http/client.h"

namespace podbucket::gitlab {
namespace {

/// A YAML double-quoted scalar (the values here are URLs and flags: no control characters).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Indents every non-empty line of `text` by `spaces`.
std::string indent(std::string_view text, int spaces) {
  std::string out, pad(static_cast<size_t>(spaces), ' ');
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty()) out += pad;
    out += line;
    out += '\n';
    start = end + 1;
  }
  return out;
}

// S3 bucket naming rules (the ones a prefix can break).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
bool valid_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name)
    if (!alnum(c) && c != '-' && c != '.') return false;
  return name.find("..") == std::string_view::npos && name.find(".-") == std::string_view::npos &&
         name.find("-.") == std::string_view::npos;
}

bool valid_region(std::string_view region) {
  if (region.empty()) return false;
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

struct Resolved {
  std::string endpoint;  // canonical URL, no trailing slash
  bool tls = false;
  std::string region;
  std::string prefix;
  RegistryDriver driver;
  std::string bucket(std::string_view suffix) const { return prefix + "-" + std::string(suffix); }
};

std::string connection_yaml(const Resolved& r) {
  std::ostringstream o;
  o << "provider: AWS\n"
    << "region: " << r.region << "            # required: without it fog asks EC2 instance metadata for the zone\n"
    << "endpoint: " << quoted(r.endpoint) << "\n"
    << "path_style: true\n"
    << "use_iam_profile: true        # no aws_access_key_id / aws_secret_access_key: Pod Identity (fog-aws >= 3.25)\n"
    << "aws_signature_version: 4\n";
  return o.str();
}

std::string registry_yaml(const Resolved& r) {
  std::ostringstream o;
  o << (r.driver == RegistryDriver::kS3V2 ? "s3_v2:\n" : "s3:\n")
    << "  bucket: " << r.bucket("registry") << "\n"
    << "  region: " << r.region << "\n"
    << "  regionendpoint: " << quoted(r.endpoint) << "\n"
    << "  pathstyle: true\n";
  if (r.driver == RegistryDriver::kS3) o << "  v4auth: true\n";
  o << "  secure: " << (r.tls ? "true" : "false") << "\n"
    << "  # no accesskey/secretkey: the driver's default credential chain reads the Pod Identity credentials\n"
    << "redirect:\n"
    << "  disable: true   # blobs stream through the registry; enable only if docker clients can reach the store\n";
  return o.str();
}

std::string values_yaml(const Resolved& r) {
  std::ostringstream o;
  o << "global:\n"
    << "  minio:\n"
    << "    enabled: false\n"
    << "  serviceAccount:\n"
    << "    enabled: true\n"
    << "    create: false\n"
    << "    name: " << kServiceAccount << "   # no eks.amazonaws.com/role-arn annotation: the Pod Identity "
    << "association maps " << kNamespace << "/" << kServiceAccount << " to the role\n"
    << "  appConfig:\n"
    << "    object_store:\n"
    << "      enabled: true\n"
    << "      proxy_download: true\n"
    << "      connection:\n"
    << "        secret: " << kConnectionSecret << "\n"
    << "        key: " << kConnectionSecretKey << "\n"
    << "    lfs:\n"
    << "      bucket: " << r.bucket("lfs") << "\n"
    << "    artifacts:\n"
    << "      bucket: " << r.bucket("artifacts") << "\n"
    << "    uploads:\n"
    << "      bucket: " << r.bucket("uploads") << "\n"
    << "    packages:\n"
    << "      bucket: " << r.bucket("packages") << "\n"
    << "    backups:\n"
    << "      bucket: " << r.bucket("backups") << "\n"
    << "      tmpBucket: " << r.bucket("tmp") << "\n"
    << "  registry:\n"
    << "    bucket: " << r.bucket("registry") << "\n"
    << "registry:\n"
    << "  storage:\n"
    << "    secret: " << kRegistrySecret << "\n"
    << "    key: " << kRegistrySecretKey << "\n"
    << "gitlab:\n"
    << "  toolbox:\n"
    << "    backups:\n"
    << "      objectStorage:\n"
    << "        backend: s3\n"
    << "      cron:\n"
    << "        extraArgs: "
    << quoted("--s3tool awscli --aws-s3-endpoint-url " + r.endpoint + " --aws-region " + r.region) << "\n";
  return o.str();
}

std::string manifests_yaml(const Resolved& r) {
  std::ostringstream o;
  o << "apiVersion: v1\n"
    << "kind: ServiceAccount\n"
    << "metadata:\n"
    << "  name: " << kServiceAccount << "\n"
    << "  namespace: " << kNamespace << "\n"
    << "---\n"
    << "apiVersion: v1\n"
    << "kind: Secret\n"
    << "metadata:\n"
    << "  name: " << kConnectionSecret << "\n"
    << "  namespace: " << kNamespace << "\n"
    << "type: Opaque\n"
    << "stringData:\n"
    << "  " << kConnectionSecretKey << ": |\n"
    << indent(connection_yaml(r), 4) << "---\n"
    << "apiVersion: v1\n"
    << "kind: Secret\n"
    << "metadata:\n"
    << "  name: " << kRegistrySecret << "\n"
    << "  namespace: " << kNamespace << "\n"
    << "type: Opaque\n"
    << "stringData:\n"
    << "  " << kRegistrySecretKey << ": |\n"
    << indent(registry_yaml(r), 4);
  return o.str();
}

std::string header(const Resolved& r) {
  return "# GitLab Helm chart settings for podbucket at " + r.endpoint + " (region " + r.region +
         "), buckets " + r.prefix +
         "-*.\n"
         "# Keyless: every pod runs as " +
         std::string(kNamespace) + "/" + std::string(kServiceAccount) +
         ", which the Pod Identity association maps to the role; no access key is\n"
         "# set anywhere. The toolbox uses awscli because s3cmd has no container-credentials provider.\n"
         "# Document 1 is values.yaml (--part values); documents 2-4 go to `kubectl apply -f -` (--part manifests).\n";
}

}  // namespace

std::optional<ValuesPart> parse_values_part(std::string_view text) {
  if (text == "all") return ValuesPart::kAll;
  if (text == "values") return ValuesPart::kValues;
  if (text == "manifests") return ValuesPart::kManifests;
  if (text == "connection") return ValuesPart::kConnection;
  if (text == "registry-storage") return ValuesPart::kRegistryStorage;
  return std::nullopt;
}

core::Result<std::string> render_values(const ValuesOptions& options) {
  auto endpoint = http::parse_endpoint(options.endpoint);
  if (!endpoint) return core::AwsError(core::kInvalidArgument, "--endpoint: " + endpoint.error().message());
  if (!endpoint->base_path.empty()) {
    return core::AwsError(core::kInvalidArgument,
                          "--endpoint: GitLab's clients address buckets at the root of the endpoint; drop the path " +
                              endpoint->base_path);
  }
  if (!valid_region(options.region)) {
    return core::AwsError(core::kInvalidArgument, "--region: '" + options.region + "' is not a region name");
  }
  Resolved r{endpoint->url(), endpoint->tls, options.region, options.name_prefix, options.registry_driver};
  for (const auto& suffix : bucket_suffixes()) {
    if (!valid_bucket_name(r.bucket(suffix))) {
      return core::AwsError(core::kInvalidArgument, "--name-prefix: '" + r.bucket(suffix) +
                                                        "' is not a valid bucket name (3-63 characters of a-z, 0-9, "
                                                        "'-' and '.', starting and ending with a letter or digit)");
    }
  }
  switch (options.part) {
    case ValuesPart::kValues: return values_yaml(r);
    case ValuesPart::kManifests: return manifests_yaml(r);
    case ValuesPart::kConnection: return connection_yaml(r);
    case ValuesPart::kRegistryStorage: return registry_yaml(r);
    case ValuesPart::kAll: break;
  }
  return header(r) + values_yaml(r) + "---\n" + manifests_yaml(r);
}

}  // namespace podbucket::gitlab
