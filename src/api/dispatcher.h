#pragma once
// One port for every AWS service: mint request ids, route by the credential scope (or the request's shape),
// verify SigV4, call the service, render errors once, and tell the observers (access log, metrics, audit) about
// every request.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/render_error.h"
#include "api/request_ids.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "kms/key_service.h"
#include "observe/request_trace.h"
#include "s3/authz/gate.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "sigv4/verify.h"
#include "store/blobs.h"
#include "store/metadata.h"

namespace podbucket::api {

/// The AWS services podbucket answers (or will answer) on its one port.
enum class Service { kS3, kIam, kSts, kKms, kEks, kEksAuth };

/// The service name as it appears in the SigV4 credential scope ("s3", "iam", ...).
std::string_view service_name(Service service);
/// The error protocol of a service.
Protocol protocol_of(Service service);

/// Picks the service for a request: the SigV4 scope's service when signed, else by shape (X-Amz-Target
/// TrentService.* → KMS; form-encoded POST to / → STS for STS actions, else IAM), else S3 (anonymous).
/// `form_action` is the Action= of a form body when the caller already peeked it (may be empty).
/// Errors: none; an unknown scope service routes to S3 (which then fails verification loudly).
Service pick_service(const http::Request& req, std::string_view scope_service, std::string_view form_action);

/// A KeyLookup for the root user of `account_id`: principal arn:aws:iam::ACCOUNT:root.
sigv4::KeyLookup root_key_lookup(std::string access_key_id, std::string secret_access_key, std::string account_id);

/// A service's entry point: the verified caller and transport facts, and the request (body unread).
using ServiceHandler = std::function<core::Result<http::Response>(const iam::Call&, http::Request&)>;

/// The control plane the dispatcher routes to. Everything is optional: without an authorizer only the root user
/// is served (S3-only unit tests); a service without a handler answers its protocol's "not available" error.
struct ControlPlane {
  iam::Authorizer* authorizer = nullptr;
  kms::KeyService* key_service = nullptr;  // S3 server-side encryption
  ServiceHandler iam, sts, kms, eks, eks_auth;
  std::function<core::Result<http::Response>(const http::Request&)> oidc;  // unsigned /_oidc/...
};

/// Called once per request after the response is built (before its body streams): the access log, metrics, the
/// audit trail. Runs on the connection's thread; must be thread-safe and should not block for long. An exception
/// is logged and swallowed.
using RequestObserver = std::function<void(const observe::RequestSummary&)>;

/// Builds the http::Handler for the whole server. Thread-safe once serving starts (add_key_lookup must happen
/// before).
class Dispatcher {
 public:
  /// The stores, clock, randomness and configuration outlive the Dispatcher.
  Dispatcher(store::Metadata& meta, store::Blobs& blobs, const core::Clock& clock, core::Random& random,
             s3::Config config, ControlPlane control = {});

  /// Adds a source of access keys (root, IAM users, STS sessions); the first that knows a key wins.
  /// Not thread-safe: call before serving.
  void add_key_lookup(sigv4::KeyLookup lookup);
  /// Adds an observer of finished requests. Not thread-safe: call before serving.
  void add_observer(RequestObserver observer);

  /// Answers one request: never throws; every error is rendered in the protocol of the routed service.
  http::Response handle(http::Request& req);
  /// Renders an error the http layer raised itself (header limits, overload): S3 dialect, with fresh ids.
  http::Response handle_server_error(const core::AwsError& error, const http::Request& req);

  /// handle() and handle_server_error() as the callbacks http::Server takes. The Dispatcher must outlive them.
  http::Handler handler();
  std::function<http::Response(const core::AwsError&, const http::Request&)> error_responder();

 private:
  struct Exchange;
  core::Result<http::Response> serve(http::Request& req, Exchange& x);
  core::Result<http::Response> serve_s3(http::Request& req, Exchange& x);
  core::Result<http::Response> serve_s3_authorized(http::Request& req, Exchange& x, const s3::Operation& op,
                                                   const sigv4::Scope& scope, s3::Context& ctx);
  core::Result<http::Response> serve_control(http::Request& req, Exchange& x);
  iam::RequestFacts facts_of(const http::Request& req, std::string_view region) const;
  std::optional<sigv4::KeyInfo> lookup_key(std::string_view access_key_id) const;
  void notify(const observe::RequestSummary& summary) const;

  store::Metadata& meta_;
  store::Blobs& blobs_;
  const core::Clock& clock_;
  core::Random& random_;
  RequestIds request_ids_;
  s3::Config config_;
  ControlPlane control_;
  s3::authz::BucketPolicyCache bucket_policies_;
  std::vector<sigv4::KeyLookup> lookups_;
  std::vector<RequestObserver> observers_;
};

}  // namespace podbucket::api
