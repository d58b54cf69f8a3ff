// Reads one page of a List Blobs answer (EnumerationResults): each blob's name, size and
// folder marker (metadata hdi_isfolder=true), and the marker of the next page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/azureml/storage/blob_client.h"
#include "jobc/result.h"

namespace jobc::azureml {

struct ListBlobsPage {
  std::vector<BlobItem> blobs;
  std::string next_marker;  // empty on the last page
};

Result<ListBlobsPage> parse_list_blobs(std::string_view xml);

}  // namespace jobc::azureml
