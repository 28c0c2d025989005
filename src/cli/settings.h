#pragma once
// The settings of podbucket's commands, described once (see docs/configuration.md): which options struct field
// each YAML key, flag and PODBUCKET_* variable fills, and the glue that loads them into a command before it runs.
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/agent_command.h"
#include "cli/server_command.h"
#include "cli/up_command.h"
#include "cli/webhook_command.h"
#include "config/flags.h"
#include "config/table.h"

namespace CLI {
class App;
}

namespace podbucket::cli {

/// Adds section `server:` (variables PODBUCKET_*) bound to `o`, the root keys and KMS root key as env-only rows.
void add_server_settings(config::Table& table, ServerCommandOptions& o);
/// Adds section `up:` (variables PODBUCKET_UP_*) bound to `o`'s own fields (o.server is the server section's).
void add_up_settings(config::Table& table, UpOptions& o);
/// Adds section `agent:` (variables PODBUCKET_AGENT_*) bound to `o`.
void add_agent_settings(config::Table& table, AgentCommandOptions& o);
/// Adds section `webhook:` (variables PODBUCKET_WEBHOOK_*) bound to `o`.
void add_webhook_settings(config::Table& table, WebhookCommandOptions& o);

/// Every section of every command, bound to options it owns (their defaults): what `config check` checks a file
/// against, what `config docs` prints, and how variables are judged.
struct Catalog {
  UpOptions up;  // up.server holds the server section
  AgentCommandOptions agent;
  WebhookCommandOptions webhook;
  config::Table table;
};
std::unique_ptr<Catalog> make_catalog();

/// The markdown of `podbucket config docs`: every section's table.
std::string settings_markdown();

/// The settings of one command: a table bound to the command's options, its flags and `--config FILE`.
/// Use: fill table(), attach() before parsing, load() in the command's callback. Must outlive the parse.
class CommandSettings {
 public:
  /// `command` names the command in messages ("server").
  explicit CommandSettings(std::string command) : command_(std::move(command)) {}

  config::Table& table() { return table_; }

  /// Checks that need every source at once (a pair of settings, files that must exist); run after loading.
  void set_final_check(std::function<std::vector<config::Issue>()> check) { final_check_ = std::move(check); }

  /// Adds `--config FILE` and a flag per setting of table() to `cmd`.
  void attach(CLI::App* cmd);

  /// Fills the bound options: flag > PODBUCKET_* variable > the file (--config, else $PODBUCKET_CONFIG) >
  /// default. The whole file is checked against every command's sections (unknown keys are errors). Writes every
  /// error to `err` as "podbucket COMMAND: WHERE: PROBLEM", and warnings about PODBUCKET_* variables that look like
  /// misspelt settings. Returns false when there was any error (the command must not run; exit code 2).
  bool load(std::ostream& err);

 private:
  std::string command_;
  config::Table table_;
  config::Flags flags_;
  std::string config_file_;
  std::function<std::vector<config::Issue>()> final_check_;
};

/// The final check of the server section: tls_cert and tls_key come as a pair and name existing files.
std::vector<config::Issue> check_server_settings(const ServerCommandOptions& o);
/// The final check of the agent section: ca_file, when set, names an existing file.
std::vector<config::Issue> check_agent_settings(const AgentCommandOptions& o);
/// The final check of the webhook section: tls_cert, tls_key and ca_file, when set, name existing files.
std::vector<config::Issue> check_webhook_settings(const WebhookCommandOptions& o);

}  // namespace podbucket::cli
