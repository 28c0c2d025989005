#include "cli/gitlab_command.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "gitlab/check.h"
#include "gitlab/layout.h"
#include "gitlab/requirements.h"
#include "gitlab/simulator_client.h"
#include "gitlab/values.h"

namespace podbucket::cli {
namespace {

/// An error for stderr: the server's own "Code: message" for failed IAM/KMS calls, "Code: message" otherwise.
std::string describe(const core::AwsError& e) {
  if (e.code() == "IamCallFailed" || e.code() == "KmsCallFailed") return e.message();
  return std::string(e.code()) + ": " + e.message();
}

struct ValuesCommand {
  gitlab::ValuesOptions options;
  std::string driver = "s3";
  std::string part = "all";
};

struct CheckCommand {
  std::string role_arn;
  std::string endpoint = "http://127.0.0.1:9000";
  std::string name_prefix = std::string(gitlab::kDefaultNamePrefix);
  std::string region = "us-east-1";
  std::string ca_file;
  std::string kms_key = "alias/aws/s3";
};

int run_values(const ValuesCommand& c) {
  gitlab::ValuesOptions options = c.options;
  options.registry_driver = c.driver == "s3_v2" ? gitlab::RegistryDriver::kS3V2 : gitlab::RegistryDriver::kS3;
  options.part = *gitlab::parse_values_part(c.part);  // validated by CLI11's IsMember
  auto text = gitlab::render_values(options);
  if (!text) {
    std::cerr << "podbucket gitlab values: " << text.error().message() << std::endl;
    return 2;
  }
  std::cout << *text << std::flush;
  return 0;
}

/// The advisory kms line: the SSE-KMS calls S3 makes on the role's behalf (GenerateDataKey and Decrypt with the
/// object ARN as encryption context, through S3), judged by the role's own policies. "" with --kms-key none; a
/// "not checked" line when the key cannot be described. Errors: the simulator's.
core::Result<std::string> kms_note(gitlab::RoleSimulator& simulator, const CheckCommand& c) {
  if (c.kms_key == "none") return std::string();
  auto key_arn = simulator.describe_key_arn(c.kms_key);
  if (!key_arn) return "kms: not checked (" + c.kms_key + ": " + describe(key_arn.error()) + ")\n";
  std::vector<gitlab::KmsResult> kms;
  for (const auto& suffix : gitlab::bucket_suffixes()) {
    std::string bucket = c.name_prefix + "-" + suffix;
    std::vector<gitlab::ContextEntry> context = {
        {"kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::" + bucket + "/gitlab-check"},
        {"kms:ViaService", "s3." + c.region + ".amazonaws.com"}};
    for (const char* action : {"kms:GenerateDataKey", "kms:Decrypt"}) {
      auto v = simulator.simulate(action, *key_arn, context);
      if (!v) return v.error();
      kms.push_back({bucket, action, std::move(*v)});
    }
  }
  return gitlab::format_kms_note(kms, *key_arn);
}

int run_check(const CheckCommand& c) {
  const char* id = std::getenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
  const char* secret = std::getenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
  if (id == nullptr || secret == nullptr || *id == '\0' || *secret == '\0') {
    std::cerr << "podbucket gitlab check: set PODBUCKET_ROOT_ACCESS_KEY_ID and PODBUCKET_ROOT_SECRET_ACCESS_KEY to "
                 "the server's root credentials (kept in DATA_DIR/root-credentials.json)"
              << std::endl;
    return 2;
  }
  gitlab::ServerTarget target{c.endpoint, c.region, c.ca_file, {id, secret, {}}};
  gitlab::RoleSimulator simulator(target, c.role_arn);

  std::cout << "GitLab on role " << c.role_arn << ", buckets " << c.name_prefix << "-{";
  const auto& suffixes = gitlab::bucket_suffixes();
  for (size_t i = 0; i < suffixes.size(); ++i) std::cout << (i ? "," : "") << suffixes[i];
  std::cout << "}, at " << c.endpoint << ":\n";

  auto results = gitlab::run_checks(gitlab::expand_checks(c.name_prefix), simulator.as_simulator());
  if (!results) {
    std::cout << std::flush;
    std::cerr << "podbucket gitlab check: " << describe(results.error()) << std::endl;
    return 2;
  }
  auto notes = kms_note(simulator, c);
  if (!notes) {
    std::cerr << "podbucket gitlab check: " << describe(notes.error()) << std::endl;
    return 2;
  }
  std::cout << gitlab::format_report(*results, *notes);
  std::cout << std::flush;
  return gitlab::count_denied(*results) == 0 ? 0 : 1;
}

}  // namespace

void add_gitlab_commands(CLI::App& app, int* exit_code) {
  auto* gitlab = app.add_subcommand("gitlab", "GitLab on podbucket: Helm values and a permission check");
  gitlab->require_subcommand(1);

  auto values = std::make_shared<ValuesCommand>();
  auto* v = gitlab->add_subcommand(
      "values", "Print the GitLab Helm chart settings that point every component at podbucket, with no keys");
  v->add_option("--endpoint", values->options.endpoint, "Where GitLab's pods reach podbucket, http(s)://HOST:PORT")
      ->capture_default_str();
  v->add_option("--name-prefix", values->options.name_prefix, "Bucket name prefix (buckets PREFIX-registry, ...)")
      ->capture_default_str();
  v->add_option("--region", values->options.region, "The server's region")->capture_default_str();
  v->add_option("--registry-driver", values->driver, "The registry's S3 storage driver")
      ->check(CLI::IsMember({"s3", "s3_v2"}))
      ->capture_default_str();
  v->add_option("--part", values->part,
                "What to print: all, values (values.yaml), manifests (ServiceAccount + Secrets), connection (the "
                "Rails connection secret's content), registry-storage (the registry storage secret's content)")
      ->check(CLI::IsMember({"all", "values", "manifests", "connection", "registry-storage"}))
      ->capture_default_str();
  v->callback([values, exit_code] { *exit_code = run_values(*values); });

  auto check = std::make_shared<CheckCommand>();
  auto* c = gitlab->add_subcommand(
      "check",
      "Simulate every S3 operation each GitLab component needs against the role's policies (root credentials "
      "from PODBUCKET_ROOT_ACCESS_KEY_ID / PODBUCKET_ROOT_SECRET_ACCESS_KEY); exit 1 if any is denied");
  c->add_option("--role", check->role_arn, "The role GitLab's pods get through Pod Identity (ARN)")->required();
  c->add_option("--endpoint", check->endpoint, "The podbucket server, http(s)://HOST:PORT")->capture_default_str();
  c->add_option("--name-prefix", check->name_prefix, "Bucket name prefix")->capture_default_str();
  c->add_option("--region", check->region, "Signing region (the server's --region)")->capture_default_str();
  c->add_option("--ca-file", check->ca_file, "Trusted CA certificates (PEM) for an https endpoint");
  c->add_option("--kms-key", check->kms_key, "The SSE-KMS key for the advisory kms line (none: skip it)")
      ->capture_default_str();
  c->callback([check, exit_code] { *exit_code = run_check(*check); });
}

}  // namespace podbucket::cli
