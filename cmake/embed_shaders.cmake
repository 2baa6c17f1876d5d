# Turns every GLSL file of shaders/ into a string constant in <out>/shaders/embedded_shaders.h, so
# the binaries carry their shaders and run from any folder. Re-runs when a shader changes.
function(invariances_embed_shaders out_dir)
  file(GLOB shader_files CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.vert"
                                          "${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.frag")
  set(text "#pragma once\n// Generated from shaders/ by cmake/embed_shaders.cmake; do not edit.\n\nnamespace inv::shaders {\n")
  foreach(shader IN LISTS shader_files)
    get_filename_component(name "${shader}" NAME)
    string(MAKE_C_IDENTIFIER "${name}" identifier)
    file(READ "${shader}" source)
    string(APPEND text "inline constexpr const char* k_${identifier} = R\"glsl(${source})glsl\";\n")
  endforeach()
  string(APPEND text "}  // namespace inv::shaders\n")
  file(CONFIGURE OUTPUT "${out_dir}/shaders/embedded_shaders.h" CONTENT "${text}" @ONLY)
endfunction()
