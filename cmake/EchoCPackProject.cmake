# SPDX-License-Identifier: MIT
# Read by cpack before each generator runs (CPACK_PROJECT_CONFIG_FILE).
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()

# Depends is what dpkg-shlibdeps (package dpkg-dev) finds in the programs, at the versions this
# build needs, less libgcc-s1: the programs take only _Unwind_Resume from it, and libc6 and
# libstdc++6 both depend on it already. CPack's own shlibdeps step cannot exclude a package, and
# without dpkg-shlibdeps it would quietly make a .deb with no Depends at all.
find_program(ECHO_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(NOT ECHO_DPKG_SHLIBDEPS)
  message(FATAL_ERROR "cpack -G DEB needs dpkg-shlibdeps for Depends: apt-get install dpkg-dev")
endif()
file(STRINGS "${CPACK_ECHO_PROGRAMS_FILE}" echo_programs)
set(echo_work "${CPACK_PACKAGE_DIRECTORY}/_CPack_Packages/echo-shlibdeps")
file(MAKE_DIRECTORY "${echo_work}/debian")
file(WRITE "${echo_work}/debian/control" "") # dpkg-shlibdeps wants to be in a source tree
execute_process(
  COMMAND ${ECHO_DPKG_SHLIBDEPS} -O -xlibgcc-s1 ${echo_programs}
  WORKING_DIRECTORY "${echo_work}"
  OUTPUT_VARIABLE echo_shlibdeps
  ERROR_VARIABLE echo_shlibdeps_error
  RESULT_VARIABLE echo_shlibdeps_status
  OUTPUT_STRIP_TRAILING_WHITESPACE)
file(REMOVE_RECURSE "${echo_work}")
if(NOT echo_shlibdeps_status EQUAL 0 OR NOT echo_shlibdeps MATCHES "^shlibs:Depends=(.+)$")
  message(FATAL_ERROR "dpkg-shlibdeps ${echo_programs} failed: ${echo_shlibdeps_error}")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CMAKE_MATCH_1}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
message(STATUS "echo-pair: Depends: ${CPACK_DEBIAN_PACKAGE_DEPENDS}")

# Debian looks for the licence in /usr/share/doc/<package>/copyright.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/EchoDebianCopyright.cmake)
