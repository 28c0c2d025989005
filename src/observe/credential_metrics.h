#pragma once
// Temporary credentials vended, a family shared by STS and EKS Auth:
//   podbucket_credentials_issued_total{service,api}   service="sts" | "eks-auth";
//   api = "AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken", "AssumeRoleForPodIdentity"
// Only successful vends count; refusals show in podbucket_requests_total with their status.
#include <string>
#include <string_view>

#include "observe/metrics.h"

namespace podbucket::observe {

/// The counter of credentials issued by `service` through `api`. A registry lookup: call sites keep the
/// reference (a function-local static).
inline Counter& credentials_issued(std::string_view service, std::string_view api) {
  return metrics().counter("podbucket_credentials_issued_total", "Temporary credentials issued, by service and API",
                           {{"service", std::string(service)}, {"api", std::string(api)}});
}

}  // namespace podbucket::observe
