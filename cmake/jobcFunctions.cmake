# jobc_compile(TARGET name SPEC spec.yml OUTPUT_DIR dir [SET key=value ...] [ARGS ...])
#
# Compiles a jobc spec as a build step: the artifacts (Dockerfile, launch.sh, azureml/
# requests.json, manifest.json, ...) are regenerated whenever the spec or any file it reads
# changes (jobc writes a depfile), and only files whose content changed are rewritten.
function(jobc_compile)
  cmake_parse_arguments(JOBC "" "TARGET;SPEC;OUTPUT_DIR" "SET;ARGS" ${ARGN})
  foreach(required TARGET SPEC OUTPUT_DIR)
    if(NOT JOBC_${required})
      message(FATAL_ERROR "jobc_compile: ${required} is required")
    endif()
  endforeach()
  get_filename_component(spec "${JOBC_SPEC}" ABSOLUTE)
  get_filename_component(output_dir "${JOBC_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  set(manifest "${output_dir}/manifest.json")
  set(depfile "${CMAKE_CURRENT_BINARY_DIR}/${JOBC_TARGET}.jobc.d")
  set(overrides "")
  foreach(item IN LISTS JOBC_SET)
    list(APPEND overrides --set "${item}")
  endforeach()
  add_custom_command(
    OUTPUT "${manifest}"
    COMMAND jobc::jobc compile "${spec}" -o "${output_dir}" --depfile "${depfile}"
            ${overrides} ${JOBC_ARGS}
    DEPENDS "${spec}" jobc::jobc
    DEPFILE "${depfile}"
    COMMENT "jobc: compiling ${JOBC_SPEC}"
    VERBATIM)
  add_custom_target(${JOBC_TARGET} ALL DEPENDS "${manifest}")
endfunction()
