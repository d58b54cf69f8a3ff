// Which Azure Resource Manager jobc talks to (arm_endpoint(), declared in arm_client.h) and
// the token scope it wants.
#pragma once

#include <string>
#include <string_view>

namespace jobc::azureml {

inline constexpr const char* kDefaultArmEndpoint = "https://management.azure.com";

// The scope of tokens for `endpoint`: a sovereign cloud's own ("https://management.
// chinacloudapi.cn/.default"), else the public cloud's, which is also what a local stand-in
// (JOBC_ARM_ENDPOINT on loopback) accepts.
std::string arm_scope(std::string_view endpoint);

}  // namespace jobc::azureml
