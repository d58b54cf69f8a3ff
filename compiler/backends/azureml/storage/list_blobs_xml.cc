#include "backends/azureml/storage/list_blobs_xml.h"

#include <charconv>

#include "backends/azureml/storage/small_xml.h"
#include "support/http_client.h"
#include "support/text.h"

namespace jobc::azureml {

Result<ListBlobsPage> parse_list_blobs(std::string_view xml) {
  auto root = parse_xml(xml);
  if (!root) return fail("cannot read the blob list: " + root.error().message);
  if (root->name != "EnumerationResults") {
    return fail("cannot read the blob list: its root is <" + root->name +
                ">, not <EnumerationResults>");
  }
  ListBlobsPage page;
  page.next_marker = trim(root->child_text("NextMarker"));
  const XmlElement* blobs = root->child("Blobs");
  if (!blobs) return page;
  for (const auto& blob : blobs->children) {
    if (blob.name != "Blob") continue;  // BlobPrefix entries: only with a delimiter
    const XmlElement* name = blob.child("Name");
    if (!name || name->text.empty())
      return fail("cannot read the blob list: a blob without a name");
    BlobItem item;
    // Names with characters XML cannot carry come percent-encoded, marked Encoded="true".
    auto encoded = name->attributes.find("Encoded");
    item.name = encoded != name->attributes.end() && iequals(encoded->second, "true")
                    ? url_decode(name->text)
                    : name->text;
    if (const XmlElement* properties = blob.child("Properties")) {
      std::string length = trim(properties->child_text("Content-Length"));
      if (!length.empty()) {
        auto [end, error] =
            std::from_chars(length.data(), length.data() + length.size(), item.size);
        if (error != std::errc() || end != length.data() + length.size()) {
          return fail("cannot read the blob list: blob '" + item.name + "' has size '" + length +
                      "'");
        }
      }
    }
    if (const XmlElement* metadata = blob.child("Metadata")) {
      item.is_folder = iequals(trim(metadata->child_text("hdi_isfolder")), "true");
    }
    page.blobs.push_back(std::move(item));
  }
  return page;
}

}  // namespace jobc::azureml
