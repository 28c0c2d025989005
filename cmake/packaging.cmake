# Packaging: `cpack -G DEB` (run from the build dir, after building `podbucket`) makes
# podbucket_<version>_<arch>.deb with the binary in /usr/bin, the systemd unit podbucket.service, a default
# /etc/podbucket/config.yaml (a conffile) and maintainer scripts that create the `podbucket` system user.
# Installing the package does not start the server: see docs/deployment.md.
set(_pkg ${PROJECT_SOURCE_DIR}/packaging)

install(TARGETS podbucket RUNTIME DESTINATION bin)
install(FILES ${_pkg}/podbucket.service DESTINATION lib/systemd/system)
install(FILES ${_pkg}/config.yaml DESTINATION /etc/podbucket
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${_pkg}/deb/copyright DESTINATION share/doc/podbucket)
# The settings reference that /etc/podbucket/config.yaml points to.
install(FILES ${PROJECT_SOURCE_DIR}/docs/configuration.md DESTINATION share/doc/podbucket)
# Packaging installs only what was already built: `cpack` never starts a build of everything (tests, benchmarks).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME podbucket)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "podbucket maintainers <podbucket@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hostable, AWS-compatible object storage with keyless pod credentials")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "One binary that serves S3, IAM, STS, KMS, EKS and EKS Auth on one port, plus an EKS Pod Identity agent "
       "and a mutating admission webhook. The package installs the binary, the systemd unit podbucket.service and "
       "a default /etc/podbucket/config.yaml; the service starts once it is enabled.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binary (dpkg-shlibdeps), plus what the maintainer scripts call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_pkg}/deb/conffiles ${_pkg}/deb/postinst ${_pkg}/deb/prerm ${_pkg}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# Only the DEB generator is configured; source packages are not made.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
