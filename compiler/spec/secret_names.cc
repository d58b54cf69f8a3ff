#include "spec/secret_names.h"

#include <cctype>

#include "jobc/source.h"
#include "support/text.h"

namespace jobc {

bool names_a_secret(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view word :
       {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "ACCESSKEY", "ACCESS_KEY"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return false;
}

bool holds_secret(std::string_view key) {
  std::string lowered = lower(key);
  return names_a_secret(key) && !lowered.ends_with("_env") && !lowered.ends_with("_file");
}

bool pointer_holds_secret(std::string_view pointer) {
  for (const std::string& token : pointer_tokens(pointer)) {
    if (holds_secret(token)) return true;
  }
  return false;
}

}  // namespace jobc
