# SPDX-License-Identifier: MIT
# Run by cpack -G DEB on the staged files, before it packs them: the licence, as Debian's
# /usr/share/doc/<package>/copyright.
set(echo_doc "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/share/doc/${CPACK_PACKAGE_NAME}")
if(NOT EXISTS "${echo_doc}/LICENSE")
  message(FATAL_ERROR "no LICENSE staged in ${echo_doc}")
endif()
file(COPY_FILE "${echo_doc}/LICENSE" "${echo_doc}/copyright")
