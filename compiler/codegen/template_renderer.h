// Renders the embedded mustache templates (templates/*.mustache) strictly: a variable the
// template names but the data lacks is an error, never an empty string. Values are
// inserted as they are (no HTML escaping): emitters quote them for their target language
// first. User text is only ever data, never a template.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>

namespace jobc {

using TemplateData = kainjow::mustache::data;

// Throws std::logic_error naming the template and the missing variables: a missing
// variable is a defect in jobc, caught by the golden tests.
std::string render_template(const std::string& template_name, const TemplateData& data);

// The sha256 of an embedded template's text (part of the environment hash, so a template
// change rebuilds images).
std::string template_hash(const std::string& template_name);

}  // namespace jobc
