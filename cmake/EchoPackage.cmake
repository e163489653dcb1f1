# SPDX-License-Identifier: MIT
# CPack: `cpack -G DEB` in a build directory makes echo-pair_<version>_<arch>.deb.
set(CPACK_PACKAGE_NAME echo-pair)
set(CPACK_PACKAGE_VENDOR "The echo-pair authors")
set(CPACK_PACKAGE_CONTACT "echo-pair maintainers <maintainers@users.noreply.b-seed-833abe75.example>"
    CACHE STRING "Maintainer of the packages, 'Name <address>'")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TCP and UDP echo server and client")
# Debian wraps nothing: the extended description keeps these lines as they are.
set(CPACK_PACKAGE_DESCRIPTION "\
echo-server listens on a TCP port and sends back every byte its peer sends
until the peer closes. echo-client sends a message, or streams standard
input, and checks the echo byte for byte. Small C++ programs that need only
the C library (the C++ runtime is linked in): for two terminals in a
classroom, for pointing nc or
socat at, and as an echo peer a test rig can trust. Man pages and bash
completion included.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR TGZ)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: computed by dpkg-shlibdeps when cpack runs, in EchoCPackProject.cmake.
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/echo-programs.txt
     CONTENT "$<TARGET_FILE:echo-server>\n$<TARGET_FILE:echo-client>\n")
set(CPACK_ECHO_PROGRAMS_FILE ${PROJECT_BINARY_DIR}/echo-programs.txt)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/EchoCPackProject.cmake)

include(CPack)
