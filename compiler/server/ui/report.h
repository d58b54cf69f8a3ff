// `jobc-server report -o FILE RUN...`, which `jobc runs report` execs: the pages of `jobc ui`
// for some runs as one HTML file that needs no server and no network (a CI artifact, a pull
// request's attachment). The file holds the page's script, Chart.js and the API's answers for
// those runs (report_answers()); its Content-Security-Policy allows exactly those scripts, by
// hash, so nothing in the data can run.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/result.h"
#include "server/ui/api.h"

namespace jobc::ui {

// What the page asks the API for, answered for `ids` (each run's page, its sweep and trials,
// their comparison), keyed by the very path the page requests.
nlohmann::json report_answers(UiApi& api, const std::vector<std::string>& ids);

// The whole HTML file.
Result<std::string> report_html(UiApi& api, const std::vector<std::string>& ids);

// encodeURIComponent, as the page's script writes paths.
std::string uri_component(std::string_view text);

int report_main(int argc, char** argv);

}  // namespace jobc::ui
