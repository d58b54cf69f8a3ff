// A small reader for the XML Azure Storage answers with (List Blobs, error bodies): elements,
// attributes, text with the five named entities and numeric character references decoded,
// CDATA; comments, processing instructions and a DOCTYPE are skipped. No namespaces, no DTD.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"

namespace jobc::azureml {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // the element's own text, children's excluded
  std::vector<XmlElement> children;

  // The first child named `child_name`, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // The first such child's text, or "".
  std::string child_text(std::string_view child_name) const;
};

// The document's root element, or why the text is not XML this reader accepts.
Result<XmlElement> parse_xml(std::string_view xml);

// `text` with entities and character references decoded, or why it cannot be.
Result<std::string> decode_xml_text(std::string_view text);

}  // namespace jobc::azureml
