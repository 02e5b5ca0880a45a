# Debian packages through CPack (scripts/package makes them):
#   customer-fake_VERSION_amd64.deb      the binary, /usr/share/customer-fake/
#                                        scenarios, docs and the man page
#   customer-fake-dev_VERSION_amd64.deb  the libraries, headers and the CMake
#                                        package customer_fake, for C++ tests
# The runtime package's dependencies are what dpkg-shlibdeps finds the binary
# linked against, never a hand-kept list.

# `cmake --install` and cpack install what is built; they do not build the
# tests first (scripts/package builds the targets it packs).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME customer-fake)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "customer-fake")
set(CPACK_PACKAGE_CONTACT "customer-fake maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "In-memory fake of MOIA's Trip API CustomerService (gRPC)")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME customer-fake)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION devel)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "In-memory fake of MOIA's Trip API CustomerService (gRPC)
 customer-fake serves moia.trip.customer.v1.CustomerService from YAML
 scenarios, with a control service for resetting state, scripting faults and
 reading the call journal. Bundled scenarios are in
 /usr/share/customer-fake/scenarios.")

# Static libraries: what they link is the -dev packages of their libraries,
# which dpkg-shlibdeps cannot see in a .a; these are the packages whose CMake
# configs customer_fakeConfig.cmake loads.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME customer-fake-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "customer-fake (= ${PROJECT_VERSION}), libgrpc++-dev, libprotobuf-dev, libabsl-dev, libyaml-dev, libssl-dev, libcpp-httplib-dev, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "customer-fake for C++ tests: libraries, headers, CMake package
 find_package(customer_fake) gives customer_fake::customer_fake, an
 in-process CustomerService fake, and customer_fake::testing, its gtest
 helpers.")

include(CPack)
