// yaml-cpp, included with GCC 12's false-positive -Wdangling-pointer silenced for its
// headers only (the warning fires inside yaml-cpp's node/impl.h, not in jobc's code).
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>
#pragma GCC diagnostic pop
