#include "server/ui/report.h"

#include <fstream>
#include <iostream>
#include <set>

#include "server/ui/assets.h"
#include "server/ui/html_escape.h"
#include "support/base64.h"
#include "support/hash.h"

namespace jobc::ui {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr size_t kMostTrials = 100;   // a sweep's trials whose pages the report holds
constexpr size_t kMostFolders = 200;  // folders listed per run
constexpr uintmax_t kMostArtifactBytes = 256 * 1024;

std::string run_path(const std::string& id) {
  return "/api/runs/" + uri_component(id);
}

// "sha256-BASE64": how a CSP names an inline script or style.
std::string csp_hash(std::string_view content) {
  std::string hex = sha256_hex(content), bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return "'sha256-" + base64_encode(bytes) + "'";
}

// A script's text that cannot end its element early.
std::string inline_safe(std::string_view script) {
  std::string out(script);
  for (size_t at = out.find("</"); at != std::string::npos; at = out.find("</", at + 3)) {
    out.replace(at, 2, "<\\/");
  }
  return out;
}

void add_folders(UiApi& api, const std::string& id, const std::string& root, json& answers) {
  std::vector<std::string> pending = {""};
  size_t listed = 0;
  while (!pending.empty() && listed < kMostFolders) {
    std::string path = pending.back();
    pending.pop_back();
    ApiAnswer listing = api.files(id, {{"root", root}, {"path", path}});
    answers[run_path(id) + "/files?root=" + root + "&path=" + uri_component(path)] = listing.body;
    ++listed;
    if (listing.status != 200) continue;
    for (const json& entry : listing.body["entries"]) {
      if (entry.value("dir", false)) {
        std::string name = entry.value("name", "");
        pending.push_back(path.empty() ? name : path + "/" + name);
      }
    }
  }
}

void add_run(UiApi& api, const std::string& id, json& answers) {
  ApiAnswer run = api.run(id);
  answers[run_path(id)] = run.body;
  if (run.status != 200) return;
  for (const json& metric : run.body["metrics"]) {
    std::string key = metric.value("key", "");
    answers[run_path(id) + "/metrics?key=" + uri_component(key) + "&points=1000"] =
        api.metric(id, {{"key", key}, {"points", "1000"}}).body;
  }
  answers[run_path(id) + "/log"] = api.log(id).body;
  add_folders(api, id, "outputs", answers);
  add_folders(api, id, "logs", answers);
  fs::path artifacts = api.store().run_dir(id) / "artifacts";
  for (const json& file : run.body["artifacts"]) {
    std::string path = file.value("path", "");
    std::error_code ec;
    if (fs::file_size(artifacts / path, ec) > kMostArtifactBytes || ec) continue;
    std::ifstream in(artifacts / path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    answers[run_path(id) + "/download?root=artifacts&path=" + uri_component(path)] = content;
  }
}

}  // namespace

std::string uri_component(std::string_view text) {
  static const std::string unreserved = "-_.!~*'()";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || unreserved.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      static const char* digits = "0123456789ABCDEF";
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

json report_answers(UiApi& api, const std::vector<std::string>& ids) {
  json answers = json::object();
  std::set<std::string> added;
  auto add = [&](const std::string& id) {
    if (added.insert(id).second) add_run(api, id, answers);
  };
  for (const std::string& id : ids) {
    add(id);
    ApiAnswer sweep = api.sweep(id);
    if (sweep.status != 200) continue;
    answers[run_path(id) + "/sweep"] = sweep.body;
    size_t trials = 0;
    for (const json& trial : sweep.body["trials"]) {
      std::string trial_id = trial.is_object() ? trial.value("run_id", "") : "";
      if (!trial_id.empty() && trials++ < kMostTrials) add(trial_id);
    }
  }
  if (ids.size() > 1) {
    std::string joined;
    for (const std::string& id : ids) joined += (joined.empty() ? "" : ",") + uri_component(id);
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ",") + id;
    answers["/api/compare?ids=" + joined] = api.compare({{"ids", list}}).body;
  }
  return answers;
}

Result<std::string> report_html(UiApi& api, const std::vector<std::string>& ids) {
  json runs = json::array();
  std::string title;
  for (const std::string& id : ids) {
    auto run = api.find(id);
    if (!run) return fail("no run " + id);
    runs.push_back(record_json(*run, now_ms()));
    title +=
        (title.empty() ? "" : ", ") + (run->display_name.empty() ? run->name : run->display_name);
  }
  json data{{"runs", runs}, {"answers", report_answers(api, ids)}, {"written_ms", now_ms()}};
  auto asset = [](const char* name) {
    auto content = embedded::find(embedded::ui(), name);
    return content ? std::string(*content) : std::string();
  };
  std::string chart = inline_safe(asset("chart.min.js"));
  std::string app = inline_safe(asset("app.js"));
  std::string style = asset("style.css");
  std::string csp = "default-src 'none'; script-src " + csp_hash(chart) + " " + csp_hash(app) +
                    "; style-src " + csp_hash(style) + "; img-src data:; base-uri 'none'";
  std::string html;
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + html_escape(csp) + "\">\n";
  html += "<title>jobc report: " + html_escape(title) + "</title>\n";
  html += "<style>" + style + "</style>\n</head>\n<body>\n";
  html += "<header><a href=\"#/runs\" id=\"home\">jobc report</a></header>\n";
  html += "<main id=\"main\"><p>This report needs JavaScript.</p></main>\n";
  html += "<script type=\"application/json\" id=\"jobc-report-data\">" + json_for_script(data) +
          "</script>\n";
  html += "<script>" + chart + "</script>\n<script>" + app + "</script>\n</body>\n</html>\n";
  return html;
}

int report_main(int argc, char** argv) {
  std::string output;
  std::vector<std::string> ids;
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "-o" && i + 1 < argc) {
      output = argv[++i];
    } else {
      ids.push_back(word);
    }
  }
  if (output.empty() || ids.empty()) {
    std::cerr << "usage: jobc-server report -o FILE RUN_ID...\n";
    return 2;
  }
  auto api = UiApi::open(jobc_home());
  if (!api) {
    std::cerr << "jobc runs report: " << api.error().message << "\n";
    return 2;
  }
  auto html = report_html(**api, ids);
  if (!html) {
    std::cerr << "jobc runs report: " << html.error().message << "\n";
    return 2;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << *html;
  out.close();
  if (!out) {
    std::cerr << "jobc runs report: cannot write " << output << "\n";
    return 2;
  }
  std::cerr << "jobc runs report: wrote " << output << " (" << html->size() / 1024 << " KiB, "
            << ids.size() << (ids.size() == 1 ? " run" : " runs") << ")\n";
  return 0;
}

}  // namespace jobc::ui
