// Environment rules a schema cannot express: image xor build, referenced files exist,
// registry passwords never inline.
#include <fmt/format.h>

#include "spec/checks/check_context.h"
#include "support/char_scan.h"

namespace jobc {

// The image lands in the generated Dockerfile's FROM line: refused here, where `jobc validate`
// can say so with its location, unless it is a plain reference (no space or line break).
static void check_image_reference(const CheckContext& context, const std::string& image) {
  const nlohmann::json* value = context.find(image);
  if (!value || !value->is_string()) return;
  std::string text = value->get<std::string>();
  if (is_image_reference(text) || looks_like_placeholder(text)) return;
  context.sink.report(DiagCode::BadFormat, context.at(image),
                      fmt::format("{:?} is not an image reference", text),
                      {"an image is written like registry.example.com/team/name:tag, with "
                       "letters, digits and . _ - / : @ only"});
}

static void check_registry(const CheckContext& context, const std::string& registry) {
  if (!context.find(registry)) return;
  std::string password = pointer_append(registry, "password");
  if (context.find(password)) {
    context.sink.report(
        DiagCode::InlineSecret, context.key_at(password),
        "registry password is written inline in the spec",
        {"specs are committed and copied into logs; give the password one of two ways:",
         "  password_env: REGISTRY_PASSWORD   (the name of an environment variable)",
         "  password_file: ~/.secrets/registry (a file outside the repository)"});
  }
  if (context.find(pointer_append(registry, "password_env")) &&
      context.find(pointer_append(registry, "password_file"))) {
    context.sink.report(DiagCode::SchemaViolation,
                        context.key_at(pointer_append(registry, "password_file")),
                        "give either password_env or password_file, not both");
  }
  if (context.find(pointer_append(registry, "username")) &&
      !context.find(pointer_append(registry, "password_env")) &&
      !context.find(pointer_append(registry, "password_file")) && !context.find(password)) {
    context.sink.report(DiagCode::MissingKey, context.key_at(registry),
                        "registry has a username but no password_env or password_file");
  }
}

// The conda file is read here, once, so that nothing after the front end parses YAML.
static void load_conda_file(const CheckContext& context, const std::string& pointer) {
  if (!check_local_path(context, pointer, PathKind::File, "conda file")) return;
  std::string written = context.find(pointer)->get<std::string>();
  if (is_remote_reference(written)) return;
  auto doc = load_spec_file(context.resolve(written), context.display(written), context.sources,
                            context.sink);
  if (doc)
    context.spec.conda_files[pointer] = std::make_shared<const SpecDocument>(std::move(*doc));
}

void check_environment(const CheckContext& context, const std::string& env) {
  const nlohmann::json* node = context.find(env);
  if (!node || !node->is_object()) return;
  std::string image = pointer_append(env, "image");
  std::string build = pointer_append(env, "build");
  bool has_image = context.find(image) != nullptr;
  bool has_build = context.find(build) != nullptr;
  if (has_image && has_build) {
    context.sink.report(DiagCode::ImageAndBuild, context.key_at(build),
                        "an environment takes either 'image' or 'build', not both",
                        {"'image' names a ready image; 'build' makes one from a Dockerfile"});
  } else if (!has_image && !has_build) {
    context.sink.report(DiagCode::NoImage, context.key_at(env),
                        "an environment needs 'image' (a base image) or 'build' (a Dockerfile "
                        "and its context)");
  }
  check_image_reference(context, image);
  std::string conda = pointer_append(env, "conda_file");
  if (const nlohmann::json* value = context.find(conda); value && value->is_string()) {
    load_conda_file(context, conda);
  }
  std::string build_path = pointer_append(build, "path");
  if (const nlohmann::json* value = context.find(build_path); value && value->is_string()) {
    std::string context_dir = value->get<std::string>();
    if (check_local_path(context, build_path, PathKind::Folder, "build context") &&
        !is_remote_reference(context_dir)) {
      std::string dockerfile_pointer = pointer_append(build, "dockerfile_path");
      const nlohmann::json* dockerfile = context.find(dockerfile_pointer);
      std::string name = dockerfile && dockerfile->is_string() ? dockerfile->get<std::string>()
                                                               : std::string("Dockerfile");
      std::error_code error;
      if (!std::filesystem::is_regular_file(context.resolve(context_dir) / name, error)) {
        context.sink.report(
            DiagCode::MissingPath,
            dockerfile ? context.at(dockerfile_pointer) : context.at(build_path),
            fmt::format("the build context has no '{}'", name),
            {fmt::format("looked for '{}'", context.display(context_dir + "/" + name))});
      }
    }
  }
  check_registry(context, pointer_append(env, "registry"));
}

}  // namespace jobc
