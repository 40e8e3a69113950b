# lamina's API reference: Doxygen HTML of include/lamina (docs/Doxyfile.in), with README.md as
# its front page and docs/*.md as related pages. Nothing here is part of ALL:
#   cmake --build build --target lamina_api_docs   ->  build/api-docs/html/index.html
# With LAMINA_BUILD_TESTS, the test docs.api_reference (tests/docs/check_api_docs.cmake) fails
# on any Doxygen warning: a public name of include/lamina without documentation, a bad comment.
# Without doxygen (Debian: doxygen) both are skipped.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
  message(STATUS "lamina: doxygen not found: the API reference (target lamina_api_docs) and its "
                 "test docs.api_reference are skipped")
  return()
endif()

set(LAMINA_API_DOCS_DIR ${PROJECT_BINARY_DIR}/api-docs)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${LAMINA_API_DOCS_DIR}/Doxyfile @ONLY)
add_custom_target(lamina_api_docs
  COMMAND ${DOXYGEN_EXECUTABLE} ${LAMINA_API_DOCS_DIR}/Doxyfile
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "lamina: API reference in ${LAMINA_API_DOCS_DIR}/html/index.html (warnings: ${LAMINA_API_DOCS_DIR}/warnings.log)"
  VERBATIM)

if(LAMINA_BUILD_TESTS)
  # The test writes its own copy (api-docs-check), so that it may run while the target builds.
  set(LAMINA_API_DOCS_DIR ${PROJECT_BINARY_DIR}/api-docs-check)
  configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${LAMINA_API_DOCS_DIR}/Doxyfile @ONLY)
  enable_testing()
  add_test(NAME docs.api_reference
    COMMAND ${CMAKE_COMMAND}
      -DDOXYGEN=${DOXYGEN_EXECUTABLE}
      -DDOXYFILE=${LAMINA_API_DOCS_DIR}/Doxyfile
      -DWARN_LOG=${LAMINA_API_DOCS_DIR}/warnings.log
      -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -P ${PROJECT_SOURCE_DIR}/tests/docs/check_api_docs.cmake)
  set(LAMINA_API_DOCS_DIR ${PROJECT_BINARY_DIR}/api-docs)
endif()
