#include "backends/azureml/service/url_transport.h"

#include <cctype>

#include "support/text.h"

namespace jobc::azureml {
namespace {

std::string_view scheme_of(std::string_view url) {
  auto colon = url.find("://");
  return colon == std::string_view::npos ? std::string_view{} : url.substr(0, colon);
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// 127.0.0.0/8 written as a dotted quad (no shorthand forms: they are not loopback to every
// resolver).
bool is_loopback_ipv4(std::string_view host) {
  int parts = 0;
  std::string_view first;
  while (true) {
    auto dot = host.find('.');
    std::string_view part = host.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255) return false;
    if (parts++ == 0) first = part;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return parts == 4 && first == "127";
}

bool is_loopback(std::string_view host) {
  std::string name = lower(host);
  return name == "localhost" || name == "::1" || is_loopback_ipv4(name);
}

}  // namespace

std::string url_host(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) return "";
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    return close == std::string_view::npos ? "" : std::string(authority.substr(1, close - 1));
  }
  return std::string(authority.substr(0, authority.find(':')));
}

std::string url_without_query(std::string_view url) {
  return std::string(url.substr(0, url.find_first_of("?#")));
}

Status check_url_transport(std::string_view url) {
  std::string scheme = lower(scheme_of(url));
  std::string host = url_host(url);
  std::string shown = url_without_query(url);
  if (host.empty() || (scheme != "https" && scheme != "http")) {
    return fail("refusing " + shown + ": not an http(s) URL with a host");
  }
  if (scheme == "http" && !is_loopback(host)) {
    return fail("refusing " + shown +
                ": plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost); "
                "use https");
  }
  return {};
}

}  // namespace jobc::azureml
