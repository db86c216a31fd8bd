# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Builds and runs tests/package/consumer against smoothgrad, by MODE = find_package or add_subdirectory.
# Usage: cmake -DMODE=... -DSOURCE_DIR=... -DWORK_DIR=... -DCXX_COMPILER=... [-DCONSUMER=dir] [-DRUN_ARGUMENT=arg]
#              [-DEXTRA_ARGS=-DX=Y;...] [-DNOT_NEEDED=libname] -P build_consumer.cmake
# EXTRA_ARGS go to every configure step (smoothgrad's own and the consumer's).
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
    endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
# CONSUMER: the folder under tests/package (default consumer); PROGRAM: its program (default consumer);
# RUN_ARGUMENT: one argument for the program.
if(NOT CONSUMER)
    set(CONSUMER consumer)
endif()
set(consumer "${SOURCE_DIR}/tests/package/${CONSUMER}")
set(common -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release ${EXTRA_ARGS})
if(MODE STREQUAL "find_package")
    # Install a copy of smoothgrad into a private prefix first, as a user would.
    run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/smoothgrad-build" ${common}
        -DSMOOTHGRAD_BUILD_TESTS=OFF -DSMOOTHGRAD_BUILD_EXAMPLES=OFF -DSMOOTHGRAD_INSTALL=ON)
    run(${CMAKE_COMMAND} --install "${WORK_DIR}/smoothgrad-build" --prefix "${WORK_DIR}/prefix")
    run(${CMAKE_COMMAND} -S "${consumer}" -B "${WORK_DIR}/consumer-build" ${common}
        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCONSUMER_USE_SUBDIRECTORY=OFF)
elseif(MODE STREQUAL "add_subdirectory")
    run(${CMAKE_COMMAND} -S "${consumer}" -B "${WORK_DIR}/consumer-build" ${common}
        -DCONSUMER_USE_SUBDIRECTORY=ON -DSMOOTHGRAD_SOURCE_DIR=${SOURCE_DIR})
else()
    message(FATAL_ERROR "MODE must be find_package or add_subdirectory, got '${MODE}'")
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer-build")
if(NOT PROGRAM)
    set(PROGRAM consumer)
endif()
# NOT_NEEDED: a shared library the program must not depend on (e.g. libstb).
if(NOT_NEEDED)
    execute_process(COMMAND readelf -d "${WORK_DIR}/consumer-build/${PROGRAM}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "readelf -d ${PROGRAM} failed")
    endif()
    if(dynamic MATCHES "NEEDED[^\n]*${NOT_NEEDED}")
        message(FATAL_ERROR "${PROGRAM} needs ${NOT_NEEDED}:\n${dynamic}")
    endif()
endif()
run("${WORK_DIR}/consumer-build/${PROGRAM}" ${RUN_ARGUMENT})
message(STATUS "consumer built with ${MODE} and ran")
