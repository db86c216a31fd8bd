# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Installs the browser tests' npm packages with `npm ci` (from package-lock.json, in the current folder),
# unless node_modules already holds what this lock file installs: only the first run needs the registry.
# Usage: cmake -DNPM=/usr/bin/npm -P install_puppeteer.cmake
set(stamp node_modules/.smoothgrad-package-lock.json)
if(EXISTS "${stamp}")
    file(SHA256 package-lock.json wanted)
    file(SHA256 "${stamp}" installed)
    if(wanted STREQUAL installed)
        message(STATUS "node_modules is up to date with package-lock.json")
        return()
    endif()
endif()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error RESULT_VARIABLE failed)
if(failed)
    message(FATAL_ERROR "npm ci failed (${failed}): the browser tests need puppeteer-core from the npm registry")
endif()
file(COPY_FILE package-lock.json "${stamp}")
