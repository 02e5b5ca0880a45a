# The git commit the build is made from, read at configure time:
# CUSTOMER_FAKE_GIT_COMMIT when set (a build without .git, like the image's,
# is handed it), else `git rev-parse HEAD`, else "unknown". CMake runs again
# when HEAD moves, so a build after a commit names that commit.
set(CUSTOMER_FAKE_GIT_COMMIT "" CACHE STRING
  "The commit to report (default: git rev-parse HEAD of the source tree)")
set(customer_fake_commit "${CUSTOMER_FAKE_GIT_COMMIT}")
find_package(Git QUIET)
if(customer_fake_commit STREQUAL "" AND GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse HEAD
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    OUTPUT_VARIABLE customer_fake_commit OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE git_result ERROR_QUIET)
  if(git_result EQUAL 0)
    # HEAD, the branch it names and packed-refs, as configure dependencies.
    execute_process(COMMAND "${GIT_EXECUTABLE}" symbolic-ref -q HEAD
      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
      OUTPUT_VARIABLE branch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    foreach(ref HEAD packed-refs ${branch})
      execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --git-path ${ref}
        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
        OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(path)
        get_filename_component(path "${path}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
        if(EXISTS "${path}")
          set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${path}")
        endif()
      endif()
    endforeach()
  else()
    set(customer_fake_commit "")
  endif()
endif()
if(customer_fake_commit STREQUAL "")
  set(customer_fake_commit "unknown")
endif()
set(CUSTOMER_FAKE_COMMIT "${customer_fake_commit}")
string(SUBSTRING "${CUSTOMER_FAKE_COMMIT}" 0 7 CUSTOMER_FAKE_COMMIT_SHORT)
if(CUSTOMER_FAKE_COMMIT STREQUAL "unknown")
  set(CUSTOMER_FAKE_COMMIT_SHORT "unknown")
endif()
message(STATUS "customer-fake ${PROJECT_VERSION} (commit ${CUSTOMER_FAKE_COMMIT_SHORT})")
