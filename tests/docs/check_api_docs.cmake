# The API reference documents every public name of lamina (cmake -P, registered as
# docs.api_reference by cmake/lamina_api_docs.cmake). Runs DOXYGEN on DOXYFILE (docs/Doxyfile.in,
# configured), then reads its warning log WARN_LOG: any warning (an undocumented class, member,
# function, concept, alias..., or a malformed comment) or error fails the test, listed, and so
# does Doxygen failing.
foreach(var DOXYGEN DOXYFILE WARN_LOG SOURCE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_api_docs.cmake needs -D${var}=...")
  endif()
endforeach()

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

list(LENGTH entries n_failures)
list(JOIN entries "{nl}" failures)
foreach(pair "{nl}|\n" "{bs}|\\" "{cb}|]" "{ob}|[" "{sc}|;" "{lb}|{")
  string(FIND "${pair}" "|" bar)
  string(SUBSTRING "${pair}" 0 ${bar} code)
  math(EXPR after "${bar} + 1")
  string(SUBSTRING "${pair}" ${after} -1 text)
  string(REPLACE "${code}" "${text}" failures "${failures}")
endforeach()

if(n_failures GREATER 0)
  message("${failures}")
  message(FATAL_ERROR "doxygen: ${n_failures} warning(s) or error(s), listed above: document each name "
    "they give with a /// comment above its declaration, and fix the comments they point at.")
endif()
message(STATUS "doxygen: every public name of include/lamina/ is documented")
