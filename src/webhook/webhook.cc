#include "webhook/webhook.h"

#include "webhook/review.h"

namespace podbucket::webhook {

Webhook::Webhook(WebhookOptions options, const AssociationSource& associations, core::Random& random)
    : options_(std::move(options)), associations_(associations), random_(random) {}

Webhook::~Webhook() { stop(); }

void Webhook::start() {
  http::ServerOptions opt;
  opt.host = options_.host;
  if (opt.host.size() >= 2 && opt.host.front() == '[' && opt.host.back() == ']') {
    opt.host = opt.host.substr(1, opt.host.size() - 2);
  }
  opt.port = options_.port;
  opt.tls = options_.tls;
  server_ = std::make_unique<http::Server>(
      opt, [this](http::Request& req) { return handle_request(req, associations_, options_.injection, random_); },
      nullptr);
  server_->start();
}

void Webhook::stop() {
  if (server_) server_->stop();
}

uint16_t Webhook::port() const { return server_ ? server_->port() : 0; }

}  // namespace podbucket::webhook
