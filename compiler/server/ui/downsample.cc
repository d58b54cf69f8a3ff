#include "server/ui/downsample.h"

#include <cmath>

namespace jobc::ui {

namespace {

struct Bucket {
  double x = 0;
  double y = 0;
  size_t n = 0;
};

// Points 1..count-2 fall in threshold-2 buckets; the first and last points are kept as such.
size_t bucket_of(size_t index, double per_bucket, size_t buckets) {
  size_t bucket = static_cast<size_t>(static_cast<double>(index - 1) / per_bucket);
  return bucket < buckets ? bucket : buckets - 1;
}

}  // namespace

std::vector<ChartPoint> largest_triangle(size_t count, size_t threshold,
                                         const PointReplay& replay) {
  std::vector<ChartPoint> kept;
  if (count <= threshold || threshold < 3) {
    replay([&](const ChartPoint& point) { kept.push_back(point); });
    return kept;
  }
  const size_t buckets = threshold - 2;
  const double per_bucket = static_cast<double>(count - 2) / static_cast<double>(buckets);
  // Pass 1: each bucket's average, and the last point.
  std::vector<Bucket> averages(buckets);
  ChartPoint last;
  size_t index = 0;
  replay([&](const ChartPoint& point) {
    if (index > 0 && index < count - 1) {
      Bucket& bucket = averages[bucket_of(index, per_bucket, buckets)];
      bucket.x += point.x;
      bucket.y += point.y;
      ++bucket.n;
    }
    if (index == count - 1) last = point;
    ++index;
  });
  for (Bucket& bucket : averages) {
    if (bucket.n > 0) {
      bucket.x /= static_cast<double>(bucket.n);
      bucket.y /= static_cast<double>(bucket.n);
    }
  }
  // Pass 2: in each bucket, the point of the largest triangle.
  kept.reserve(threshold);
  index = 0;
  size_t current = 0;
  ChartPoint best;
  double best_area = -1;
  replay([&](const ChartPoint& point) {
    if (index == 0 || index >= count - 1) {
      if (index == 0) kept.push_back(point);
      ++index;
      return;
    }
    size_t bucket = bucket_of(index, per_bucket, buckets);
    if (bucket != current) {
      kept.push_back(best);
      current = bucket;
      best_area = -1;
    }
    const ChartPoint& a = kept.back();
    double cx = current + 1 < buckets ? averages[current + 1].x : last.x;
    double cy = current + 1 < buckets ? averages[current + 1].y : last.y;
    double area = std::fabs((a.x - cx) * (point.y - a.y) - (a.x - point.x) * (cy - a.y));
    if (best_area < 0 || area > best_area) {
      best = point;
      best_area = std::isnan(area) ? 0 : area;
    }
    ++index;
  });
  kept.push_back(best);
  kept.push_back(last);
  return kept;
}

}  // namespace jobc::ui
