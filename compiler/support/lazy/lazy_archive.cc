// The libarchive functions jobc calls, forwarded to libarchive.so.13 loaded on first use
// (see lazy_library.h). Callers include <archive.h> and call libarchive as usual.
#include <archive.h>
#include <archive_entry.h>

#include <string>

#include "support/lazy/lazy_library.h"

namespace {

template <typename Function>
Function archive_function(const char* name) {
  return reinterpret_cast<Function>(jobc::lazy_symbol("libarchive.so.13", name));
}

}  // namespace

// Each forwarder resolves its function once; without the library it returns a failure.
#define JOBC_FORWARD(ret, name, fallback, params, args)        \
  ret name params {                                            \
    static auto real = archive_function<ret(*) params>(#name); \
    return real ? real args : fallback;                        \
  }
#define JOBC_FORWARD_VOID(name, params, args)                   \
  void name params {                                            \
    static auto real = archive_function<void(*) params>(#name); \
    if (real) real args;                                        \
  }

extern "C" {

JOBC_FORWARD(struct archive*, archive_write_new, nullptr, (void), ())
JOBC_FORWARD(int, archive_write_set_format_pax_restricted, ARCHIVE_FATAL, (struct archive * a), (a))
JOBC_FORWARD(int, archive_write_set_bytes_per_block, ARCHIVE_FATAL, (struct archive * a, int n),
             (a, n))
JOBC_FORWARD(int, archive_write_open_filename, ARCHIVE_FATAL, (struct archive * a, const char* f),
             (a, f))
JOBC_FORWARD(int, archive_write_header, ARCHIVE_FATAL,
             (struct archive * a, struct archive_entry* e), (a, e))
JOBC_FORWARD(la_ssize_t, archive_write_data, -1, (struct archive * a, const void* d, size_t n),
             (a, d, n))
JOBC_FORWARD(int, archive_write_close, ARCHIVE_FATAL, (struct archive * a), (a))
JOBC_FORWARD(int, archive_write_free, ARCHIVE_FATAL, (struct archive * a), (a))
JOBC_FORWARD(struct archive_entry*, archive_entry_new, nullptr, (void), ())
JOBC_FORWARD_VOID(archive_entry_free, (struct archive_entry * e), (e))
JOBC_FORWARD_VOID(archive_entry_set_pathname, (struct archive_entry * e, const char* p), (e, p))
JOBC_FORWARD_VOID(archive_entry_set_uid, (struct archive_entry * e, la_int64_t v), (e, v))
JOBC_FORWARD_VOID(archive_entry_set_gid, (struct archive_entry * e, la_int64_t v), (e, v))
JOBC_FORWARD_VOID(archive_entry_set_mtime, (struct archive_entry * e, time_t t, long ns),
                  (e, t, ns))
JOBC_FORWARD_VOID(archive_entry_set_filetype, (struct archive_entry * e, unsigned int t), (e, t))
JOBC_FORWARD_VOID(archive_entry_set_perm, (struct archive_entry * e, mode_t m), (e, m))
JOBC_FORWARD_VOID(archive_entry_set_symlink, (struct archive_entry * e, const char* t), (e, t))
JOBC_FORWARD_VOID(archive_entry_set_size, (struct archive_entry * e, la_int64_t s), (e, s))

const char* archive_error_string(struct archive* a) {
  static auto real = archive_function<const char* (*)(struct archive*)>("archive_error_string");
  if (real && a) return real(a);
  static std::string error;
  error = jobc::lazy_library_error();
  return error.c_str();
}

}  // extern "C"
