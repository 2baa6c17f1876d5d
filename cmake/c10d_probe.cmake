# Decides how core/runtime/process_group.cpp builds: with c10d's Gloo group (INVARIANCES_HAVE_C10D),
# with NCCL as well (INVARIANCES_HAVE_C10D_NCCL), or without data-parallel training, in which case
# INVARIANCES_NO_C10D_REASON carries the reason a multi-rank launch prints.
#
# Debian's LibTorch 1.13 is the version the project is developed and tested on; its c10d is used
# as found. Any other LibTorch's c10d API may differ (it changed over 2.x), so there the file is
# first compiled and linked into a throwaway executable at configure time, with NCCL and then
# without: a mismatch costs data-parallel training, never the build. The compiler's output lands
# in <build>/c10d-probe.log. -DINVARIANCES_PROBE_C10D=ON probes on 1.13 too (to test the probe).

function(invariances_configure_c10d source)
  find_path(INVARIANCES_GLOO_INCLUDE gloo/config.h PATHS ${TORCH_INCLUDE_DIRS})
  find_path(INVARIANCES_C10D_INCLUDE torch/csrc/distributed/c10d/reducer.hpp PATHS ${TORCH_INCLUDE_DIRS})
  find_path(INVARIANCES_DIST_AUTOGRAD_INCLUDE torch/csrc/distributed/autograd/context/context.h PATHS ${TORCH_INCLUDE_DIRS})
  if(NOT INVARIANCES_GLOO_INCLUDE OR NOT INVARIANCES_C10D_INCLUDE)
    message(STATUS "Data-parallel training: off (no gloo/config.h or c10d headers; install libgloo-dev)")
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS
                 "INVARIANCES_NO_C10D_REASON=\"its LibTorch came without c10d's or Gloo's headers\"")
    return()
  endif()

  set(includes "")
  if(NOT INVARIANCES_GLOO_INCLUDE IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    list(APPEND includes ${INVARIANCES_GLOO_INCLUDE})
  endif()
  if(NOT INVARIANCES_DIST_AUTOGRAD_INCLUDE)
    # Debian's package lacks this one header of the Reducer's; see the shim's comment.
    list(APPEND includes ${CMAKE_SOURCE_DIR}/cmake/c10d_shim)
  endif()
  set(nccl_includes "")
  if(TORCH_CUDA_LIBRARIES)
    # pip's CUDA PyTorch keeps NCCL's header in an nvidia-nccl package beside torch.
    file(GLOB pip_nccl LIST_DIRECTORIES true "${TORCH_INSTALL_PREFIX}/../nvidia/*/include")
    find_path(INVARIANCES_NCCL_INCLUDE nccl.h PATHS ${TORCH_INCLUDE_DIRS} ${pip_nccl} ${CUDAToolkit_INCLUDE_DIRS}
              /usr/local/cuda/include)
    if(INVARIANCES_NCCL_INCLUDE)
      set(nccl_includes ${INVARIANCES_NCCL_INCLUDE})
    endif()
  endif()

  # "nccl", "gloo" or "none": what the source builds with. Debian's 1.13 has no CUDA, and its c10d
  # is the one this source is tested with.
  set(outcome gloo)
  if(Torch_VERSION VERSION_GREATER_EQUAL 2 OR INVARIANCES_PROBE_C10D)
    # An edit of the source re-runs configure, and so the probe (the key holds the file's hash).
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${source})
    file(SHA256 ${CMAKE_SOURCE_DIR}/${source} source_hash)
    string(SUBSTRING ${source_hash} 0 16 source_hash)
    set(key "INVARIANCES_C10D_PROBE_${Torch_VERSION}_${source_hash}")
    if(NOT DEFINED ${key})
      set(log "${CMAKE_BINARY_DIR}/c10d-probe.log")
      file(WRITE "${log}" "c10d probe against LibTorch ${Torch_VERSION}\n")
      set(outcome none)
      set(attempts "")
      if(nccl_includes)
        list(APPEND attempts nccl)
      endif()
      list(APPEND attempts gloo)
      foreach(attempt IN LISTS attempts)
        set(definitions -DINVARIANCES_HAVE_C10D)
        set(attempt_includes ${CMAKE_SOURCE_DIR} ${includes})
        if(attempt STREQUAL "nccl")
          list(APPEND definitions -DINVARIANCES_HAVE_C10D_NCCL)
          list(APPEND attempt_includes ${nccl_includes})
        endif()
        message(STATUS "Data-parallel training: trying c10d (${attempt}) against LibTorch ${Torch_VERSION}")
        try_compile(compiled "${CMAKE_BINARY_DIR}/c10d-probe-${attempt}"
          SOURCES ${CMAKE_SOURCE_DIR}/${source} ${CMAKE_SOURCE_DIR}/core/runtime/exception_text.cpp
                  ${CMAKE_SOURCE_DIR}/core/runtime/compute_device.cpp ${CMAKE_SOURCE_DIR}/cmake/c10d_probe_main.cpp
          NO_CACHE
          CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${attempt_includes}"
          COMPILE_DEFINITIONS ${definitions}
          LINK_LIBRARIES torch Threads::Threads
          CXX_STANDARD 17
          OUTPUT_VARIABLE output)
        file(APPEND "${log}" "---- ${attempt}: ${compiled}\n${output}\n")
        if(compiled)
          set(outcome ${attempt})
          break()
        endif()
      endforeach()
      set(${key} ${outcome} CACHE INTERNAL "What c10d this LibTorch builds the source with")
    endif()
    set(outcome ${${key}})
  endif()

  if(outcome STREQUAL "none")
    message(STATUS "Data-parallel training: off (c10d of LibTorch ${Torch_VERSION} does not build with ${source}; "
                   "see ${CMAKE_BINARY_DIR}/c10d-probe.log)")
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS
                 "INVARIANCES_NO_C10D_REASON=\"the c10d of its LibTorch did not build with this source (see c10d-probe.log in the build folder)\"")
    return()
  endif()
  set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS INVARIANCES_HAVE_C10D)
  if(outcome STREQUAL "nccl")
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS INVARIANCES_HAVE_C10D_NCCL)
    list(APPEND includes ${nccl_includes})
    message(STATUS "Data-parallel training: c10d with Gloo, and NCCL for CUDA")
  else()
    message(STATUS "Data-parallel training: c10d with Gloo")
  endif()
  if(includes)
    set_property(SOURCE ${source} APPEND PROPERTY INCLUDE_DIRECTORIES ${includes})
  endif()
endfunction()
