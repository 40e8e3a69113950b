# The API reference documents every public name of the core of lamina (cmake -P, registered as
# docs.api_reference by cmake/lamina_api_docs.cmake). Runs DOXYGEN on DOXYFILE (docs/Doxyfile.in,
# configured), then reads its warning log WARN_LOG:
#  - a warning about a file under SOURCE_DIR/include/lamina/{core,layers,optim,loss,train}/
#    (an undocumented class, member, function, concept, alias...) fails the test, listed;
#  - a warning about any other file (io, data, viz, kernels, ...) is only counted;
#  - a Doxygen error, or Doxygen failing, fails the test.
foreach(var DOXYGEN DOXYFILE WARN_LOG SOURCE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_api_docs.cmake needs -D${var}=...")
  endif()
endforeach()
set(strict_dirs core layers optim loss train)

file(REMOVE ${WARN_LOG})
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE} WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "doxygen ${DOXYFILE} failed (exit status ${rc}):\n${out}${err}")
endif()
set(log "")
if(EXISTS ${WARN_LOG})
  file(READ ${WARN_LOG} log)
endif()
# What Doxygen printed itself (configuration problems) counts as well as its log.
set(log "${err}\n${log}")

# One entry per message: a line "<file>:<line>: warning: ..." (or "warning: ..." without a file)
# and the indented lines that continue it. Semicolons and brackets are encoded first, so that
# the text splits into a CMake list at line ends only.
string(REPLACE "{" "{lb}" log "${log}")
string(REPLACE ";" "{sc}" log "${log}")
string(REPLACE "[" "{ob}" log "${log}")
string(REPLACE "]" "{cb}" log "${log}")
string(REPLACE "\\" "{bs}" log "${log}")
string(REPLACE "\n" ";" lines "${log}")
set(entries "")
set(entry "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[^ \t].*(warning|error): " OR line MATCHES "^(warning|error): ")
    if(NOT entry STREQUAL "")
      list(APPEND entries "${entry}")
    endif()
    set(entry "${line}")
  elseif(NOT line STREQUAL "" AND NOT entry STREQUAL "")
    set(entry "${entry}{nl}${line}")
  endif()
endforeach()
if(NOT entry STREQUAL "")
  list(APPEND entries "${entry}")
endif()
list(REMOVE_DUPLICATES entries)  # Doxygen repeats some (one per template instantiation)

string(REPLACE ";" "|" strict_regex "${strict_dirs}")
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" source_regex "${SOURCE_DIR}")
set(failures "")
set(n_failures 0)
set(n_errors 0)
set(n_other 0)
foreach(entry IN LISTS entries)
  if(entry MATCHES "^[^ \t]*:[0-9]*:? *error: " OR entry MATCHES "^error: ")
    math(EXPR n_errors "${n_errors} + 1")
    string(APPEND failures "${entry}{nl}")
  elseif(entry MATCHES "^${source_regex}/include/lamina/(${strict_regex})/[^:]*:")
    math(EXPR n_failures "${n_failures} + 1")
    string(APPEND failures "${entry}{nl}")
  else()
    math(EXPR n_other "${n_other} + 1")
  endif()
endforeach()
foreach(pair "{nl}|\n" "{bs}|\\" "{cb}|]" "{ob}|[" "{sc}|;" "{lb}|{")
  string(FIND "${pair}" "|" bar)
  string(SUBSTRING "${pair}" 0 ${bar} code)
  math(EXPR after "${bar} + 1")
  string(SUBSTRING "${pair}" ${after} -1 text)
  string(REPLACE "${code}" "${text}" failures "${failures}")
endforeach()

string(REPLACE ";" "," strict_list "${strict_dirs}")
message(STATUS "doxygen: ${n_other} warning(s) about headers outside "
               "include/lamina/{${strict_list}}/ (counted only)")
if(n_failures GREATER 0 OR n_errors GREATER 0)
  message("${failures}")
  message(FATAL_ERROR "doxygen: ${n_failures} warning(s) about include/lamina/{${strict_list}}/ and "
    "${n_errors} error(s), listed above: document each name they give with a /// comment above "
    "its declaration, and fix the comments they point at.")
endif()
message(STATUS "doxygen: every public name of include/lamina/{${strict_list}}/ is documented")
