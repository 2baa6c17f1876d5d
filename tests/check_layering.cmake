# The layering rules, checked on the include lines of every source file, both ways:
#  - ui/ and app/ never reach torch: not directly, and not through a core header that includes
#    torch itself or through any chain of core headers that ends in one;
#  - core/ never reaches the GUI: no GL, GLFW, glad or ImGui, and nothing from ui/ or app/;
#  - ui/ never includes app/.
# Run at configure time (CMakeLists.txt includes it with SOURCE_DIR set) and as a ctest
# (cmake -DSOURCE_DIR=... -P tests/check_layering.cmake).
if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.16)  # if(IN_LIST) in script mode
endif()

set(torch_pattern "#include *[<\"](torch|ATen|c10)/")
set(gui_pattern "#include *[<\"](imgui|GLFW/|glad/|GL/|ui/|app/)")

# The "core/..." headers a file includes.
function(core_includes_of file out)
  file(STRINGS "${file}" lines REGEX "#include *\"core/[^\"]+\"")
  set(found "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".*#include *\"(core/[^\"]+)\".*" "\\1" header "${line}")
    list(APPEND found "${header}")
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE core_headers RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/core/*.h")

# Headers that include torch directly, then everything that includes one of them, until nothing changes.
set(torch_headers "")
foreach(header IN LISTS core_headers)
  file(STRINGS "${SOURCE_DIR}/${header}" hits REGEX "${torch_pattern}")
  if(hits)
    list(APPEND torch_headers "${header}")
  endif()
endforeach()
set(grew TRUE)
while(grew)
  set(grew FALSE)
  foreach(header IN LISTS core_headers)
    if(header IN_LIST torch_headers)
      continue()
    endif()
    core_includes_of("${SOURCE_DIR}/${header}" included)
    foreach(dependency IN LISTS included)
      if(dependency IN_LIST torch_headers)
        list(APPEND torch_headers "${header}")
        set(grew TRUE)
        break()
      endif()
    endforeach()
  endforeach()
endwhile()

set(violations "")
file(GLOB_RECURSE front_end_files "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/ui/*.cpp" "${SOURCE_DIR}/app/*.h" "${SOURCE_DIR}/app/*.cpp")
foreach(source IN LISTS front_end_files)
  file(STRINGS "${source}" hits REGEX "${torch_pattern}")
  foreach(line IN LISTS hits)
    list(APPEND violations "${source}: ${line}")
  endforeach()
  core_includes_of("${source}" included)
  foreach(header IN LISTS included)
    if(header IN_LIST torch_headers)
      list(APPEND violations "${source}: includes ${header}, which reaches torch")
    endif()
  endforeach()
endforeach()

file(GLOB_RECURSE core_files "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.cpp")
foreach(source IN LISTS core_files)
  file(STRINGS "${source}" hits REGEX "${gui_pattern}")
  foreach(line IN LISTS hits)
    list(APPEND violations "${source}: ${line} (core must not reach the GUI)")
  endforeach()
endforeach()

file(GLOB_RECURSE ui_files "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/ui/*.cpp")
foreach(source IN LISTS ui_files)
  file(STRINGS "${source}" hits REGEX "#include *\"app/")
  foreach(line IN LISTS hits)
    list(APPEND violations "${source}: ${line} (ui must not include app)")
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "the layering rules are broken:\n  ${text}")
endif()
list(LENGTH torch_headers torch_header_count)
message(STATUS "layering holds: ui/ and app/ are torch-free, core/ is GUI-free (${torch_header_count} core headers reach torch)")
