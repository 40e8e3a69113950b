# Runs one example with some arguments and checks its exit status and output (the CTest tests
# example.<name>.help / .badvalue / .badseed / .novalue / .badopt of CMakeLists.txt):
#
#   cmake -DEXE=path -DARGS="--epochs|abc" -DRC=2 [-DSTDOUT=regex] [-DSTDERR=regex] [-DONE_LINE=ON]
#         -P cli_check.cmake
#
# ARGS separates the arguments with "|". STDOUT / STDERR: regular expressions the output must
# match; ONE_LINE: stderr must be exactly one line.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${EXE}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
set(failures "")
if(NOT rc STREQUAL "${RC}")
  string(APPEND failures "exit status ${rc}, expected ${RC}\n")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "${STDOUT}")
  string(APPEND failures "stdout does not match \"${STDOUT}\"\n")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  string(APPEND failures "stderr does not match \"${STDERR}\"\n")
endif()
if(ONE_LINE AND NOT err MATCHES "^[^\n]+\n$")
  string(APPEND failures "stderr is not one line\n")
endif()
if(failures)
  message(FATAL_ERROR "${EXE} ${args}:\n${failures}--- stdout:\n${out}--- stderr:\n${err}")
endif()
