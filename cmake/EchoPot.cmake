# SPDX-License-Identifier: MIT
# cmake -DXGETTEXT=... -DSOURCE_DIR=... -DVERSION=... -DSOURCES=a.cpp,b.cpp -DOUTPUT=file.pot
#       [-DCOMPARE=po/echo-pair.pot] -P EchoPot.cmake
# Extracts the template. With COMPARE, fails unless COMPARE is the same template (its creation
# date aside): the checked-in po/echo-pair.pot is current with the sources.
string(REPLACE "," ";" SOURCES "${SOURCES}")
execute_process(
  COMMAND ${XGETTEXT} --language=C++ --from-code=UTF-8 --add-location=file
          --keyword=tr --keyword=tr_plural:1,2 --keyword=tr_noop --keyword=plural:2,3
          --add-comments=TRANSLATORS: --package-name=echo-pair --package-version=${VERSION}
          --copyright-holder=echo-pair --msgid-bugs-address=
          -o ${OUTPUT} ${SOURCES}
  WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "xgettext failed")
endif()
if(COMPARE)
  file(READ ${OUTPUT} fresh)
  file(READ ${COMPARE} kept)
  string(REGEX REPLACE "\"POT-Creation-Date: [^\"]*\"" "" fresh "${fresh}")
  string(REGEX REPLACE "\"POT-Creation-Date: [^\"]*\"" "" kept "${kept}")
  if(NOT fresh STREQUAL kept)
    message(FATAL_ERROR "po/echo-pair.pot is out of date: run "
                        "`cmake --build --preset dev --target pot`, then update po/*.po "
                        "(msgmerge --update po/es.po po/echo-pair.pot)")
  endif()
  message(STATUS "po/echo-pair.pot is current")
endif()
