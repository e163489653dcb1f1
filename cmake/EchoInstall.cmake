# SPDX-License-Identifier: MIT
# Where `cmake --install` puts things: programs in bin/, man pages in share/man/man1/ (Spanish:
# share/man/es/man1/; the catalogues: cmake/EchoTranslations.cmake), bash
# completions where bash-completion looks, README and LICENSE in share/doc/echo-pair/.
include(GNUInstallDirs)

install(TARGETS echo-server echo-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages are installed compressed (Debian policy: gzip -9n, reproducible) where gzip exists:
# the English ones in share/man/man1/, the Spanish ones (man/es/) in share/man/es/man1/.
find_program(ECHO_GZIP gzip)
set(echo_man_targets)
foreach(folder . es)
  set(echo_man_pages)
  foreach(page echo-server.1 echo-client.1)
    if(ECHO_GZIP)
      add_custom_command(
        OUTPUT ${PROJECT_BINARY_DIR}/man/${folder}/${page}.gz
        COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/man/${folder}/${page}
                ${PROJECT_BINARY_DIR}/man/${folder}/${page}
        COMMAND ${ECHO_GZIP} -9nf ${PROJECT_BINARY_DIR}/man/${folder}/${page}
        DEPENDS ${PROJECT_SOURCE_DIR}/man/${folder}/${page}
        COMMENT "Compressing man page ${folder}/${page}"
        VERBATIM)
      list(APPEND echo_man_pages ${PROJECT_BINARY_DIR}/man/${folder}/${page}.gz)
    else()
      list(APPEND echo_man_pages ${PROJECT_SOURCE_DIR}/man/${folder}/${page})
    endif()
  endforeach()
  list(APPEND echo_man_targets ${echo_man_pages})
  if(folder STREQUAL ".")
    install(FILES ${echo_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  else()
    install(FILES ${echo_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/${folder}/man1)
  endif()
endforeach()
add_custom_target(echo_man_pages ALL DEPENDS ${echo_man_targets})

# bash-completion's own answer, relative to our prefix: its pkg-config file places completions
# below its datadir, which we replace with ours so that `--prefix ~/.local` stays writable.
set(ECHO_BASH_COMPLETION_DIR "" CACHE STRING
    "Where to install bash completions (relative to the prefix, or absolute); empty: ask bash-completion")
set(echo_completions_dir "${ECHO_BASH_COMPLETION_DIR}")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(BASH_COMPLETION QUIET bash-completion)
endif()
if(NOT echo_completions_dir AND BASH_COMPLETION_FOUND)
  execute_process(
    COMMAND ${PKG_CONFIG_EXECUTABLE} --define-variable=datadir=${CMAKE_INSTALL_DATADIR}
            --variable=completionsdir bash-completion
    OUTPUT_VARIABLE echo_completions_dir OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(IS_ABSOLUTE "${echo_completions_dir}")
    set(echo_completions_dir "") # not below datadir: it would ignore our prefix
  endif()
endif()
if(NOT echo_completions_dir)
  set(echo_completions_dir ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()
message(STATUS "bash completions go to ${echo_completions_dir}")
install(FILES completions/echo-server completions/echo-client DESTINATION ${echo_completions_dir})

install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# systemd units for the echo service on port 7 (dist/systemd/), installed, never enabled. The
# service's ExecStart names the installed program, so it is written at install time, when the
# prefix is known (cpack installs with its own, /usr).
set(ECHO_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where to install the systemd units (relative to the prefix, or absolute)")
install(CODE "
  set(ECHO_SERVER_PATH \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/echo-server\")
  configure_file(\"${PROJECT_SOURCE_DIR}/dist/systemd/echo-server.service.in\"
                 \"${PROJECT_BINARY_DIR}/dist/echo-server.service\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/dist/echo-server.service dist/systemd/echo-server.socket
        DESTINATION ${ECHO_SYSTEMD_UNIT_DIR})
