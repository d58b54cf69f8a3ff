// Text made safe to place in HTML: every user-provided text (a run's name, a log line, a
// metric key) goes through these before it reaches a page built on the server.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace jobc::ui {

// & < > " ' as character references: safe in element content and in quoted attributes.
std::string html_escape(std::string_view text);

// JSON to embed inside <script type="application/json">: < > & and the line separators
// U+2028/U+2029 written as \u escapes, so no text in it can end the element.
std::string json_for_script(const nlohmann::json& value);

}  // namespace jobc::ui
