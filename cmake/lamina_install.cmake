# Install the headers and an exported package config so that
# find_package(lamina CONFIG REQUIRED) gives lamina::lamina.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/lamina DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The small data sets the examples use (faces, photos), found by lamina::data::data_path().
install(DIRECTORY data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lamina/data)
install(TARGETS lamina EXPORT laminaTargets)
if(_lamina_top)  # (a subproject builds lamina_compiled only on demand: not installed from there)
  install(TARGETS lamina_compiled EXPORT laminaTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
install(EXPORT laminaTargets NAMESPACE lamina:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lamina)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/laminaConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/laminaConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lamina)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/laminaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/laminaConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/laminaConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/lamina_dependencies.cmake
              ${CMAKE_CURRENT_LIST_DIR}/lamina_cuda_target.cmake
              ${CMAKE_CURRENT_LIST_DIR}/lamina_linalg_target.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lamina)

# pkg-config files: lamina (headers) and lamina-compiled (with the static library).
foreach(_dir INCLUDEDIR LIBDIR DATADIR)
  string(TOLOWER ${_dir} _name)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(_lamina_pc_${_name} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(_lamina_pc_${_name} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
string(APPEND _lamina_pc_datadir "/lamina/data")
set(_lamina_pc_dl "")
foreach(_lib ${CMAKE_DL_LIBS})
  string(APPEND _lamina_pc_dl " -l${_lib}")
endforeach()
string(STRIP "${_lamina_pc_dl}" _lamina_pc_dl)
configure_file(${CMAKE_CURRENT_LIST_DIR}/lamina.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lamina.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lamina.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(_lamina_top)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/lamina-compiled.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lamina-compiled.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lamina-compiled.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  include(lamina_package)
endif()
