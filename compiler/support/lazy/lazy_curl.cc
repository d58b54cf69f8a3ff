// The libcurl functions jobc calls, forwarded to libcurl.so.4 loaded on first use (see
// lazy_library.h). Callers include <curl/curl.h> and call curl as usual.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "support/lazy/lazy_library.h"

// curl's own signatures put an enum before '...'; clang warns about va_start after a
// parameter that undergoes promotion (an int-sized enum is passed unchanged on every ABI).
#ifdef __clang__
#pragma clang diagnostic ignored "-Wvarargs"
#endif

namespace {

template <typename Function>
Function curl_function(const char* name) {
  return reinterpret_cast<Function>(jobc::lazy_symbol("libcurl.so.4", name));
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  static auto real = curl_function<CURLcode (*)(long)>("curl_global_init");
  return real ? real(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init() {
  static auto real = curl_function<CURL* (*)()>("curl_easy_init");
  return real ? real() : nullptr;
}

// The one argument after `option` has the type the option's number range says.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static auto real = curl_function<CURLcode (*)(CURL*, CURLoption, ...)>("curl_easy_setopt");
  if (!real) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = real(curl, option, va_arg(args, long));
  } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
    result = real(curl, option, va_arg(args, curl_off_t));
  } else {
    result = real(curl, option, va_arg(args, void*));
  }
  va_end(args);
  return result;
}

CURLcode curl_easy_perform(CURL* curl) {
  static auto real = curl_function<CURLcode (*)(CURL*)>("curl_easy_perform");
  return real ? real(curl) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static auto real = curl_function<CURLcode (*)(CURL*, CURLINFO, ...)>("curl_easy_getinfo");
  if (!real) return CURLE_FAILED_INIT;
  va_list args;
  va_start(args, info);
  CURLcode result = real(curl, info, va_arg(args, void*));
  va_end(args);
  return result;
}

void curl_easy_reset(CURL* curl) {
  static auto real = curl_function<void (*)(CURL*)>("curl_easy_reset");
  if (real) real(curl);
}

void curl_easy_cleanup(CURL* curl) {
  static auto real = curl_function<void (*)(CURL*)>("curl_easy_cleanup");
  if (real) real(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  static auto real = curl_function<const char* (*)(CURLcode)>("curl_easy_strerror");
  return real ? real(code) : "libcurl.so.4 could not be loaded (apt-get install libcurl4)";
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  static auto real = curl_function<curl_slist* (*)(curl_slist*, const char*)>("curl_slist_append");
  return real ? real(list, text) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  static auto real = curl_function<void (*)(curl_slist*)>("curl_slist_free_all");
  if (real) real(list);
}

}  // extern "C"
