# Chooses static archives of yaml-cpp and SQLite when JOBC_STATIC_DEPS is on and Debian's -dev
# packages installed them (they do); otherwise the shared libraries. OpenSSL's choice is made
# by FindOpenSSL itself (OPENSSL_USE_STATIC_LIBS). Sets JOBC_YAML_CPP, JOBC_SQLITE3 and JOBC_FMT.
set(JOBC_YAML_CPP yaml-cpp)
set(JOBC_SQLITE3 SQLite::SQLite3)
set(JOBC_FMT fmt::fmt)
if(NOT JOBC_STATIC_DEPS)
  return()
endif()

# Debian ships fmt only as a shared library; its header-only form lets libstdc++ and libgcc be
# linked statically too (a shared libfmt would bring the shared libstdc++ back). Not with the
# sanitizers, which want the shared runtime.
if(TARGET fmt::fmt-header-only AND NOT JOBC_SANITIZE AND NOT JOBC_BUILD_FUZZERS)
  set(JOBC_FMT fmt::fmt-header-only)
  add_link_options(-static-libstdc++ -static-libgcc)
endif()

find_library(JOBC_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a)
if(JOBC_YAML_CPP_ARCHIVE)
  add_library(jobc_yaml_cpp_static STATIC IMPORTED)
  set_target_properties(jobc_yaml_cpp_static PROPERTIES
    IMPORTED_LOCATION "${JOBC_YAML_CPP_ARCHIVE}"
    INTERFACE_INCLUDE_DIRECTORIES "$<TARGET_PROPERTY:yaml-cpp,INTERFACE_INCLUDE_DIRECTORIES>")
  set(JOBC_YAML_CPP jobc_yaml_cpp_static)
endif()

find_library(JOBC_SQLITE3_ARCHIVE NAMES libsqlite3.a)
if(JOBC_SQLITE3_ARCHIVE)
  find_package(Threads REQUIRED)
  add_library(jobc_sqlite3_static STATIC IMPORTED)
  set_target_properties(jobc_sqlite3_static PROPERTIES
    IMPORTED_LOCATION "${JOBC_SQLITE3_ARCHIVE}"
    INTERFACE_INCLUDE_DIRECTORIES "${SQLite3_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;m;${CMAKE_DL_LIBS}")
  set(JOBC_SQLITE3 jobc_sqlite3_static)
endif()
message(STATUS 
  "jobc: yaml-cpp ${JOBC_YAML_CPP}, SQLite ${JOBC_SQLITE3}, fmt ${JOBC_FMT}, OpenSSL ${OPENSSL_CRYPTO_LIBRARY}")
