#include "support/lazy/lazy_library.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace jobc {
namespace {

std::mutex g_mutex;
std::string g_error;

}  // namespace

void* lazy_symbol(const char* library, const char* symbol) {
  static std::map<std::string, void*> handles;
  std::lock_guard<std::mutex> lock(g_mutex);
  void*& handle = handles[library];
  if (!handle) handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* error = dlerror();
    g_error = std::string("cannot load ") + library + ": " + (error ? error : "unknown error");
    return nullptr;
  }
  void* address = dlsym(handle, symbol);
  if (!address) g_error = std::string("no ") + symbol + " in " + library;
  return address;
}

std::string lazy_library_error() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_error;
}

}  // namespace jobc
