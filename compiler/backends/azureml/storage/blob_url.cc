#include "backends/azureml/storage/blob_url.h"

#include <cctype>

#include "support/text.h"

namespace jobc::azureml {
namespace {

// The host without its port or IPv6 brackets: "127.0.0.1:10000" -> "127.0.0.1".
std::string_view bare_host(std::string_view host) {
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    return host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  }
  return host.substr(0, host.find(':'));
}

bool is_ipv4(std::string_view host) {
  int parts = 0;
  while (true) {
    size_t dot = host.find('.');
    std::string_view part = host.substr(0, dot);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    host = host.substr(dot + 1);
  }
  return parts == 4;
}

std::string_view host_of(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

}  // namespace

bool is_ip_or_localhost(std::string_view host) {
  std::string_view bare = bare_host(host);
  return iequals(bare, "localhost") || is_ipv4(bare) || host.starts_with('[');
}

bool is_loopback_host(std::string_view host) {
  std::string_view bare = bare_host(host);
  return iequals(bare, "localhost") || bare == "::1" || (is_ipv4(bare) && bare.starts_with("127."));
}

Status check_url_scheme(std::string_view url) {
  if (url.starts_with("https://")) return {};
  if (url.starts_with("http://")) {
    if (is_loopback_host(host_of(url))) return {};
    return fail("refusing plain http to " + std::string(host_of(url)) +
                ": only a loopback address may be reached without https");
  }
  return fail("not an http(s) URL: " + url_for_messages(url));
}

Result<std::string> blob_service_url(std::string_view account, std::string_view endpoint,
                                     std::string_view protocol) {
  if (account.empty()) return fail("the datastore names no storage account");
  for (char c : account) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c))) {
      return fail("storage account name '" + std::string(account) +
                  "' is not lowercase letters and digits");
    }
  }
  std::string host = trim(endpoint);
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.empty())
    return fail("the datastore of account '" + std::string(account) + "' has no endpoint");
  if (host.find_first_of("/?#@ ") != std::string::npos) {
    return fail("datastore endpoint '" + host + "' is not a host name");
  }
  std::string scheme = protocol.empty() ? "https" : lower(protocol);
  if (scheme != "https" && scheme != "http") {
    return fail("datastore protocol '" + std::string(protocol) + "' is neither https nor http");
  }
  std::string url = is_ip_or_localhost(host)
                        ? scheme + "://" + host + "/" + std::string(account)
                        : scheme + "://" + std::string(account) + ".blob." + host;
  if (auto checked = check_url_scheme(url); !checked) return checked.error();
  return url;
}

std::string encode_blob_name(std::string_view blob) {
  std::string out;
  while (true) {
    size_t slash = blob.find('/');
    out += url_encode(blob.substr(0, slash));
    if (slash == std::string_view::npos) break;
    out += '/';
    blob = blob.substr(slash + 1);
  }
  return out;
}

std::string blob_url(std::string_view service_url, std::string_view container,
                     std::string_view blob) {
  std::string url = std::string(service_url) + "/" + url_encode(container);
  if (!blob.empty()) url += "/" + encode_blob_name(blob);
  return url;
}

std::string url_for_messages(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

}  // namespace jobc::azureml
