#include "api/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "api/access_log.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/authz/permissions.h"
#include "s3/bucket/cors.h"
#include "s3/errors.h"
#include "s3/service.h"

namespace podbucket::api {

namespace {

constexpr core::ErrorCode kUnknownOperationException{"UnknownOperationException", 400};
constexpr size_t kFormPeekLimit = 64 * 1024;

// STS actions; every other form Action goes to IAM. https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html
constexpr std::array<std::string_view, 9> kStsActions = {
    "AssumeRole",        "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",        "DecodeAuthorizationMessage",
    "GetAccessKeyInfo", "GetCallerIdentity",  "GetFederationToken",        "GetSessionToken"};

/// Counts the bytes the service pulls from the connection (the access log's bytes_in).
class CountingBodySource final : public http::BodySource {
 public:
  explicit CountingBodySource(http::BodySource* inner) : inner_(inner) {}
  size_t read(char* buf, size_t n) override {
    size_t k = inner_->read(buf, n);
    count_ += k;
    return k;
  }
  uint64_t count() const { return count_; }

 private:
  http::BodySource* inner_;
  uint64_t count_ = 0;
};

/// Bytes already read (to peek at a form body), then the rest of the connection's body.
class PrefixBodySource final : public http::BodySource {
 public:
  PrefixBodySource(std::string prefix, http::BodySource* rest) : prefix_(std::move(prefix)), rest_(rest) {}
  size_t read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::copy_n(prefix_.data() + pos_, k, buf);
      pos_ += k;
      return k;
    }
    return rest_->read(buf, n);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  http::BodySource* rest_;
};

bool is_form_post(const http::Request& req) {
  auto ct = req.headers.get("Content-Type");
  return req.method == "POST" && req.path == "/" && ct &&
         core::to_lower(*ct).rfind("application/x-www-form-urlencoded", 0) == 0;
}

/// The decoded value of Action= in a form body ("" when absent).
std::string form_action(std::string_view form) {
  while (!form.empty()) {
    auto amp = form.find('&');
    auto pair = form.substr(0, amp);
    if (pair.rfind("Action=", 0) == 0) return core::percent_decode(pair.substr(7), true).value_or("");
    if (amp == std::string_view::npos) break;
    form.remove_prefix(amp + 1);
  }
  return {};
}

/// The caller as the observers see it: no secret key, no session token, no session policy.
observe::Identity identity_of(const core::Principal& p) {
  observe::Identity id;
  switch (p.type) {
    case core::PrincipalType::kAnonymous: id.type = "AWSAccount"; break;
    case core::PrincipalType::kRoot: id.type = "Root"; break;
    case core::PrincipalType::kUser: id.type = "IAMUser"; break;
    case core::PrincipalType::kAssumedRole: id.type = "AssumedRole"; break;
  }
  id.arn = p.arn;
  id.account_id = p.account_id;
  id.principal_id = p.user_id;
  id.access_key_id = p.access_key_id;
  id.user_name = p.user_name;
  id.role_arn = p.role_arn;
  id.session_name = p.session_name;
  id.session_issued_s = p.token_issue_time_s;
  id.tags = p.tags;
  return id;
}

}  // namespace

std::string_view service_name(Service service) {
  switch (service) {
    case Service::kS3: return "s3";
    case Service::kIam: return "iam";
    case Service::kSts: return "sts";
    case Service::kKms: return "kms";
    case Service::kEks: return "eks";
    case Service::kEksAuth: return "eks-auth";
  }
  return "s3";
}

Protocol protocol_of(Service service) {
  switch (service) {
    case Service::kS3: return Protocol::kRestXml;
    case Service::kIam: return Protocol::kIamQuery;
    case Service::kSts: return Protocol::kStsQuery;
    case Service::kKms: return Protocol::kJson11;
    case Service::kEks:
    case Service::kEksAuth: return Protocol::kRestJson;
  }
  return Protocol::kRestXml;
}

Service pick_service(const http::Request& req, std::string_view scope_service, std::string_view action) {
  if (!scope_service.empty()) {
    for (Service s : {Service::kS3, Service::kIam, Service::kSts, Service::kKms, Service::kEks, Service::kEksAuth})
      if (scope_service == service_name(s)) return s;
    return Service::kS3;
  }
  if (auto target = req.headers.get("X-Amz-Target"); target && target->rfind("TrentService.", 0) == 0)
    return Service::kKms;
  if (is_form_post(req)) {
    bool sts = std::find(kStsActions.begin(), kStsActions.end(), action) != kStsActions.end();
    return sts ? Service::kSts : Service::kIam;
  }
  return Service::kS3;
}

sigv4::KeyLookup root_key_lookup(std::string access_key_id, std::string secret_access_key, std::string account_id) {
  return [=](std::string_view id) -> std::optional<sigv4::KeyInfo> {
    if (id != access_key_id) return std::nullopt;
    sigv4::KeyInfo info;
    info.secret_access_key = secret_access_key;
    info.principal.anonymous = false;
    info.principal.root = true;
    info.principal.type = core::PrincipalType::kRoot;
    info.principal.access_key_id = access_key_id;
    info.principal.account_id = account_id;
    info.principal.arn = "arn:aws:iam::" + account_id + ":root";
    info.principal.user_id = account_id;
    return info;
  };
}

/// Per-request bookkeeping for the error rendering and the observers.
struct Dispatcher::Exchange {
  std::string host_id;
  Service service = Service::kS3;
  observe::RequestSummary summary;  // request_id, operation, identity, ... filled as the request goes
  std::unique_ptr<http::BodySource> peeked_body;  // keeps a PrefixBodySource alive
};

Dispatcher::Dispatcher(store::Metadata& meta, store::Blobs& blobs, const core::Clock& clock, core::Random& random,
                       s3::Config config, ControlPlane control)
    : meta_(meta),
      blobs_(blobs),
      clock_(clock),
      random_(random),
      request_ids_(random),
      config_(std::move(config)),
      control_(std::move(control)) {}

void Dispatcher::add_key_lookup(sigv4::KeyLookup lookup) { lookups_.push_back(std::move(lookup)); }

void Dispatcher::add_observer(RequestObserver observer) { observers_.push_back(std::move(observer)); }

std::optional<sigv4::KeyInfo> Dispatcher::lookup_key(std::string_view access_key_id) const {
  for (const auto& lookup : lookups_)
    if (auto key = lookup(access_key_id)) return key;
  return std::nullopt;
}

core::Result<http::Response> Dispatcher::serve(http::Request& req, Exchange& x) {
  if (control_.oidc && req.path.rfind("/_oidc/", 0) == 0) {
    x.service = Service::kEks;
    x.summary.operation = "OidcDiscovery";
    return control_.oidc(req);
  }
  auto scope = sigv4::peek_scope(req);
  std::string action;
  if (scope && !*scope && is_form_post(req)) {
    // Unsigned form POST: which of IAM/STS it is depends on Action=, so peek at the body and put it back.
    std::string prefix(kFormPeekLimit, '\0');
    size_t got = 0;
    while (got < prefix.size()) {
      size_t n = req.body->read(prefix.data() + got, prefix.size() - got);
      if (n == 0) break;
      got += n;
    }
    prefix.resize(got);
    action = form_action(prefix);
    x.peeked_body = std::make_unique<PrefixBodySource>(std::move(prefix), req.body);
    req.body = x.peeked_body.get();
  }
  x.service = pick_service(req, scope && *scope ? (*scope)->service : std::string_view(), action);
  if (!scope) return scope.error();
  // The key the request claims, for the audit trail of a request whose signature then fails to verify; a verified
  // caller's identity replaces it.
  if (*scope) x.summary.identity.access_key_id = (*scope)->access_key_id;
  if (!action.empty()) x.summary.operation = action;

  if (x.service == Service::kS3) return serve_s3(req, x);
  return serve_control(req, x);
}

iam::RequestFacts Dispatcher::facts_of(const http::Request& req, std::string_view region) const {
  iam::RequestFacts facts;
  facts.source_ip = req.remote_ip;
  facts.secure_transport = req.secure;
  facts.region = region.empty() ? config_.region : std::string(region);
  if (auto ua = req.headers.get("User-Agent")) facts.user_agent = std::string(*ua);
  facts.now = clock_.now();
  return facts;
}

core::Result<http::Response> Dispatcher::serve_control(http::Request& req, Exchange& x) {
  const ServiceHandler* handler = nullptr;
  switch (x.service) {
    case Service::kIam: handler = &control_.iam; break;
    case Service::kSts: handler = &control_.sts; break;
    case Service::kKms: handler = &control_.kms; break;
    case Service::kEks: handler = &control_.eks; break;
    case Service::kEksAuth: handler = &control_.eks_auth; break;
    case Service::kS3: break;
  }
  if (x.service == Service::kKms) {
    if (auto target = req.headers.get("X-Amz-Target"); target && target->rfind("TrentService.", 0) == 0)
      x.summary.operation = std::string(target->substr(13));
  }
  if (handler == nullptr || !*handler) {
    if (x.service == Service::kKms)
      return core::AwsError(kUnknownOperationException, "KMS is not available on this server.");
    return core::AwsError(core::kNotImplemented,
                          std::string(service_name(x.service)) + " is not available on this server yet.");
  }
  auto verified = sigv4::verify(
      req, [this](std::string_view id) { return lookup_key(id); }, clock_);
  if (!verified) return verified.error();
  x.summary.identity = identity_of(verified->principal);
  x.summary.region = verified->scope.region;
  req.body = verified->body.get();
  // STS answers AssumeRoleWithWebIdentity unsigned; every other service requires a signature.
  if (verified->principal.anonymous && x.service != Service::kSts) {
    if (x.service == Service::kKms) {
      return core::AwsError(core::ErrorCode{"MissingAuthenticationTokenException", 400},
                            "Missing Authentication Token");
    }
    return core::AwsError(core::ErrorCode{"MissingAuthenticationToken", 403}, "Request is missing Authentication Token");
  }
  auto facts = facts_of(req, verified->scope.region);
  iam::Call call{verified->principal, facts, x.summary.request_id};
  return (*handler)(call, req);
}

core::Result<http::Response> Dispatcher::serve_s3(http::Request& req, Exchange& x) {
  // Routing is pure: do it first so that even an auth failure is logged with its operation name, but report
  // auth errors before routing errors, as S3 does.
  auto op = s3::route(req, config_);
  if (op) {
    x.summary.operation = std::string(s3::op_name(op->kind));
    if (!op->bucket.empty()) observe::record_parameter("bucketName", op->bucket);
    if (!op->key.empty()) observe::record_parameter("key", op->key);
  }

  auto verified = sigv4::verify(
      req, [this](std::string_view id) { return lookup_key(id); }, clock_, config_.region);
  if (!verified) return verified.error();
  x.summary.identity = identity_of(verified->principal);
  x.summary.region = verified->scope.region;
  req.body = verified->body.get();
  if (!op) return op.error();
  s3::Context ctx{meta_, blobs_, clock_, random_, config_, verified->principal, x.summary.request_id, control_.key_service,
                  {}};
  if (control_.authorizer == nullptr) {
    // No IAM: only the root user is served.
    if (!ctx.caller.root) return core::AwsError(core::kAccessDenied, "Access Denied");
    return s3::dispatch(ctx, *op, req);
  }
  if (op->kind == s3::OpKind::kUnsupported) return s3::dispatch(ctx, *op, req);  // NotImplemented, before authz
  return serve_s3_authorized(req, x, *op, verified->scope, ctx);
}

core::Result<http::Response> Dispatcher::serve_s3_authorized(http::Request& req, Exchange& x, const s3::Operation& op,
                                                             const sigv4::Scope& scope, s3::Context& ctx) {
  // Denials carry the bucket's CORS headers too, so that a browser sees the AccessDenied and not an opaque failure.
  auto denied = [&](core::AwsError error) {
    core::Result<http::Response> result = std::move(error);
    s3::bucket::decorate_cors(ctx, op, req, result);
    return result;
  };
  auto context = iam::global_context(ctx.caller, facts_of(req, scope.region));
  s3::authz::SigningFacts signing;
  signing.presigned = scope.presigned;
  signing.sigv2 = scope.date.empty();
  signing.anonymous = ctx.caller.anonymous;
  s3::authz::add_s3_condition_keys(context, op, req, signing, config_.account_id);
  s3::authz::Gate gate(*control_.authorizer, meta_, bucket_policies_, ctx.caller, std::move(context),
                       config_.account_id, x.summary.request_id);
  auto permissions = s3::authz::required_permissions(op, req);
  if (!permissions) return permissions.error();
  for (const auto& permission : *permissions) {
    if (auto ok = gate.check(permission); !ok) return denied(ok.error());
  }
  ctx.authorize = [&gate](std::string_view action, std::string_view resource, std::string_view bucket) {
    return gate.check(action, resource, bucket);
  };
  auto result = s3::dispatch(ctx, op, req);
  switch (op.kind) {
    case s3::OpKind::kPutBucketPolicy:
    case s3::OpKind::kDeleteBucketPolicy:
    case s3::OpKind::kCreateBucket:
    case s3::OpKind::kDeleteBucket: bucket_policies_.invalidate(op.bucket); break;
    default: break;
  }
  // A missing key is 404 only for callers who may list the bucket; others get 403, so that they cannot probe
  // which keys exist (GetObject / HeadObject "Permissions").
  bool probe = op.kind == s3::OpKind::kGetObject || op.kind == s3::OpKind::kHeadObject;
  if (!result && probe && result.error().is(s3::kNoSuchKey)) {
    if (auto ok = gate.check("s3:ListBucket", s3::authz::bucket_arn(op.bucket), op.bucket); !ok) {
      return denied(ok.error());
    }
  }
  return result;
}

http::Response Dispatcher::handle(http::Request& req) {
  auto started = std::chrono::steady_clock::now();
  Exchange x;
  observe::RequestSummary& summary = x.summary;
  observe::TraceScope trace(summary);
  summary.time = core::format_iso8601_ms(clock_.now());
  auto ids = request_ids_.next();
  summary.request_id = std::move(ids.request_id);
  x.host_id = std::move(ids.host_id);
  summary.operation = req.method + " " + req.path;
  summary.method = req.method;
  summary.remote_ip = req.remote_ip;
  if (auto ua = req.headers.get("User-Agent")) summary.user_agent = std::string(*ua);

  http::BodySource* original_body = req.body;
  CountingBodySource counting(req.body);
  req.body = &counting;
  bool is_head = req.method == "HEAD";
  std::optional<core::AwsError> error;
  http::Response res;
  try {
    auto result = serve(req, x);
    if (result) {
      res = std::move(*result);
    } else {
      error = result.error();
    }
  } catch (const core::AwsException& e) {
    error = e.error();
  } catch (const store::Unavailable& e) {
    spdlog::error("request {}: storage unavailable: {}", summary.request_id, e.what());
    error = core::AwsError(core::kServiceUnavailable, "Please reduce your request rate.");
  } catch (const std::exception& e) {
    spdlog::error("request {}: internal error: {}", summary.request_id, e.what());
    error = core::AwsError(core::kInternalError, "We encountered an internal error. Please try again.");
  }
  req.body = original_body;
  if (error) res = render_error(protocol_of(x.service), *error, summary.request_id, x.host_id, is_head);
  if (!res.headers.has("x-amz-request-id")) res.headers.set("x-amz-request-id", summary.request_id);
  if (!res.headers.has("x-amz-id-2")) res.headers.set("x-amz-id-2", x.host_id);
  if (x.service != Service::kS3 && !res.headers.has("x-amzn-RequestId"))
    res.headers.set("x-amzn-RequestId", summary.request_id);

  summary.service = std::string(service_name(x.service));
  if (summary.region.empty()) summary.region = config_.region;
  summary.status = res.status;
  if (error) {
    summary.error_code = std::string(error->code());
    summary.error_message = error->message();
  }
  summary.bytes_in = counting.count();
  summary.bytes_out = (is_head || res.head) ? 0 : (res.stream ? res.stream_length : res.body.size());
  summary.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  notify(summary);
  return res;
}

http::Response Dispatcher::handle_server_error(const core::AwsError& error, const http::Request& req) {
  observe::RequestSummary summary;
  summary.time = core::format_iso8601_ms(clock_.now());
  auto ids = request_ids_.next();
  summary.request_id = std::move(ids.request_id);
  std::string host_id = std::move(ids.host_id);
  bool is_head = req.method == "HEAD";
  auto res = render_error(Protocol::kRestXml, error, summary.request_id, host_id, is_head);
  summary.service = "s3";
  summary.operation = req.method.empty() ? "-" : req.method + " " + req.path;
  summary.method = req.method;
  summary.region = config_.region;
  summary.remote_ip = req.remote_ip;
  summary.status = res.status;
  summary.error_code = std::string(error.code());
  summary.error_message = error.message();
  summary.bytes_out = res.body.size();
  notify(summary);
  return res;
}

void Dispatcher::notify(const observe::RequestSummary& summary) const {
  for (const auto& observer : observers_) {
    try {
      observer(summary);
    } catch (const std::exception& e) {
      spdlog::error("request {}: observer failed: {}", summary.request_id, e.what());
    }
  }
}

http::Handler Dispatcher::handler() {
  return [this](http::Request& req) { return handle(req); };
}

std::function<http::Response(const core::AwsError&, const http::Request&)> Dispatcher::error_responder() {
  return [this](const core::AwsError& e, const http::Request& req) { return handle_server_error(e, req); };
}

}  // namespace podbucket::api
