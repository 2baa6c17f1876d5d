# Fails when a doctest case name holds ',' or ';': ctest passes the name to doctest's --test-case
# filter, which splits it there, so such an entry matches no case, runs nothing and still passes.
file(GLOB test_sources "${SOURCE_DIR}/tests/*.cpp")
set(violations "")
foreach(source IN LISTS test_sources)
  file(STRINGS "${source}" cases REGEX "TEST_CASE\\(\"[^\"]*[,;]")
  foreach(line IN LISTS cases)
    list(APPEND violations "${source}: ${line}")
  endforeach()
endforeach()
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "test names with ',' or ';' (ctest would run nothing for them):\n  ${text}")
endif()
