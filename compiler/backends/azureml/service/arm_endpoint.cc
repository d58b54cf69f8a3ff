#include "backends/azureml/service/arm_endpoint.h"

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/url_transport.h"
#include "support/text.h"

namespace jobc::azureml {

Result<std::string> arm_endpoint(const EnvironmentLookup& environment) {
  std::optional<std::string> named = environment("JOBC_ARM_ENDPOINT");
  std::string endpoint = named ? trim(*named) : "";
  if (endpoint.empty()) return std::string(kDefaultArmEndpoint);
  while (endpoint.ends_with('/')) endpoint.pop_back();
  if (Status usable = check_url_transport(endpoint); !usable) {
    return fail("JOBC_ARM_ENDPOINT: " + usable.error().message);
  }
  return endpoint;
}

std::string arm_scope(std::string_view endpoint) {
  std::string host = lower(url_host(endpoint));
  // Azure's sovereign clouds (azure-identity's AzureAuthorityHosts, az cloud list).
  for (const char* cloud : {"management.chinacloudapi.cn", "management.usgovcloudapi.net"}) {
    if (host == cloud) return "https://" + host + "/.default";
  }
  return kArmScope;
}

}  // namespace jobc::azureml
