// Fewer points for a chart: largest-triangle-three-buckets (Steinarsson, 2013) keeps the
// first and last points and, from each bucket, the one making the largest triangle with the
// point kept before and the next bucket's average: a 100,000-point curve keeps its shape in
// 1,000. Streams: the points are read again on each of its passes (from the store), so memory
// holds the buckets only, whatever the series' length.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace jobc::ui {

struct ChartPoint {
  double x = 0;
  double y = 0;
};

// Calls `each` with every point, in order of x; the same points at each call.
using PointReplay = std::function<void(const std::function<void(const ChartPoint&)>& each)>;

// At most `threshold` points (all of them when there are no more than that) of the `count`
// points `replay` gives.
std::vector<ChartPoint> largest_triangle(size_t count, size_t threshold, const PointReplay& replay);

}  // namespace jobc::ui
