#include "backends/azureml/storage/small_xml.h"

#include <cctype>

#include "support/utf8.h"

namespace jobc::azureml {
namespace {

constexpr int kMaxDepth = 64;  // List Blobs nests four deep; more is not Azure's answer

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

class Parser {
 public:
  explicit Parser(std::string_view xml) : xml_(xml) {}

  Result<XmlElement> document() {
    if (xml_.starts_with("\xEF\xBB\xBF")) at_ = 3;
    if (auto skipped = skip_misc(); !skipped) return skipped.error();
    if (!looking_at("<")) return fail("no root element");
    XmlElement root;
    if (auto parsed = element(root, 0); !parsed) return parsed.error();
    if (auto skipped = skip_misc(); !skipped) return skipped.error();
    if (at_ != xml_.size()) return problem("text after the root element");
    return root;
  }

 private:
  std::string_view xml_;
  size_t at_ = 0;

  bool looking_at(std::string_view text) const { return xml_.substr(at_).starts_with(text); }
  Error problem(const std::string& what) const {
    return fail(what + " at byte " + std::to_string(at_));
  }
  void skip_space() {
    while (at_ < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[at_]))) ++at_;
  }
  Status skip_past(std::string_view end) {
    size_t found = xml_.find(end, at_);
    if (found == std::string_view::npos) return problem("unterminated markup");
    at_ = found + end.size();
    return {};
  }
  // Whitespace, comments, processing instructions and a DOCTYPE between elements.
  Status skip_misc() {
    while (true) {
      skip_space();
      Status skipped;
      if (looking_at("<?")) {
        skipped = skip_past("?>");
      } else if (looking_at("<!--")) {
        skipped = skip_past("-->");
      } else if (looking_at("<!DOCTYPE")) {
        skipped = skip_past(">");
      } else {
        return {};
      }
      if (!skipped) return skipped;
    }
  }
  std::string name() {
    size_t start = at_;
    while (at_ < xml_.size() && is_name_char(xml_[at_])) ++at_;
    return std::string(xml_.substr(start, at_ - start));
  }

  Status element(XmlElement& out, int depth) {
    if (depth > kMaxDepth) return problem("elements nested too deep");
    ++at_;  // '<'
    out.name = name();
    if (out.name.empty()) return problem("an element without a name");
    while (true) {
      skip_space();
      if (looking_at("/>")) {
        at_ += 2;
        return {};
      }
      if (looking_at(">")) {
        ++at_;
        break;
      }
      std::string attribute = name();
      skip_space();
      if (attribute.empty() || !looking_at("=")) return problem("a malformed attribute");
      ++at_;
      skip_space();
      if (at_ >= xml_.size() || (xml_[at_] != '"' && xml_[at_] != '\'')) {
        return problem("an unquoted attribute value");
      }
      char quote = xml_[at_++];
      size_t end = xml_.find(quote, at_);
      if (end == std::string_view::npos) return problem("an unterminated attribute value");
      auto value = decode_xml_text(xml_.substr(at_, end - at_));
      if (!value) return value.error();
      out.attributes[attribute] = *value;
      at_ = end + 1;
    }
    return content(out, depth);
  }

  Status content(XmlElement& out, int depth) {
    while (true) {
      if (at_ >= xml_.size()) return problem("element <" + out.name + "> is not closed");
      if (looking_at("</")) {
        at_ += 2;
        if (name() != out.name)
          return problem("a closing tag that does not match <" + out.name + ">");
        skip_space();
        if (!looking_at(">")) return problem("a malformed closing tag");
        ++at_;
        return {};
      }
      Status step;
      if (looking_at("<!--")) {
        step = skip_past("-->");
      } else if (looking_at("<?")) {
        step = skip_past("?>");
      } else if (looking_at("<![CDATA[")) {
        size_t start = at_ + 9;
        step = skip_past("]]>");
        if (step) out.text += xml_.substr(start, at_ - 3 - start);
      } else if (looking_at("<")) {
        out.children.emplace_back();
        step = element(out.children.back(), depth + 1);
      } else {
        size_t end = xml_.find('<', at_);
        if (end == std::string_view::npos) end = xml_.size();
        auto text = decode_xml_text(xml_.substr(at_, end - at_));
        if (!text) return text.error();
        out.text += *text;
        at_ = end;
      }
      if (!step) return step;
    }
  }
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& element : children) {
    if (element.name == child_name) return &element;
  }
  return nullptr;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* found = child(child_name);
  return found ? found->text : "";
}

Result<std::string> decode_xml_text(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos || semicolon - i > 12) {
      return fail("an unterminated entity in '" + std::string(text.substr(i, 12)) + "'");
    }
    std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.starts_with('#') && entity.size() > 1) {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      unsigned long code = 0;
      for (char c : digits) {
        int value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c))
                        ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                        : -1;
        if (value < 0) return fail("a malformed character reference &" + std::string(entity) + ";");
        code = code * (hex ? 16 : 10) + static_cast<unsigned long>(value);
      }
      if (digits.empty() || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        return fail("a malformed character reference &" + std::string(entity) + ";");
      }
      append_utf8(out, static_cast<char32_t>(code));
    } else {
      return fail("an unknown entity &" + std::string(entity) + ";");
    }
    i = semicolon;
  }
  return out;
}

Result<XmlElement> parse_xml(std::string_view xml) {
  return Parser(xml).document();
}

}  // namespace jobc::azureml
