#include "server/ui/report.h"

#include <doctest/doctest.h>

#include "server/ui/ui_store.h"

namespace jobc::ui {
namespace {

// A run whose name would close a script element, with a metric whose key needs encoding.
struct StoreWithRun : testing::UiStore {
  StoreWithRun() : UiStore("</script><script>alert(1)</script>") {
    TrackingBatch batch;
    batch.metrics.push_back({"q\"uote <key>", 1.0, 0, 0});
    REQUIRE(api->metrics().record(run.id, batch));
  }
};

}  // namespace

TEST_SUITE("ui") {
  TEST_CASE("paths are encoded as the page's encodeURIComponent encodes them") {
    CHECK(uri_component("q\"uote's <key>/x") == "q%22uote's%20%3Ckey%3E%2Fx");
    CHECK(uri_component("run_1-a.b") == "run_1-a.b");
  }

  TEST_CASE("a report answers the paths the page asks, the metric's under its encoded key") {
    StoreWithRun store;
    nlohmann::json answers = report_answers(*store.api, {store.run.id});
    std::string run = "/api/runs/" + store.run.id;
    CHECK(answers.contains(run));
    CHECK(answers.contains(run + "/log"));
    CHECK(answers.contains(run + "/files?root=outputs&path="));
    CHECK(answers.contains(run + "/metrics?key=q%22uote%20%3Ckey%3E&points=1000"));
  }

  TEST_CASE("a report's data cannot close its script element, and only its own scripts run") {
    StoreWithRun store;
    auto html = report_html(*store.api, {store.run.id});
    REQUIRE(html);
    size_t closings = 0;  // the data's, Chart.js's and the page script's elements, no more
    for (size_t at = html->find("</script"); at != std::string::npos;
         at = html->find("</script", at + 1)) {
      ++closings;
    }
    CHECK(closings == 3);
    CHECK(html->find("&lt;/script&gt;&lt;script&gt;alert(1)") != std::string::npos);  // <title>
    size_t csp = html->find("Content-Security-Policy");
    REQUIRE(csp != std::string::npos);
    std::string policy = html->substr(csp, html->find('>', csp) - csp);
    CHECK(policy.find("unsafe-inline") == std::string::npos);
    size_t hashes = 0;
    for (size_t at = policy.find("sha256-"); at != std::string::npos;
         at = policy.find("sha256-", at + 1)) {
      ++hashes;
    }
    CHECK(hashes == 3);  // Chart.js, the page's script, its style
    CHECK(html->find("<script src") == std::string::npos);  // nothing fetched: all inline
    CHECK(html->find("<link") == std::string::npos);
  }
}

}  // namespace jobc::ui
