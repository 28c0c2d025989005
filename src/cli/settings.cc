#include "cli/settings.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <ostream>

#include "observe/logging.h"

extern char** environ;

namespace podbucket::cli {
namespace {

using config::Kind;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr double kYearSeconds = 31'536'000;

Kind<std::string> region() {
  return config::checked_text("region", "a region name of lower-case letters, digits and dashes (us-east-1)",
                              [](std::string_view r) {
                                return !r.empty() && r.front() != '-' && r.back() != '-' &&
                                       r.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
                                           std::string_view::npos;
                              });
}

Kind<std::string> optional_region() {
  Kind<std::string> k = region();
  auto parse = k.parse;
  k.parse = [parse](std::string_view t) -> std::optional<std::string> {
    if (t.empty()) return std::string();
    return parse(t);
  };
  return k;
}

Kind<std::string> account_id() {
  return config::checked_text("12 digits", "12 digits", is_valid_account_id);
}

Kind<std::string> log_level() {
  return config::checked_text("log level", "one of trace, debug, info, warn, error, critical, off",
                              [](std::string_view t) { return observe::parse_log_level(t).has_value(); });
}

Kind<std::string> url() {
  return config::checked_text("URL", "an http:// or https:// URL", [](std::string_view t) {
    return t.empty() || t.starts_with("http://") || t.starts_with("https://");
  });
}

Kind<std::string> go_duration() {
  return config::checked_text("duration", "a duration such as 3h, 90m, 45s or 0",
                              [](std::string_view t) { return parse_go_duration(t).has_value(); });
}

}  // namespace

void add_server_settings(config::Table& t, ServerCommandOptions& o) {
  t.add_section("server", "PODBUCKET_", "`podbucket server` and `podbucket up`");
  t.add("server", "listen", &o.listen, config::host_port(),
        "Where S3, IAM, STS, KMS, EKS and EKS Auth listen (port 0 picks a free port)");
  t.add("server", "data_dir", &o.data_dir, config::non_empty_text("path"),
        "Folder of the metadata databases, the object data, the root credentials and the KMS root key");
  t.add("server", "region", &o.region, region(), "The region this server claims to be");
  t.add("server", "account_id", &o.account_id, account_id(),
        "Account id of the root user (quote it in YAML: \"000000000000\")");
  t.add("server", "domain", &o.domain, config::text("host name"),
        "Base domain of virtual-host-style bucket addresses (BUCKET.DOMAIN); empty: path style only");
  t.add("server", "tls_cert", &o.tls_cert, config::text("path"),
        "PEM certificate (chain) file; with tls_key, the server speaks HTTPS");
  t.add("server", "tls_key", &o.tls_key, config::text("path"), "PEM private key file of tls_cert");
  t.add("server", "kms_root_key_file", &o.kms_root_key_file, config::text("path"),
        "File with the 32-byte KMS root key, generated with mode 0600 when missing; PODBUCKET_KMS_ROOT_KEY "
        "takes precedence")
      .default_text = "DATA_DIR/kms-root-key";
  t.add("server", "lifecycle_interval", &o.lifecycle_interval_s, config::seconds(0.05, kYearSeconds),
        "Seconds between two runs of the bucket lifecycle rules");
  t.add("server", "lifecycle_day_seconds", &o.lifecycle_day_s, config::seconds(0.001, 86'400),
        "Length of a lifecycle rule's day in seconds")
      .hidden = true;
  t.add("server", "admin_listen", &o.admin_listen, config::host_port_or_off(),
        "Where the admin listener serves /metrics, /healthz, /readyz and /log-level (apart from the S3 port, "
        "where /metrics would be a bucket); off disables it");
  t.add("server", "log_level", &o.log_level, log_level(),
        "Level of the server's event log on stderr (SIGHUP toggles debug; PUT /log-level on the admin listener "
        "changes it)");
  t.add("server", "audit_file", &o.audit_file, config::text("path or off"),
        "The audit trail (CloudTrail-shaped JSON lines, append-only); off disables it")
      .default_text = "DATA_DIR/audit/trail.jsonl";
  t.add("server", "audit_max_bytes", &o.audit_max_bytes, config::bytes(4096, uint64_t{1} << 40),
        "Size at which the audit file is rotated");
  t.add("server", "audit_max_files", &o.audit_max_files, config::integer(0, 1000),
        "Rotated audit files kept besides the current one");
  t.add("server", "audit_read_data_events", &o.audit_read_data_events, config::boolean(),
        "Audit successful S3 object reads and listings too (false keeps denied reads and every write)");
  t.add_env_only("server", "root_access_key_id", "PODBUCKET_ROOT_ACCESS_KEY_ID",
                 "Access key id of the root user; set with PODBUCKET_ROOT_SECRET_ACCESS_KEY, else keys are generated "
                 "once and kept in DATA_DIR/root-credentials.json");
  t.add_env_only("server", "root_secret_access_key", "PODBUCKET_ROOT_SECRET_ACCESS_KEY",
                 "Secret access key of the root user (with PODBUCKET_ROOT_ACCESS_KEY_ID)");
  t.add_env_only("server", "kms_root_key", "PODBUCKET_KMS_ROOT_KEY",
                 "The KMS root key itself: 64 hex digits or base64 of 32 bytes (or keep it in the file "
                 "server.kms_root_key_file names)")
      .env_only_hint = "or point server.kms_root_key_file at a file that holds it";
}

void add_up_settings(config::Table& t, UpOptions& o) {
  t.add_section("up", "PODBUCKET_UP_", "`podbucket up` only (it also reads `server:`)");
  t.add("up", "name_prefix", &o.name_prefix, config::non_empty_text(), "Prefix of the GitLab layout's bucket and IAM names");
  t.add("up", "seed_exact", &o.seed_exact, config::boolean(), "Apply the seed's policies verbatim, gaps included");
  t.add("up", "agent_listen", &o.agent_listen, config::host_port(), "Where the Pod Identity agent serves /v1/credentials");
  t.add("up", "token_file", &o.token_file, config::text("path"),
        "Where the pod's service account token is kept fresh")
      .default_text = "DATA_DIR/pod-identity/eks-pod-identity-token";
  t.add("up", "token_lifetime", &o.token_lifetime_s, config::integer(60, 172'800),
        "Lifetime of that token in seconds (it is re-minted at half-life)");
}

void add_agent_settings(config::Table& t, AgentCommandOptions& o) {
  t.add_section("agent", "PODBUCKET_AGENT_", "`podbucket agent`, the EKS Pod Identity Agent");
  t.add("agent", "cluster_name", &o.cluster_name, config::text(), "Cluster name sent to EKS Auth (required)")
      .short_flag = "-c";
  t.add("agent", "endpoint", &o.endpoint, url(), "EKS Auth URL, e.g. the podbucket server's")
      .default_note = "https://eks-auth.REGION.api.aws";
  t.add("agent", "region", &o.region, optional_region(), "Region EKS Auth calls are signed for")
      .default_note = "$AWS_REGION, else us-east-1";
  t.add("agent", "bind_hosts", &o.bind_hosts, config::list_of(config::non_empty_text("host")),
        "Addresses to serve credentials on, IPv6 in brackets (127.0.0.1 for local use)")
      .short_flag = "-b";
  t.add("agent", "port", &o.port, config::integer(0, 65535), "Credential port on every bind host").short_flag = "-p";
  t.add("agent", "probe_port", &o.probe_port, config::integer(0, 65535), "Port of /healthz and /readyz on 127.0.0.1");
  t.add("agent", "metrics_address", &o.metrics_address, config::non_empty_text("host"),
        "Address of the Prometheus listener");
  t.add("agent", "metrics_port", &o.metrics_port, config::integer(0, 65535), "Port of /metrics");
  t.add("agent", "max_credential_retention_before_renewal", &o.max_retention, go_duration(),
        "Longest time a cached credential is served before it is renewed (0 disables the cache)");
  t.add("agent", "max_cache_size", &o.max_cache_size, config::integer(0, 10'000'000),
        "Cached credentials (least recently used go first; 0 disables the cache)");
  t.add("agent", "max_service_qps", &o.max_service_qps, config::number(0, 1'000'000),
        "Background renewals per second towards EKS Auth");
  t.add("agent", "max_request_rate", &o.max_request_rate, config::number(0, 10'000'000),
        "Credential requests per second before 429 Too Many Requests (burst: half of it; 0: no limit)");
  t.add("agent", "credentials_file", &o.credentials_file, config::text("path"),
        "Shared credentials file with the agent's own keys, re-read when it changes")
      .default_note = "AWS_* variables, else ~/.aws/credentials";
  t.add("agent", "profile", &o.profile, config::text(), "Profile of the credentials file").default_note =
      "$AWS_PROFILE, else default";
  t.add("agent", "ca_file", &o.ca_file, config::text("path"), "PEM CA bundle to verify an https endpoint with")
      .default_note = "the system's";
}

void add_webhook_settings(config::Table& t, WebhookCommandOptions& o) {
  t.add_section("webhook", "PODBUCKET_WEBHOOK_", "`podbucket webhook`, the pod identity admission webhook");
  t.add("webhook", "listen", &o.listen, config::host_port(), "Where /mutate and /healthz are served (HTTPS)");
  t.add("webhook", "probe_listen", &o.probe_listen, config::host_port_or_off(),
        "Where plain-HTTP /healthz and /readyz are served for the kubelet; off disables them");
  t.add("webhook", "tls_cert", &o.tls_cert, config::text("path"), "PEM certificate (chain) the API server sees");
  t.add("webhook", "tls_key", &o.tls_key, config::text("path"), "PEM private key of tls_cert");
  t.add("webhook", "cluster_name", &o.cluster_name, config::text(),
        "Cluster whose pod identity associations select the pods to patch");
  t.add("webhook", "endpoint", &o.endpoint, url(), "The podbucket server (EKS ListPodIdentityAssociations)");
  t.add("webhook", "region", &o.region, optional_region(), "Region EKS calls are signed for").default_note =
      "$AWS_REGION, else us-east-1";
  t.add("webhook", "associations_file", &o.associations_file, config::text("path"),
        "Instead of cluster_name and endpoint: a file {\"identities\": [...]}, re-read when it changes");
  t.add("webhook", "refresh_interval", &o.refresh_interval_s, config::seconds(0.05, 86'400),
        "Seconds between two refreshes of the associations");
  t.add("webhook", "credentials_file", &o.credentials_file, config::text("path"),
        "Shared credentials file for the EKS calls")
      .default_note = "AWS_* variables";
  t.add("webhook", "profile", &o.profile, config::text(), "Profile of the credentials file");
  t.add("webhook", "ca_file", &o.ca_file, config::text("path"), "PEM CA bundle to verify an https endpoint with")
      .default_note = "the system's";
  t.add("webhook", "container_credentials_full_uri", &o.full_uri, url(),
        "AWS_CONTAINER_CREDENTIALS_FULL_URI injected into pods");
  t.add("webhook", "token_expiration", &o.token_expiration, config::integer(1, 31'536'000),
        "expirationSeconds of the injected projected token (86400 is jittered into [79200, 86400])");
  t.add("webhook", "aws_default_region", &o.aws_default_region, optional_region(),
        "Also inject AWS_DEFAULT_REGION and AWS_REGION with this region");
  t.add("webhook", "sts_regional_endpoint", &o.sts_regional_endpoint, config::boolean(),
        "Also inject AWS_STS_REGIONAL_ENDPOINTS=regional");
}

std::unique_ptr<Catalog> make_catalog() {
  auto c = std::make_unique<Catalog>();
  add_server_settings(c->table, c->up.server);
  add_up_settings(c->table, c->up);
  add_agent_settings(c->table, c->agent);
  add_webhook_settings(c->table, c->webhook);
  c->table.add_known_env("PODBUCKET_CONFIG");
  return c;
}

std::string settings_markdown() { return make_catalog()->table.markdown(); }

namespace {

/// An issue for each of `files` (key, path) whose path is set but names no regular file.
std::vector<config::Issue> missing_files(std::initializer_list<std::pair<const char*, const std::string*>> files) {
  std::vector<config::Issue> issues;
  for (const auto& [key, path] : files) {
    std::error_code ec;
    if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
      issues.push_back({key, "no such file: " + *path});
    }
  }
  return issues;
}

}  // namespace

std::vector<config::Issue> check_server_settings(const ServerCommandOptions& o) {
  std::vector<config::Issue> issues;
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    issues.push_back({o.tls_cert.empty() ? "server.tls_key" : "server.tls_cert",
                      "tls_cert and tls_key go together: set both or neither"});
  }
  for (auto& i : missing_files({{"server.tls_cert", &o.tls_cert}, {"server.tls_key", &o.tls_key}})) {
    issues.push_back(std::move(i));
  }
  return issues;
}

std::vector<config::Issue> check_agent_settings(const AgentCommandOptions& o) {
  return missing_files({{"agent.ca_file", &o.ca_file}});
}

std::vector<config::Issue> check_webhook_settings(const WebhookCommandOptions& o) {
  return missing_files(
      {{"webhook.tls_cert", &o.tls_cert}, {"webhook.tls_key", &o.tls_key}, {"webhook.ca_file", &o.ca_file}});
}

void CommandSettings::attach(CLI::App* cmd) {
  cmd->add_option("--config", config_file_,
                  "YAML file of settings (env PODBUCKET_CONFIG); flags and PODBUCKET_* variables override it. "
                  "Every setting: `podbucket config docs`");
  flags_.add_to(cmd, table_);
}

bool CommandSettings::load(std::ostream& err) {
  const std::string prefix = "podbucket " + command_ + ": ";
  auto catalog = make_catalog();

  std::vector<std::string> env_names;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    env_names.emplace_back(entry.substr(0, entry.find('=')));
  }
  for (const auto& warning : catalog->table.env_warnings(env_names)) err << prefix << "warning: " << warning << "\n";

  std::string file = config_file_;
  if (file.empty()) file = config::process_env("PODBUCKET_CONFIG").value_or("");
  std::optional<config::Document> doc;
  size_t errors = 0;
  if (!file.empty()) {
    doc = config::read_document(file);
    auto issues = catalog->table.check(*doc);
    for (const auto& i : issues) err << prefix << file << ": " << i.to_string() << "\n";
    errors += issues.size();
  }

  config::Sources sources;
  sources.file = (doc && errors == 0) ? &*doc : nullptr;  // a bad file is reported once, above
  sources.env = config::process_env;
  sources.flags = flags_.given();
  for (const auto& i : table_.load(sources)) {
    err << prefix << i.to_string() << "\n";
    ++errors;
  }
  if (errors == 0 && final_check_) {
    for (const auto& i : final_check_()) {
      err << prefix << i.to_string() << "\n";
      ++errors;
    }
  }
  err.flush();
  return errors == 0;
}

}  // namespace podbucket::cli
