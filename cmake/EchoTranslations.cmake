# SPDX-License-Identifier: MIT
# The message catalogues (GNU gettext, text domain echo-pair): po/LANG.po compiled by msgfmt into
# the build tree (build/dev/locale/LANG/LC_MESSAGES/echo-pair.mo, where a freshly built program
# finds it) and installed under share/locale/. Without msgfmt the programs are built all the same
# and speak English. `cmake --build --preset dev --target pot` regenerates po/echo-pair.pot
# from the sources (cmake/EchoPot.cmake); the [po] CTests check the template and catalogues.
set(ECHO_LANGUAGES es)
find_program(ECHO_MSGFMT msgfmt)
find_program(ECHO_XGETTEXT xgettext)
find_program(ECHO_MSGCMP msgcmp)

set(echo_catalogues)
if(ECHO_MSGFMT)
  foreach(language ${ECHO_LANGUAGES})
    set(mo ${PROJECT_BINARY_DIR}/locale/${language}/LC_MESSAGES/echo-pair.mo)
    add_custom_command(
      OUTPUT ${mo}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/locale/${language}/LC_MESSAGES
      COMMAND ${ECHO_MSGFMT} --check -o ${mo} ${PROJECT_SOURCE_DIR}/po/${language}.po
      DEPENDS ${PROJECT_SOURCE_DIR}/po/${language}.po
      COMMENT "Compiling the ${language} message catalogue"
      VERBATIM)
    list(APPEND echo_catalogues ${mo})
    install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${language}/LC_MESSAGES)
  endforeach()
  add_custom_target(echo_catalogues ALL DEPENDS ${echo_catalogues})
else()
  message(STATUS "msgfmt not found (package gettext): the programs will speak English only")
endif()

# The template, from the sources; file names without line numbers, so that it changes only when
# a message does.
file(GLOB_RECURSE echo_translated_sources RELATIVE ${PROJECT_SOURCE_DIR} CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/*.cpp ${PROJECT_SOURCE_DIR}/src/*.hpp)
list(SORT echo_translated_sources)
list(JOIN echo_translated_sources "," echo_translated_sources) # one argument on the command line
set(echo_pot_command
    ${CMAKE_COMMAND} -DXGETTEXT=${ECHO_XGETTEXT} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
    -DVERSION=${PROJECT_VERSION} "-DSOURCES=${echo_translated_sources}")
if(ECHO_XGETTEXT)
  add_custom_target(pot
    COMMAND ${echo_pot_command} -DOUTPUT=${PROJECT_SOURCE_DIR}/po/echo-pair.pot
            -P ${PROJECT_SOURCE_DIR}/cmake/EchoPot.cmake
    COMMENT "Regenerating po/echo-pair.pot"
    VERBATIM)
endif()
