// Registry credentials: where they come from, how they are sent (X-Registry-Auth only), and
// how a refused, unknown or unreachable registry is explained.
#include "backends/docker/registry_auth.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/temp_dir.h"
#include "fake_transport.h"

namespace fs = std::filesystem;
using namespace jobc::docker;
using jobc::RegistryRef;

namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

nlohmann::json decode_header(const std::string& header) {
  CHECK(header.find('+') == std::string::npos);
  CHECK(header.find('/') == std::string::npos);
  auto text = base64_decode(header);
  REQUIRE(text);
  return nlohmann::json::parse(*text);
}

}  // namespace

TEST_SUITE("docker_backend") {
  TEST_CASE("image references: registry, repository, tag, digest") {
    auto hub = parse_image_reference("fastdotai/fastai2");
    CHECK(hub.registry == "docker.io");
    CHECK(hub.repository == "fastdotai/fastai2");
    CHECK(hub.tag == "latest");
    auto local = parse_image_reference("127.0.0.1:5000/jobc/python:bookworm");
    CHECK(local.registry == "127.0.0.1:5000");
    CHECK(local.repository == "127.0.0.1:5000/jobc/python");
    CHECK(local.tag == "bookworm");
    auto acr = parse_image_reference("myregistry.azurecr.io/fastai2@sha256:abc");
    CHECK(acr.registry == "myregistry.azurecr.io");
    CHECK(acr.digest == "sha256:abc");
    CHECK(acr.full() == "myregistry.azurecr.io/fastai2@sha256:abc");
    CHECK(parse_image_reference("localhost/x").registry == "localhost");
    CHECK(parse_image_reference("local/debian:bookworm").registry == "docker.io");
  }

  TEST_CASE("base64 through OpenSSL, and its URL-safe form") {
    CHECK(base64_encode("user:pass") == "dXNlcjpwYXNz");
    CHECK(base64_encode("") == "");
    CHECK(base64url_encode("\xfb\xff") == "-_8=");
    CHECK(base64_decode("dXNlcjpwYXNz") == std::optional<std::string>("user:pass"));
    CHECK(base64_decode("-_8=") == std::optional<std::string>("\xfb\xff"));
  }

  TEST_CASE("password_env gives the variable's value; an unset variable is an error naming it") {
    RegistryRef ref{"127.0.0.1:5000", "trainer", "REGISTRY_PASSWORD", ""};
    auto found =
        find_credentials(ref, "127.0.0.1:5000", env_of({{"REGISTRY_PASSWORD", "s3cret"}}), {});
    REQUIRE(found);
    const auto& credentials = *found;
    REQUIRE(credentials);
    CHECK(credentials->username == "trainer");
    CHECK(credentials->password == "s3cret");
    CHECK(credentials->source.find("$REGISTRY_PASSWORD") != std::string::npos);
    auto header = decode_header(registry_auth_header(*credentials));
    CHECK(header == nlohmann::json{{"username", "trainer"},
                                   {"password", "s3cret"},
                                   {"serveraddress", "127.0.0.1:5000"}});
    auto config = decode_header(registry_config_header(*credentials));
    CHECK(config["127.0.0.1:5000"]["password"] == "s3cret");

    auto unset = find_credentials(ref, "127.0.0.1:5000", env_of({}), {});
    REQUIRE_FALSE(unset);
    CHECK(unset.error().message.find("REGISTRY_PASSWORD") != std::string::npos);
    CHECK(unset.error().message.find("not set") != std::string::npos);
  }

  TEST_CASE("password_file gives the file's content, trimmed") {
    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "pw") << "  from-file\n";
    RegistryRef ref{"https://reg.example.com/", "u", "", (dir.path / "pw").string()};
    auto found = find_credentials(ref, "reg.example.com", env_of({}), {});
    REQUIRE(found);
    const auto& credentials = *found;
    REQUIRE(credentials);
    CHECK(credentials->password == "from-file");
    CHECK(credentials->server == "reg.example.com");
    ref.password_file = (dir.path / "missing").string();
    auto unreadable = find_credentials(ref, "reg.example.com", env_of({}), {});
    REQUIRE_FALSE(unreadable);
    CHECK(unreadable.error().message.find("cannot be read") != std::string::npos);
  }

  TEST_CASE("~/.docker/config.json auths serve registries the spec gives no password for") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / ".docker");
    std::ofstream(dir.path / ".docker/config.json")
        << R"({"auths": {"https://reg.example.com": {"auth": ")" << base64_encode("bob:pw1")
        << R"("}, "https://index.docker.io/v1/": {"auth": ")" << base64_encode("hub:pw2")
        << R"("}}})";
    auto env = env_of({{"HOME", dir.path.string()}});
    fs::path file = docker_config_file(env);
    CHECK(file == dir.path / ".docker/config.json");
    auto found = find_credentials(std::nullopt, "reg.example.com", env, file);
    REQUIRE(found);
    const auto& credentials = *found;
    REQUIRE(credentials);
    CHECK(credentials->username == "bob");
    CHECK(credentials->password == "pw1");
    auto hub_found = find_credentials(std::nullopt, "docker.io", env, file);
    REQUIRE(hub_found);
    const auto& hub = *hub_found;
    REQUIRE(hub);
    CHECK(hub->server == "https://index.docker.io/v1/");
    auto none = find_credentials(std::nullopt, "other.example.com", env, file);
    REQUIRE(none);  // no credentials is not an error
    CHECK_FALSE(*none);
    CHECK(docker_config_file(env_of({{"DOCKER_CONFIG", "/cfg"}})) == "/cfg/config.json");
  }

  TEST_CASE("pull errors name the registry and the fix") {
    auto image = parse_image_reference("127.0.0.1:5000/jobc/python:bookworm");
    RegistryRef ref{"127.0.0.1:5000", "jobc", "PW", ""};
    RegistryCredentials credentials{"127.0.0.1:5000", "jobc", "x", "$PW (registry.password_env)"};
    auto refused =
        explain_pull_error(image, "unauthorized: authentication required", ref, credentials);
    CHECK(refused.find("refused the login of user 'jobc'") != std::string::npos);
    CHECK(refused.find("$PW") != std::string::npos);
    CHECK(refused.find("x\"") == std::string::npos);
    auto anonymous = explain_pull_error(image, "Head \"...\": no basic auth credentials",
                                        std::nullopt, std::nullopt);
    CHECK(anonymous.find("no credentials") != std::string::npos);
    CHECK(anonymous.find("password_env") != std::string::npos);
    auto unknown = explain_pull_error(image, "dial tcp: lookup x: no such host", ref, credentials);
    CHECK(unknown.find("127.0.0.1:5000 is unknown") != std::string::npos);
    auto down = explain_pull_error(image, "dial tcp 127.0.0.1:5000: connect: connection refused",
                                   ref, credentials);
    CHECK(down.find("cannot be reached") != std::string::npos);
    auto missing = explain_pull_error(image, "manifest unknown", ref, credentials);
    CHECK(missing.find("has no image") != std::string::npos);
    RegistryRef other{"other.example.com", "jobc", "PW", ""};
    CHECK(explain_pull_error(image, "no basic auth credentials", other, std::nullopt)
              .find("registry.address is other.example.com") != std::string::npos);
  }

  TEST_CASE("a pull sends the credentials only in X-Registry-Auth") {
    auto transport = std::make_shared<jobc::testing::FakeTransport>();
    transport->on("POST", "/images/create", 200, "",
                  {R"({"status":"Pulling from jobc/python","id":"bookworm"})"
                   "\r\n",
                   R"({"status":"Pull complete","id":"abc"})"
                   "\r\n"});
    EngineClient engine(transport, {"/nonexistent.sock", "http://localhost", "unix:///x"});
    engine.set_api_version("1.41");
    RegistryCredentials credentials{"127.0.0.1:5000", "jobc", "hunter2", "test"};
    std::ostringstream progress;
    auto image = parse_image_reference("127.0.0.1:5000/jobc/python:bookworm");
    REQUIRE(pull_image(engine, image, credentials, std::nullopt, progress, false));
    auto request = transport->find("POST", "/images/create");
    REQUIRE(request);
    CHECK(request->path ==
          "/images/create?fromImage=127.0.0.1%3A5000%2Fjobc%2Fpython&tag=bookworm");
    CHECK(request->body.find("hunter2") == std::string::npos);
    int auth_headers = 0;
    for (const auto& [name, value] : request->headers) {
      if (name == "X-Registry-Auth") {
        ++auth_headers;
        CHECK(decode_header(value)["password"] == "hunter2");
      } else {
        CHECK(value.find("hunter2") == std::string::npos);
      }
    }
    CHECK(auth_headers == 1);
    CHECK(progress.str().find("hunter2") == std::string::npos);
    CHECK(progress.str().find("Pull complete") != std::string::npos);
  }

  TEST_CASE("a refused pull streamed by the engine becomes the explained error") {
    auto transport = std::make_shared<jobc::testing::FakeTransport>();
    transport->on("POST", "/images/create", 500,
                  R"({"message":"Head \"http://r/v2/x/manifests/y\": no basic auth credentials"})");
    EngineClient engine(transport, {"/x.sock", "http://localhost", "unix:///x.sock"});
    engine.set_api_version("1.41");
    std::ostringstream progress;
    jobc::Status pulled = pull_image(engine, parse_image_reference("r.example.com/x:y"),
                                     std::nullopt, std::nullopt, progress, false);
    REQUIRE_FALSE(pulled);
    CHECK(pulled.error().message.find("the registry r.example.com wants a login") !=
          std::string::npos);
  }
}
