#include "backends/docker/registry_auth.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "backends/docker/progress_stream.h"
#include "support/text.h"

namespace jobc::docker {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kDockerHub = "docker.io";

// A registry address as written in a spec or in config.json, reduced to its host[:port]:
// no scheme, no path; Docker Hub's many names become docker.io.
std::string normalize_registry(std::string address) {
  for (const char* scheme : {"https://", "http://"}) {
    if (address.starts_with(scheme)) address = address.substr(std::string(scheme).size());
  }
  if (auto slash = address.find('/'); slash != std::string::npos) address.resize(slash);
  if (address == "index.docker.io" || address == "registry-1.docker.io" ||
      address == "registry.hub.docker.com") {
    return kDockerHub;
  }
  return address;
}

std::string server_address(const std::string& registry) {
  return registry == kDockerHub ? "https://index.docker.io/v1/" : registry;
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

std::string ImageReference::full() const {
  return repository + (digest.empty() ? ":" + tag : "@" + digest);
}

ImageReference parse_image_reference(const std::string& image) {
  ImageReference ref;
  std::string name = image;
  if (auto at = name.find('@'); at != std::string::npos) {
    ref.digest = name.substr(at + 1);
    name.resize(at);
  }
  auto slash = name.rfind('/');
  auto colon = name.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = name.substr(colon + 1);
    name.resize(colon);
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  ref.repository = name;
  auto first_slash = name.find('/');
  std::string first = first_slash == std::string::npos ? "" : name.substr(0, first_slash);
  bool has_host = !first.empty() && (first.find('.') != std::string::npos ||
                                     first.find(':') != std::string::npos || first == "localhost");
  ref.registry = has_host ? normalize_registry(first) : kDockerHub;
  return ref;
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

fs::path docker_config_file(const EnvLookup& env) {
  if (auto dir = env("DOCKER_CONFIG"); dir && !dir->empty()) return fs::path(*dir) / "config.json";
  if (auto home = env("HOME"); home && !home->empty()) {
    return fs::path(*home) / ".docker" / "config.json";
  }
  return {};
}

Result<std::optional<RegistryCredentials>> find_credentials(
    const std::optional<RegistryRef>& registry, const std::string& registry_host,
    const EnvLookup& env, const fs::path& config_file) {
  using Found = std::optional<RegistryCredentials>;
  std::string host = normalize_registry(registry_host);
  if (registry && normalize_registry(registry->address) == host) {
    RegistryCredentials credentials;
    credentials.server = server_address(host);
    credentials.username = registry->username;
    if (!registry->password_env.empty()) {
      auto value = env(registry->password_env);
      if (!value || value->empty()) {
        return fail(fmt::format(
            "the environment's registry {} takes its password from ${}, which is not set: "
            "export {}=... before jobc submit",
            registry->address, registry->password_env, registry->password_env));
      }
      credentials.password = *value;
      credentials.source = "$" + registry->password_env + " (registry.password_env)";
    } else if (!registry->password_file.empty()) {
      fs::path file = registry->password_file;
      if (file.string().starts_with("~/")) {
        if (auto home = env("HOME")) file = fs::path(*home) / file.string().substr(2);
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        return fail(fmt::format(
            "the environment's registry {} takes its password from the file '{}', which cannot "
            "be read",
            registry->address, registry->password_file));
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      credentials.password = trim(buffer.str());
      credentials.source = "the file " + registry->password_file + " (registry.password_file)";
    }
    if (!credentials.password.empty()) {
      if (credentials.username.empty()) {
        return fail(
            fmt::format("the environment's registry {} has a password but no username: add "
                        "registry.username",
                        registry->address));
      }
      return Found(std::move(credentials));
    }
    // No password in the spec: ~/.docker/config.json may have one.
  }
  if (config_file.empty()) return Found();
  std::ifstream in(config_file);
  if (!in) return Found();
  json config = json::parse(in, nullptr, false);
  if (!config.is_object() || !config.contains("auths") || !config["auths"].is_object()) {
    return Found();
  }
  for (const auto& [key, entry] : config["auths"].items()) {
    if (normalize_registry(key) != host || !entry.is_object()) continue;
    RegistryCredentials credentials;
    credentials.server = server_address(host);
    credentials.source = config_file.string() + " (auths)";
    if (entry.contains("auth") && entry["auth"].is_string()) {
      auto decoded = base64_decode(entry["auth"].get<std::string>());
      if (!decoded || decoded->find(':') == std::string::npos) continue;
      credentials.username = decoded->substr(0, decoded->find(':'));
      credentials.password = decoded->substr(decoded->find(':') + 1);
    } else {
      credentials.username = entry.value("username", "");
      credentials.password = entry.value("password", "");
    }
    if (registry && !registry->username.empty() && credentials.username != registry->username) {
      continue;  // the spec names another user
    }
    if (!credentials.password.empty()) return Found(std::move(credentials));
  }
  return Found();
}

std::string registry_auth_header(const RegistryCredentials& credentials) {
  json auth = {{"username", credentials.username},
               {"password", credentials.password},
               {"serveraddress", credentials.server}};
  return base64url_encode(auth.dump());
}

std::string registry_config_header(const RegistryCredentials& credentials) {
  json config = {{credentials.server,
                  {{"username", credentials.username}, {"password", credentials.password}}}};
  return base64url_encode(config.dump());
}

std::string explain_pull_error(const ImageReference& image, const std::string& engine_error,
                               const std::optional<RegistryRef>& registry,
                               const std::optional<RegistryCredentials>& credentials) {
  const std::string& host = image.registry;
  std::string text = engine_error;
  std::string lowered = lower(text);
  std::string mismatch;
  if (registry && normalize_registry(registry->address) != host) {
    mismatch = fmt::format(
        " (note: the environment's registry.address is {}, but the image {} "
        "is on {})",
        registry->address, image.full(), host);
  }
  std::string why;
  if (contains(lowered, "no basic auth credentials") ||
      ((contains(lowered, "unauthorized") || contains(lowered, "authentication required") ||
        contains(lowered, "401")) &&
       !credentials)) {
    why = fmt::format(
        "the registry {} wants a login and jobc has no credentials for it: give the "
        "environment `registry: {{address: {}, username: ..., password_env: VARIABLE}}` (or "
        "password_file), or log in with `docker login {}`",
        host, host, host);
  } else if (contains(lowered, "unauthorized") || contains(lowered, "authentication required") ||
             contains(lowered, "401") || contains(lowered, "incorrect username or password")) {
    why = fmt::format(
        "the registry {} refused the login of user '{}' (401 unauthorized): check "
        "registry.username and the password in {}",
        host, credentials->username, credentials->source);
  } else if (contains(lowered, "no such host") || contains(lowered, "server misbehaving") ||
             contains(lowered, "name or service not known") ||
             contains(lowered, "temporary failure in name resolution")) {
    why = fmt::format(
        "the registry {} is unknown: its name does not resolve; check the registry address in "
        "the image name '{}' (and registry.address)",
        host, image.full());
  } else if (contains(lowered, "connection refused") || contains(lowered, "i/o timeout") ||
             contains(lowered, "network is unreachable") || contains(lowered, "no route to host") ||
             contains(lowered, "deadline exceeded") || contains(lowered, "connection reset") ||
             contains(lowered, "tls handshake timeout")) {
    why = fmt::format(
        "the registry {} cannot be reached: is it running and is the address (and port) right? "
        "A firewall or proxy may also stand between this machine and it",
        host);
  } else if (contains(lowered, "manifest unknown") || contains(lowered, "not found") ||
             contains(lowered, "does not exist")) {
    why =
        fmt::format("the registry {} has no image {}: check its name and tag", host, image.full());
  } else if (contains(lowered, "denied")) {
    why = fmt::format(
        "the registry {} denied access to {}: the user may lack pull rights, or the image "
        "does not exist",
        host, image.full());
  } else {
    why = fmt::format("pulling {} from {} failed", image.full(), host);
  }
  return fmt::format("{}{}\n  the engine said: {}", why, mismatch, text);
}

Status pull_image(const EngineClient& engine, const ImageReference& image,
                  const std::optional<RegistryCredentials>& credentials,
                  const std::optional<RegistryRef>& registry, std::ostream& progress,
                  bool terminal) {
  std::string tag = image.digest.empty() ? image.tag : image.digest;
  HttpRequest request =
      engine.request("POST", "/images/create?fromImage=" + url_encode(image.repository) +
                                 "&tag=" + url_encode(tag));
  request.timeout_ms = 0;  // large images take long; the stream shows progress
  request.connect_timeout_ms = 10000;
  if (credentials)
    request.headers.emplace_back("X-Registry-Auth", registry_auth_header(*credentials));
  ProgressDisplay display(progress, terminal, "jobc: ");
  std::string stream_error;
  std::set<std::string> layers;
  std::set<std::string> done;
  JsonLineDecoder decoder([&](const json& message) {
    if (message.contains("error") || message.contains("errorDetail")) {
      std::string text = message.value("error", "");
      if (message.contains("errorDetail") && message["errorDetail"].is_object()) {
        text = message["errorDetail"].value("message", text);
      }
      stream_error = text;
      return;
    }
    if (message.contains("message") && message["message"].is_string()) {
      stream_error = message["message"].get<std::string>();  // an error status's body
      return;
    }
    std::string status = message.value("status", "");
    std::string id = message.value("id", "");
    if (status == "Pulling fs layer" || status == "Waiting") layers.insert(id);
    if (status == "Pull complete" || status == "Already exists") {
      layers.insert(id);
      done.insert(id);
    }
    bool in_progress = message.contains("progressDetail") &&
                       message["progressDetail"].is_object() &&
                       message["progressDetail"].contains("current");
    if (terminal) {
      std::string line =
          fmt::format("pulling {}: {}/{} layers", image.full(), done.size(), layers.size());
      if (!status.empty()) line += ", " + (id.empty() ? "" : id + " ") + status;
      if (in_progress) line += " " + message.value("progress", "");
      display.show(line);
    } else if (!in_progress && !status.empty()) {
      display.say((id.empty() ? "" : id + ": ") + status);
    }
  });
  request.on_chunk = [&](std::string_view chunk) {
    if (!chunk.empty()) decoder.feed(chunk);
    return true;
  };
  display.say("pulling " + image.full());
  HttpResult response = engine.perform(request);
  decoder.finish();
  display.clear();
  if (!response) return fail(engine.describe_failure(response));
  if (response->status >= 300 || !stream_error.empty()) {
    std::string text = stream_error;
    if (text.empty()) text = "HTTP " + std::to_string(response->status);
    return fail(explain_pull_error(image, text, registry, credentials));
  }
  display.say("pulled " + image.full());
  return {};
}

}  // namespace jobc::docker
