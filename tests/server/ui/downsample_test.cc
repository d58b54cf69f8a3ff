#include "server/ui/downsample.h"

#include <doctest/doctest.h>

#include <cmath>

namespace jobc::ui {
namespace {

PointReplay replay_of(const std::vector<ChartPoint>& points, int* passes = nullptr) {
  return [&points, passes](const std::function<void(const ChartPoint&)>& each) {
    if (passes != nullptr) ++*passes;
    for (const ChartPoint& point : points) each(point);
  };
}

}  // namespace

TEST_SUITE("ui") {
  TEST_CASE("a short series is kept whole") {
    std::vector<ChartPoint> points = {{0, 1}, {1, 2}, {2, 3}};
    CHECK(largest_triangle(points.size(), 1000, replay_of(points)).size() == 3);
  }

  TEST_CASE("a long series keeps at most the threshold, its ends and its spike") {
    std::vector<ChartPoint> points;
    for (int i = 0; i < 100000; ++i) points.push_back({double(i), std::sin(i / 1000.0)});
    points[54321].y = 50;  // one spike among 100,000 points
    int passes = 0;
    auto kept = largest_triangle(points.size(), 1000, replay_of(points, &passes));
    CHECK(kept.size() == 1000);
    CHECK(kept.front().x == 0);
    CHECK(kept.back().x == 99999);
    bool spike = false;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (kept[i].y == 50) spike = true;
      if (i > 0) CHECK(kept[i].x > kept[i - 1].x);
    }
    CHECK(spike);
    CHECK(passes == 2);  // streamed: the series is read again, never held whole
  }

  TEST_CASE("points that are not numbers do not stop a bucket from keeping one") {
    std::vector<ChartPoint> points;
    for (int i = 0; i < 100; ++i) points.push_back({double(i), i % 2 ? NAN : 1.0});
    CHECK(largest_triangle(points.size(), 10, replay_of(points)).size() == 10);
  }
}

}  // namespace jobc::ui
