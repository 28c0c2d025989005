#pragma once
// The webhook server: HTTPS (or plain HTTP for tests) serving POST /mutate and GET /healthz (spec 4.1).
// `podbucket webhook` runs one; its associations come from the podbucket server or a file.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/random.h"
#include "http/server.h"
#include "webhook/associations.h"
#include "webhook/patch.h"

namespace podbucket::webhook {

struct WebhookOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 443;  // 0 = a free port (tests)
  std::optional<http::TlsOptions> tls;
  InjectionConfig injection;
};

/// start()/stop() from one thread. `associations` and `random` outlive the webhook.
class Webhook {
 public:
  Webhook(WebhookOptions options, const AssociationSource& associations, core::Random& random);
  ~Webhook();
  /// Throws std::runtime_error when the address cannot be bound or the TLS files cannot be loaded.
  void start();
  void stop();
  uint16_t port() const;

 private:
  WebhookOptions options_;
  const AssociationSource& associations_;
  core::Random& random_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace podbucket::webhook
