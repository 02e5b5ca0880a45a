# Install rules and the CMake package `customer_fake`: after
#   cmake --install build/default --prefix <prefix>
# another project does
#   find_package(customer_fake CONFIG REQUIRED)   # -DCMAKE_PREFIX_PATH=<prefix>
#   target_link_libraries(my_tests PRIVATE customer_fake::customer_fake)
# (or customer_fake::testing for the gtest helpers). See examples/cpp/.
include(CMakePackageConfigHelpers)

set(CUSTOMER_FAKE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/customer_fake")
# Two components, which the Debian packages follow (cmake/package.cmake):
# runtime (the binary, the scenarios, the docs) and dev (libraries, headers,
# the CMake package). `cmake --install` without --component installs both.
set(CUSTOMER_FAKE_SCENARIOS_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/customer-fake/scenarios")

# Every layer but the command line's (and the conformance kit it runs) is a
# static library that customer_fake::customer_fake links.
get_property(customer_fake_layers GLOBAL PROPERTY CUSTOMER_FAKE_LAYERS)
list(REMOVE_ITEM customer_fake_layers customer_fake_cli
  customer_fake_conformance)
install(TARGETS customer_fake ${customer_fake_layers} customer_fake_protos
    customer-fake
  EXPORT customer_fakeTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
install(EXPORT customer_fakeTargets
  NAMESPACE customer_fake::
  DESTINATION "${CUSTOMER_FAKE_CMAKE_DIR}" COMPONENT dev)

# A file of its own, loaded by the config only when GTest is found.
if(TARGET customer_fake_testing)
  install(TARGETS customer_fake_testing EXPORT customer_fakeTestingTargets
    COMPONENT dev)
  install(EXPORT customer_fakeTestingTargets
    NAMESPACE customer_fake::
    DESTINATION "${CUSTOMER_FAKE_CMAKE_DIR}" COMPONENT dev)
endif()

# Only the public headers, under the project's own folder so that nothing
# clashes in a shared prefix: the embedding class and its options, the
# control operations, the testing helpers, the model types they name, the
# certificates for FakeOptions::tls, and the generated CustomerService
# stubs. examples/cpp builds against them.
set(CUSTOMER_FAKE_PUBLIC_HEADERS
  server/fake.h control/control.h testing/fake_test.h errors/error_info.h
  tls/certificates.h
  model/call_record.h model/clock.h model/customer.h model/fault_rule.h
  model/limits.h model/logging.h model/scenario.h model/settings.h)
foreach(header ${CUSTOMER_FAKE_PUBLIC_HEADERS})
  get_filename_component(dir "${header}" DIRECTORY)
  install(FILES "${PROJECT_SOURCE_DIR}/fake/${header}"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/customer_fake/fake/${dir}"
    COMPONENT dev)
endforeach()
foreach(header moia/trip/customer/v1/customer.pb.h
    moia/trip/customer/v1/customer.grpc.pb.h)
  get_filename_component(dir "${header}" DIRECTORY)
  install(FILES "${GEN_DIR}/${header}"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/customer_fake/${dir}"
    COMPONENT dev)
endforeach()

install(DIRECTORY "${PROJECT_SOURCE_DIR}/scenarios/"
  DESTINATION "${CUSTOMER_FAKE_SCENARIOS_INSTALL_DIR}" COMPONENT runtime)

# The docs an installed binary comes with: the README, the changelog, the
# licence as Debian's copyright file, and a man page made from --help and
# --version by help2man where it is installed.
set(CUSTOMER_FAKE_DOC_DIR "${CMAKE_INSTALL_DATADIR}/doc/customer-fake")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
  DESTINATION "${CUSTOMER_FAKE_DOC_DIR}" COMPONENT runtime)
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CUSTOMER_FAKE_DOC_DIR}"
  RENAME copyright COMPONENT runtime)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/"
  DESTINATION "${CUSTOMER_FAKE_DOC_DIR}/docs" COMPONENT runtime)
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(man_page "${PROJECT_BINARY_DIR}/customer-fake.1")
  add_custom_command(OUTPUT "${man_page}.gz"
    COMMAND "${HELP2MAN}" --no-info --section 1
      --name "in-memory fake of MOIA's Trip API CustomerService"
      --output "${man_page}" $<TARGET_FILE:customer-fake>
    COMMAND gzip -9nf "${man_page}"
    DEPENDS customer-fake
    COMMENT "help2man customer-fake.1"
    VERBATIM)
  add_custom_target(customer-fake-man ALL DEPENDS "${man_page}.gz")
  # OPTIONAL: a build of the binary alone has not made it (scripts/package
  # builds it, and scripts/package-check expects it in the .deb).
  install(FILES "${man_page}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1"
    COMPONENT runtime OPTIONAL)
endif()

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/customer_fakeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/customer_fakeConfig.cmake"
  INSTALL_DESTINATION "${CUSTOMER_FAKE_CMAKE_DIR}"
  PATH_VARS CUSTOMER_FAKE_SCENARIOS_INSTALL_DIR)
# From 1.0.0 on, only a major release breaks the API.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/customer_fakeConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/customer_fakeConfig.cmake"
  "${PROJECT_BINARY_DIR}/customer_fakeConfigVersion.cmake"
  DESTINATION "${CUSTOMER_FAKE_CMAKE_DIR}" COMPONENT dev)
