#include "api/render_error.h"

#include <nlohmann/json.hpp>
#include <string>

#include "wire/xml_writer.h"

namespace podbucket::api {

namespace {

std::string message_of(const core::AwsError& error) {
  if (!error.message().empty()) return error.message();
  if (error.code() == "AccessDenied") return "Access Denied";
  if (error.http_status() >= 500) return "We encountered an internal error. Please try again.";
  return "The request failed: " + std::string(error.code().empty() ? "UnknownError" : error.code()) + ".";
}

std::string json_dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void add_error_headers(http::Response& res, const core::AwsError& error) {
  for (const auto& [k, v] : error.headers()) res.headers.set(k, v);
}

http::Response rest_xml(const core::AwsError& error, std::string_view request_id, std::string_view host_id,
                        bool is_head) {
  http::Response res;
  res.status = error.http_status();
  res.headers.set("x-amz-request-id", std::string(request_id));
  res.headers.set("x-amz-id-2", std::string(host_id));
  add_error_headers(res, error);
  if (is_head) {
    res.head = true;
    return res;
  }
  res.headers.set("Content-Type", "application/xml");
  std::string& b = res.body;
  b = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  b += wire::xml_escape(error.code());
  b += "</Code><Message>" + wire::xml_escape(message_of(error)) + "</Message>";
  for (const auto& [k, v] : error.fields()) b += "<" + k + ">" + wire::xml_escape(v) + "</" + k + ">";
  if (!error.resource().empty()) b += "<Resource>" + wire::xml_escape(error.resource()) + "</Resource>";
  b += "<RequestId>" + wire::xml_escape(request_id) + "</RequestId><HostId>" + wire::xml_escape(host_id) +
       "</HostId></Error>";
  return res;
}

http::Response query(std::string_view ns, const core::AwsError& error, std::string_view request_id) {
  http::Response res;
  res.status = error.http_status();
  res.headers.set("x-amzn-RequestId", std::string(request_id));
  add_error_headers(res, error);
  res.headers.set("Content-Type", "text/xml");
  res.body = "<ErrorResponse xmlns=\"" + std::string(ns) + "\"><Error><Type>" +
             (error.http_status() >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + wire::xml_escape(error.code()) +
             "</Code><Message>" + wire::xml_escape(message_of(error)) + "</Message></Error><RequestId>" +
             wire::xml_escape(request_id) + "</RequestId></ErrorResponse>";
  return res;
}

http::Response json11(const core::AwsError& error, std::string_view request_id) {
  http::Response res;
  res.status = error.http_status();
  res.headers.set("x-amzn-RequestId", std::string(request_id));
  add_error_headers(res, error);
  res.headers.set("Content-Type", "application/x-amz-json-1.1");
  nlohmann::ordered_json j;
  j["__type"] = std::string(error.code());
  j["message"] = message_of(error);
  res.body = json_dump(j);
  return res;
}

http::Response rest_json(const core::AwsError& error, std::string_view request_id) {
  http::Response res;
  res.status = error.http_status();
  res.headers.set("x-amzn-RequestId", std::string(request_id));
  res.headers.set("x-amzn-ErrorType", std::string(error.code()));
  add_error_headers(res, error);
  res.headers.set("Content-Type", "application/json");
  nlohmann::ordered_json j;
  j["message"] = message_of(error);
  // Extra members after the message, as EKS adds clusterName / addonName to its errors.
  for (const auto& [name, value] : error.fields()) j[name] = value;
  res.body = json_dump(j);
  return res;
}

}  // namespace

http::Response render_error(Protocol protocol, const core::AwsError& error, std::string_view request_id,
                            std::string_view host_id, bool is_head) {
  switch (protocol) {
    case Protocol::kRestXml:
      return rest_xml(error, request_id, host_id, is_head);
    case Protocol::kIamQuery:
      return query("https://iam.amazonaws.com/doc/2010-05-08/", error, request_id);
    case Protocol::kStsQuery:
      return query("https://sts.amazonaws.com/doc/2011-06-15/", error, request_id);
    case Protocol::kJson11:
      return json11(error, request_id);
    case Protocol::kRestJson:
      return rest_json(error, request_id);
  }
  return rest_xml(error, request_id, host_id, is_head);
}

}  // namespace podbucket::api
